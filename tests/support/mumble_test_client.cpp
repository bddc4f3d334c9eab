#include "tests/support/mumble_test_client.hpp"

#include "protocol/crypt_stats_fields.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include <cstring>

namespace plenum::test {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

constexpr std::size_t kReadChunk = 16 * 1024;
// Mumble 1.4.0 was the first release to send version_v2; older clients send v1 only.
constexpr protocol::Version kFirstV2Sender{1, 4, 0};

}  // namespace

MumbleTestClient::MumbleTestClient(ClientOptions options)
    : options_(std::move(options)), tls_context_(asio::ssl::context::tls_client), udp_(io_) {
  // Mumble servers present self-signed certificates: record the hash, verify nothing.
  tls_context_.set_verify_mode(asio::ssl::verify_none);
  SSL_CTX_set_min_proto_version(tls_context_.native_handle(), TLS1_2_VERSION);
  if (options_.identity) {
    tls_context_.use_certificate_chain(asio::buffer(options_.identity->certificate_pem));
    tls_context_.use_private_key(asio::buffer(options_.identity->private_key_pem),
                                 asio::ssl::context::pem);
  }
}

MumbleTestClient::~MumbleTestClient() { close(); }

bool MumbleTestClient::run_until(const std::function<bool()>& done, Deadline deadline) {
  while (!done()) {
    if (io_.stopped()) {
      io_.restart();
    }
    if (Clock::now() >= deadline) {
      // A deadline already past still takes what has arrived: receive_voice(now) drains.
      io_.poll();
      return done();
    }
    if (io_.run_one_until(deadline) == 0 && io_.stopped()) {
      // No operation is pending any more, so nothing can change.
      return done();
    }
  }
  return true;
}

void MumbleTestClient::connect(Deadline deadline) {
  const auto address = asio::ip::make_address(options_.host);
  tls_.emplace(io_, tls_context_);
  bool done = false;
  boost::system::error_code error;
  const auto step = [&](const char* what, auto&& start) {
    done = false;
    start([&](boost::system::error_code result, auto&&...) {
      done = true;
      error = result;
    });
    if (!run_until([&] { return done; }, deadline)) {
      boost::system::error_code ignored;
      tls_->lowest_layer().close(ignored);
      run_until([&] { return done; }, Clock::now() + std::chrono::seconds(1));
      throw ClientError(std::string(what) + ": deadline passed");
    }
    if (error) {
      throw ClientError(std::string(what) + ": " + error.message());
    }
  };
  const tcp::endpoint endpoint(address, options_.port);
  if (!options_.local_address.empty()) {
    const auto local = asio::ip::make_address(options_.local_address);
    tls_->lowest_layer().open(local.is_v4() ? tcp::v4() : tcp::v6());
    tls_->lowest_layer().bind(tcp::endpoint(local, 0));
  }
  step("TCP connect", [&](auto handler) { tls_->lowest_layer().async_connect(endpoint, handler); });
  tls_->lowest_layer().set_option(tcp::no_delay(true));
  step("TLS handshake",
       [&](auto handler) { tls_->async_handshake(asio::ssl::stream_base::client, handler); });

  if (X509* peer = SSL_get1_peer_certificate(tls_->native_handle()); peer != nullptr) {
    const protocol::X509Ptr owned(peer);
    server_cert_sha1_ = protocol::certificate_sha1_hex(*owned);
  }
  udp_.open(endpoint.protocol() == tcp::v4() ? udp::v4() : udp::v6());
  udp_.connect(udp::endpoint(address, options_.port));
  start_tcp_read();
  start_udp_read();
}

void MumbleTestClient::send_hello(const HandshakeRequest& request, Deadline deadline) {
  MumbleProto::Version version;
  protocol::set_version(version, options_.version);
  if (options_.version < kFirstV2Sender) {
    version.clear_version_v2();
  }
  version.set_release(options_.release);
  version.set_os("Linux");
  version.set_os_version("plenum tests");

  MumbleProto::Authenticate authenticate;
  authenticate.set_username(request.username);
  if (!request.password.empty()) {
    authenticate.set_password(request.password);
  }
  for (const auto& token : request.tokens) {
    authenticate.add_tokens(token);
  }
  authenticate.set_opus(true);

  protocol::Bytes frames;
  if (request.version_after_authenticate) {
    frames = protocol::encode_frame(authenticate);
    protocol::append_frame(frames, version);
  } else {
    frames = protocol::encode_frame(version);
    protocol::append_frame(frames, authenticate);
  }
  send_raw(frames, deadline);
}

Handshake MumbleTestClient::handshake(const HandshakeRequest& request, Deadline deadline) {
  send_hello(request, deadline);
  Handshake result;
  const auto collect_until = [&](protocol::MessageType last, auto... or_last) {
    while (auto message = receive(deadline)) {
      const auto type = protocol::type_of(*message);
      result.transcript.push_back(std::move(*message));
      if (type == last || ((type == or_last) || ...)) {
        return;
      }
    }
  };
  collect_until(protocol::MessageType::ServerSync, protocol::MessageType::Reject);
  if (!model_.server_sync) {
    result.model = model_;
    return result;
  }
  // Right after ServerSync, as real clients do: the server learns our UDP address only from a
  // datagram that decrypts (DESIGN.md §8).
  if (request.udp_ping && crypt_ready()) {
    result.udp_ping_echo = udp_ping(next_ping_timestamp_++, deadline);
  }
  if (request.wait_for_server_config) {
    collect_until(protocol::MessageType::ServerConfig);
  }
  result.model = model_;
  return result;
}

void MumbleTestClient::start_tcp_read() {
  if (reading_tcp_ || tcp_closed_ || !tls_) {
    return;
  }
  reading_tcp_ = true;
  const protocol::MutableByteView space = frames_.prepare(kReadChunk);
  tls_->async_read_some(asio::buffer(space.data(), space.size()),
                        [this](boost::system::error_code error, std::size_t size) {
                          reading_tcp_ = false;
                          frames_.commit(error ? 0 : size);
                          if (error) {
                            tcp_closed_ = true;
                            close_reason_ = error.message();
                            return;
                          }
                          on_tcp_data(size);
                          start_tcp_read();
                        });
}

void MumbleTestClient::on_tcp_data(std::size_t /*size*/) {
  for (;;) {
    auto next = frames_.next();
    if (!next) {
      tcp_closed_ = true;
      close_reason_ = "bad frame from server: " + next.error().message();
      return;
    }
    if (!*next) {
      return;
    }
    ++stats_.frames_received;
    const protocol::FrameView frame = **next;
    auto decoded = protocol::decode_control_message(frame.type, frame.payload);
    if (!decoded) {
      ++stats_.undecodable_frames;
      continue;
    }
    on_message(std::move(*decoded));
  }
}

void MumbleTestClient::on_message(protocol::ControlMessage message) {
  if (std::holds_alternative<protocol::TunnelPacket>(message)) {
    ++stats_.tunnel_received;
  } else if (const auto* setup = std::get_if<MumbleProto::CryptSetup>(&message)) {
    on_crypt_setup(*setup);
  }
  model_.apply(message);
  control_inbox_.push_back(std::move(message));
}

void MumbleTestClient::on_crypt_setup(const MumbleProto::CryptSetup& setup) {
  const auto to_array = [](const std::string& bytes) {
    std::array<std::byte, 16> out{};
    std::memcpy(out.data(), bytes.data(), out.size());
    return out;
  };
  constexpr std::size_t kSize = protocol::CryptStateOCB2::kKeySize;
  const bool full = setup.key().size() == kSize && setup.client_nonce().size() == kSize &&
                    setup.server_nonce().size() == kSize;
  if (full) {
    // Client role (MUMBLE_PROTOCOL.md §7.1): we encrypt with client_nonce and decrypt with
    // server_nonce.
    crypt_.set_key(to_array(setup.key()), to_array(setup.client_nonce()),
                   to_array(setup.server_nonce()));
    crypt_.mark_good(Clock::now());
  } else if (setup.server_nonce().size() == kSize && crypt_.is_valid()) {
    crypt_.set_decrypt_iv(to_array(setup.server_nonce()));
  } else if (!setup.has_key() && !setup.has_client_nonce() && !setup.has_server_nonce() &&
             crypt_.is_valid()) {
    // The server asks to resync (§7.6): tell it the IV we encrypt with.
    MumbleProto::CryptSetup reply;
    const auto& iv = crypt_.encrypt_iv();
    reply.set_client_nonce(reinterpret_cast<const char*>(iv.data()), iv.size());
    outbox_.push_back(protocol::encode_frame(reply));
    start_write();
  }
}

void MumbleTestClient::start_write() {
  if (writing_ || outbox_.empty() || tcp_closed_ || !tls_) {
    return;
  }
  writing_ = true;
  asio::async_write(*tls_, asio::buffer(outbox_.front()),
                    [this](boost::system::error_code error, std::size_t) {
                      writing_ = false;
                      if (error) {
                        tcp_closed_ = true;
                        close_reason_ = "write: " + error.message();
                        outbox_.clear();
                        return;
                      }
                      outbox_.pop_front();
                      start_write();
                    });
}

void MumbleTestClient::send_raw(protocol::ByteView bytes, Deadline deadline) {
  if (tcp_closed_ || !tls_) {
    throw ClientError("send: connection closed (" + close_reason_ + ")");
  }
  outbox_.emplace_back(bytes.begin(), bytes.end());
  ++stats_.frames_sent;
  start_write();
  if (!run_until([&] { return outbox_.empty(); }, deadline)) {
    throw ClientError("send: deadline passed with " + std::to_string(outbox_.size()) +
                      " buffers unsent");
  }
  if (tcp_closed_ && close_reason_.starts_with("write")) {
    throw ClientError("send: " + close_reason_);
  }
}

std::optional<protocol::ControlMessage> MumbleTestClient::receive(Deadline deadline) {
  run_until([&] { return !control_inbox_.empty() || tcp_closed_; }, deadline);
  if (control_inbox_.empty()) {
    return std::nullopt;
  }
  protocol::ControlMessage message = std::move(control_inbox_.front());
  control_inbox_.pop_front();
  return message;
}

std::optional<protocol::ControlMessage> MumbleTestClient::take_first(const Predicate& pred,
                                                                     Deadline deadline) {
  std::size_t checked = 0;
  for (;;) {
    for (; checked < control_inbox_.size(); ++checked) {
      if (pred(control_inbox_[checked])) {
        const auto found = control_inbox_.begin() + static_cast<std::ptrdiff_t>(checked);
        protocol::ControlMessage message = std::move(*found);
        control_inbox_.erase(found);
        return message;
      }
    }
    if (tcp_closed_ ||
        !run_until([&] { return control_inbox_.size() > checked || tcp_closed_; }, deadline)) {
      return std::nullopt;
    }
  }
}

std::optional<MumbleProto::Ping> MumbleTestClient::ping_tcp(Deadline deadline) {
  const std::uint64_t timestamp = next_ping_timestamp_++;
  MumbleProto::Ping ping;
  ping.set_timestamp(timestamp);
  protocol::set_crypt_stats(ping, crypt_.local_stats());
  ping.set_udp_packets(static_cast<std::uint32_t>(stats_.udp_received));
  ping.set_tcp_packets(static_cast<std::uint32_t>(stats_.frames_received));
  send(ping, deadline);
  return wait_for<MumbleProto::Ping>(
      [timestamp](const MumbleProto::Ping& echo) { return echo.timestamp() == timestamp; },
      deadline);
}

bool MumbleTestClient::is_closed_within(Deadline deadline) {
  return run_until([&] { return tcp_closed_; }, deadline);
}

void MumbleTestClient::close() {
  boost::system::error_code ignored;
  if (tls_) {
    tls_->lowest_layer().close(ignored);
  }
  if (udp_.is_open()) {
    udp_.close(ignored);
  }
  if (!tcp_closed_) {
    tcp_closed_ = true;
    close_reason_ = "closed by the client";
  }
  // Let the aborted operations complete so that no handler outlives what it refers to.
  io_.restart();
  io_.run();
}

ClientStats MumbleTestClient::stats() const {
  ClientStats copy = stats_;
  copy.crypt = crypt_.local_stats();
  return copy;
}

}  // namespace plenum::test
