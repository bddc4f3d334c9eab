#include "tests/load/load_client.hpp"

#include "protocol/control_message.hpp"
#include "protocol/crypt_stats_fields.hpp"
#include "protocol/version.hpp"

#include "Mumble.pb.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

namespace plenum::load {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// 1.3.4: both Murmur 1.3.4 and Plenum then speak legacy UDP to us (MUMBLE_PROTOCOL.md §4.7).
constexpr protocol::Version kAnnouncedVersion{1, 3, 4};
constexpr std::size_t kReadChunk = 16 * 1024;

template <std::size_t N>
bool copy_exact(const std::string& from, std::array<std::byte, N>& to) {
  if (from.size() != N) {
    return false;
  }
  for (std::size_t i = 0; i < N; ++i) {
    to[i] = static_cast<std::byte>(from[i]);
  }
  return true;
}

}  // namespace

LoadClient::LoadClient(LoadClientContext& context, std::uint32_t index, std::string username)
    : context_(context),
      index_(index),
      username_(std::move(username)),
      tls_(context.io, context.tls),
      udp_(context.io),
      deadline_(context.io),
      udp_retry_(context.io) {}

LoadClient::~LoadClient() { close(); }

void LoadClient::start(std::chrono::milliseconds timeout, std::function<void()> on_settled) {
  on_settled_ = std::move(on_settled);
  state_ = State::Connecting;
  deadline_.expires_after(timeout);
  deadline_.async_wait([this](error_code ec) {
    if (!ec) {
      fail("timed out");
    }
  });
  tls_.next_layer().async_connect(context_.server, [this](error_code ec) {
    if (ec) {
      fail("tcp connect: " + ec.message());
      return;
    }
    on_tcp_connected();
  });
}

void LoadClient::on_tcp_connected() {
  error_code ignored;
  tls_.next_layer().set_option(asio::ip::tcp::no_delay(true), ignored);
  tls_.async_handshake(asio::ssl::stream_base::client, [this](error_code ec) {
    if (ec) {
      fail("tls handshake: " + ec.message());
      return;
    }
    state_ = State::LoggingIn;
    send_hello();
    read_next();
  });
}

void LoadClient::send_hello() {
  MumbleProto::Version version;
  protocol::set_version(version, kAnnouncedVersion);
  version.clear_version_v2();  // a real 1.3.4 sends v1 only
  version.set_release("plenum-load");
  version.set_os("Linux");
  version.set_os_version("plenum-load");
  MumbleProto::Authenticate authenticate;
  authenticate.set_username(username_);
  authenticate.set_opus(true);
  protocol::Bytes frames = protocol::encode_frame(version);
  protocol::append_frame(frames, authenticate);
  queue_frame(std::move(frames));
}

void LoadClient::send_tcp_ping() {
  if (closed_ || state_ == State::Idle || state_ == State::Connecting || state_ == State::Failed) {
    return;
  }
  MumbleProto::Ping ping;
  ping.set_timestamp(probe_clock_ns());
  protocol::set_crypt_stats(ping, crypt_.local_stats());
  queue_frame(protocol::encode_frame(ping));
}

void LoadClient::queue_frame(protocol::Bytes frame) {
  outgoing_.push_back(std::move(frame));
  if (!writing_) {
    write_next();
  }
}

void LoadClient::write_next() {
  if (outgoing_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  const protocol::Bytes& front = outgoing_.front();
  asio::async_write(tls_, asio::buffer(front.data(), front.size()),
                    [this](error_code ec, std::size_t) {
                      if (ec) {
                        writing_ = false;
                        fail("tls write: " + ec.message());
                        return;
                      }
                      outgoing_.pop_front();
                      write_next();
                    });
}

void LoadClient::read_next() {
  if (closed_) {
    return;
  }
  const protocol::MutableByteView space = reader_.prepare(kReadChunk);
  tls_.async_read_some(asio::buffer(space.data(), space.size()),
                       [this](error_code ec, std::size_t n) {
                         if (ec) {
                           fail("tls read: " + ec.message());
                           return;
                         }
                         reader_.commit(n);
                         while (true) {
                           auto frame = reader_.next();
                           if (!frame) {
                             fail("bad frame from server");
                             return;
                           }
                           if (!*frame) {
                             break;
                           }
                           on_frame((*frame)->type, (*frame)->payload);
                           if (closed_) {
                             return;
                           }
                         }
                         read_next();
                       });
}

void LoadClient::on_frame(std::uint16_t type, protocol::ByteView payload) {
  // Only the handful of messages a load client acts on are parsed; the O(N) UserState
  // broadcasts of a big login wave are skipped unparsed, which keeps the generator cheap.
  switch (static_cast<protocol::MessageType>(type)) {
    case protocol::MessageType::CryptSetup:
      on_crypt_setup(payload);
      break;
    case protocol::MessageType::ServerSync:
      on_server_sync(payload);
      break;
    case protocol::MessageType::TextMessage:
      on_text_message(payload);
      break;
    case protocol::MessageType::Reject: {
      MumbleProto::Reject reject;
      reject.ParseFromArray(payload.data(), static_cast<int>(payload.size()));
      fail("rejected: " + reject.reason());
      break;
    }
    case protocol::MessageType::UDPTunnel:
      on_voice(payload, true, probe_clock_ns());
      break;
    default:
      break;
  }
}

void LoadClient::on_crypt_setup(protocol::ByteView payload) {
  MumbleProto::CryptSetup setup;
  if (!setup.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    fail("undecodable CryptSetup");
    return;
  }
  protocol::CryptStateOCB2::Key key{};
  protocol::CryptStateOCB2::Nonce client_nonce{};
  protocol::CryptStateOCB2::Nonce server_nonce{};
  if (copy_exact(setup.key(), key) && copy_exact(setup.client_nonce(), client_nonce) &&
      copy_exact(setup.server_nonce(), server_nonce)) {
    // Client role (MUMBLE_PROTOCOL.md §7.1): encrypt with client_nonce, decrypt with server's.
    crypt_.set_key(key, client_nonce, server_nonce);
  } else if (copy_exact(setup.server_nonce(), server_nonce) && crypt_.is_valid()) {
    crypt_.set_decrypt_iv(server_nonce);
  }
}

void LoadClient::on_server_sync(protocol::ByteView payload) {
  if (state_ != State::LoggingIn) {
    return;
  }
  MumbleProto::ServerSync sync;
  if (!sync.ParseFromArray(payload.data(), static_cast<int>(payload.size())) || !sync.has_session()) {
    fail("ServerSync without a session");
    return;
  }
  session_ = sync.session();
  if (!crypt_.is_valid()) {
    fail("ServerSync without CryptSetup");
    return;
  }
  state_ = State::UdpProbing;
  open_udp();
  if (state_ == State::UdpProbing) {
    send_udp_ping();
  }
}

void LoadClient::send_channel_text(const std::string& message) {
  if (closed_ || state_ != State::Ready) {
    return;
  }
  MumbleProto::TextMessage text;
  text.add_channel_id(0);
  text.set_message(message);
  queue_frame(protocol::encode_frame(text));
}

void LoadClient::on_text_message(protocol::ByteView payload) {
  MumbleProto::TextMessage text;
  if (!text.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return;
  }
  // Chat from another load client (a server that does not know /mode forwards it) is no reply;
  // the server's own answer has no actor, one that is not a client of ours, or our own session
  // (servers never echo chat to its sender).
  if (text.has_actor() && text.actor() != session_ && context_.send_log.is_ours(text.actor())) {
    return;
  }
  LoadCounters& counters = context_.counters;
  ++counters.mode_replies;
  if (counters.mode_reply_sample.empty()) {
    counters.mode_reply_sample = text.message().substr(0, 200);
  }
  // Mix takes effect with its first frame, which on_mix awaits; topk and all with the reply.
  if (tally_.switched && tally_.mode != ListenerMode::Mix) {
    tally_.confirmed = true;
  }
}

void LoadClient::fail(const std::string& reason) {
  if (closed_ || state_ == State::Failed) {
    return;
  }
  if (state_ == State::Ready) {
    disconnected_ = true;
    failure_ = reason;
    close();
    return;
  }
  state_ = State::Failed;
  failure_ = reason;
  close();
  settle();
}

void LoadClient::settle() {
  deadline_.cancel();
  udp_retry_.cancel();
  if (on_settled_) {
    auto callback = std::move(on_settled_);
    on_settled_ = nullptr;
    callback();
  }
}

void LoadClient::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  error_code ignored;
  deadline_.cancel();
  udp_retry_.cancel();
  tls_.next_layer().close(ignored);
  udp_.close(ignored);
}

}  // namespace plenum::load
