// LoadClient's UDP half: address learning pings, Opus voice out, batched receive and tallies.
#include "tests/load/load_client.hpp"

#include "protocol/udp_ping.hpp"
#include "protocol/voice_packet.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace plenum::load {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr auto kUdpPingRetry = std::chrono::milliseconds(250);
constexpr unsigned kLegacyTypeShift = 5;
constexpr unsigned kLegacyPingType = 1;
constexpr unsigned kLegacyOpusType = 4;

}  // namespace

static_assert(CMSG_SPACE(sizeof(timespec)) <= UdpScratch::kControlSize);

UdpScratch::UdpScratch() {
  for (std::size_t i = 0; i < kBatch; ++i) {
    vectors[i].iov_base = datagrams[i].data();
    vectors[i].iov_len = datagrams[i].size();
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_control = controls[i].data();
  }
}

namespace {

// The kernel's receive time of one datagram (SO_TIMESTAMPNS), else `fallback`.
std::uint64_t received_at(msghdr& header, std::uint64_t fallback) {
  for (cmsghdr* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr; cmsg = CMSG_NXTHDR(&header, cmsg)) {
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_TIMESTAMPNS) {
      timespec stamp{};
      std::memcpy(&stamp, CMSG_DATA(cmsg), sizeof(stamp));
      return static_cast<std::uint64_t>(stamp.tv_sec) * 1'000'000'000ULL +
             static_cast<std::uint64_t>(stamp.tv_nsec);
    }
  }
  return fallback;
}

}  // namespace

void LoadClient::open_udp() {
  error_code ec;
  const asio::ip::udp::endpoint server(context_.server.address(), context_.server.port());
  udp_.open(server.protocol(), ec);
  if (!ec) {
    udp_.connect(server, ec);
  }
  if (!ec) {
    udp_.non_blocking(true, ec);
  }
  // Kernel receive timestamps: a busy generator then delays its bookkeeping, not the latency.
  const int on = 1;
  ::setsockopt(udp_.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
  if (ec) {
    fail("udp socket: " + ec.message());
    return;
  }
  wait_udp();
}

void LoadClient::send_udp_ping() {
  if (closed_ || state_ != State::UdpProbing) {
    return;
  }
  std::array<std::byte, 16> ping{};
  const auto size = protocol::encode_legacy_ping(probe_clock_ns(), ping);
  UdpScratch& scratch = context_.scratch;
  const auto sealed = crypt_.encrypt(protocol::ByteView(ping.data(), size.value()), scratch.cipher);
  if (!sealed) {
    fail("udp ping encrypt: " + sealed.error().message());
    return;
  }
  ::send(udp_.native_handle(), scratch.cipher.data(), *sealed, MSG_DONTWAIT);
  udp_retry_.expires_after(kUdpPingRetry);
  udp_retry_.async_wait([this](error_code ec) {
    if (!ec) {
      send_udp_ping();
    }
  });
}

bool LoadClient::send_voice(protocol::ByteView opus, std::uint64_t sequence) {
  if (closed_ || state_ != State::Ready) {
    return false;
  }
  UdpScratch& scratch = context_.scratch;
  protocol::VoicePacket packet;
  packet.target_or_context = protocol::kNormalTarget;
  // Legacy frame numbers count 10 ms units: +2 per 20 ms packet.
  packet.frame_number = sequence * 2;
  packet.opus = opus;
  const auto plain_size = protocol::encode_voice(packet, protocol::UdpFormat::Legacy,
                                                 protocol::Direction::ToServer, scratch.plain);
  if (!plain_size) {
    ++context_.counters.send_errors;
    return false;
  }
  const auto sealed =
      crypt_.encrypt(protocol::ByteView(scratch.plain.data(), *plain_size), scratch.cipher);
  if (!sealed ||
      ::send(udp_.native_handle(), scratch.cipher.data(), *sealed, MSG_DONTWAIT) < 0) {
    ++context_.counters.send_errors;
    return false;
  }
  ++context_.counters.sent;
  return true;
}

void LoadClient::wait_udp() {
  udp_.async_wait(asio::ip::udp::socket::wait_read, [this](error_code ec) {
    if (ec || closed_) {
      return;
    }
    drain_udp();
    wait_udp();
  });
}

void LoadClient::drain_udp() {
  UdpScratch& scratch = context_.scratch;
  while (!closed_) {
    for (auto& message : scratch.messages) {
      message.msg_hdr.msg_controllen = UdpScratch::kControlSize;
    }
    const int received = ::recvmmsg(udp_.native_handle(), scratch.messages.data(),
                                    static_cast<unsigned>(scratch.messages.size()), MSG_DONTWAIT,
                                    nullptr);
    if (received <= 0) {
      return;
    }
    const std::uint64_t now = probe_clock_ns();
    const auto count = static_cast<std::size_t>(received);
    for (std::size_t i = 0; i < count && !closed_; ++i) {
      on_datagram(protocol::ByteView(scratch.datagrams[i].data(), scratch.messages[i].msg_len),
                  received_at(scratch.messages[i].msg_hdr, now));
    }
    if (count < scratch.messages.size()) {
      return;
    }
  }
}

void LoadClient::on_datagram(protocol::ByteView datagram, std::uint64_t received_ns) {
  UdpScratch& scratch = context_.scratch;
  if (context_.counters.window_open) {
    tally_.payload_bytes += datagram.size();
  }
  const auto plain_size = crypt_.decrypt(datagram, scratch.plain, protocol::CryptStateOCB2::Clock::now());
  if (!plain_size || *plain_size == 0) {
    ++context_.counters.decrypt_failures;
    return;
  }
  const protocol::ByteView plain(scratch.plain.data(), *plain_size);
  const auto type = std::to_integer<unsigned>(plain[0]) >> kLegacyTypeShift;
  if (type == kLegacyPingType) {
    if (state_ == State::UdpProbing) {
      state_ = State::Ready;
      settle();
    }
  } else if (type == kLegacyOpusType) {
    on_voice(plain, false, received_ns);
  } else {
    ++context_.counters.foreign_voice;
  }
}

void LoadClient::on_voice(protocol::ByteView plain, bool tunnel, std::uint64_t now_ns) {
  const auto packet = protocol::decode_legacy_voice(plain, protocol::Direction::ToClient);
  if (!packet) {
    ++context_.counters.foreign_voice;
    return;
  }
  if (tunnel) {
    ++context_.counters.tunnel_deliveries;
    return;
  }
  const std::uint32_t sender = packet->sender_session;
  if (context_.counters.window_open) {
    ++tally_.packets;
    if (sender >= heard_.size()) {
      heard_.resize(std::max<std::size_t>(sender + 1, heard_.size() * 2), false);
    }
    if (!heard_[sender]) {
      heard_[sender] = true;
      ++tally_.streams;
    }
  }
  if (context_.send_log.speaker_of(sender)) {
    on_forwarded(*packet, now_ns);
  } else if (!context_.send_log.is_ours(sender)) {
    on_mix(*packet, now_ns);
  } else {
    ++context_.counters.foreign_voice;  // a load client that does not speak
  }
}

void LoadClient::on_forwarded(const protocol::VoicePacket& packet, std::uint64_t now_ns) {
  LoadCounters& counters = context_.counters;
  const auto speaker = context_.send_log.speaker_of(packet.sender_session);
  const auto sent = context_.send_log.find(*speaker, packet.frame_number / 2);
  if (!sent) {
    ++counters.unmatched_voice;
    return;
  }
  counters.on_forwarded(tally_.mode, *sent, now_ns);
}

void LoadClient::on_mix(const protocol::VoicePacket& packet, std::uint64_t now_ns) {
  LoadCounters& counters = context_.counters;
  ++counters.mix_packets;
  if (tally_.mode == ListenerMode::Mix) {
    tally_.confirmed = true;
  }
  if (counters.window_open) {
    const auto units = static_cast<std::uint32_t>(protocol::codec::opus_packet_samples(packet.opus) / 480);
    tally_.mix.add(packet.frame_number, units, packet.terminator, now_ns);
  }
  if (!decoding_ || !decoding_->add(packet.opus, counters.window_open)) {
    return;
  }
  // A marked onset: its latency runs from the send of the onset packet it belongs to.
  const auto onset = context_.send_log.onset_before(now_ns);
  constexpr std::uint64_t kOnsetMatchNs = 1'500'000'000;  // within one burst cycle (2 s)
  ++counters.onsets_detected;
  if (onset && onset->in_window && counters.counting && now_ns - onset->sent_ns < kOnsetMatchNs) {
    counters.mix_onset_latency.record(
        std::chrono::nanoseconds(static_cast<std::int64_t>(now_ns - onset->sent_ns)));
  }
}

}  // namespace plenum::load
