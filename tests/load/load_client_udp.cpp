// LoadClient's UDP half: address learning pings, probe voice out, batched receive.
#include "tests/load/load_client.hpp"

#include "protocol/udp_ping.hpp"
#include "protocol/voice_packet.hpp"

#include <sys/socket.h>

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

void LoadClient::send_probe(const Probe& probe) {
  if (closed_ || state_ != State::Ready) {
    return;
  }
  UdpScratch& scratch = context_.scratch;
  std::array<std::byte, kProbePayloadSize> opus{};
  write_probe(probe, opus);
  protocol::VoicePacket packet;
  packet.target_or_context = protocol::kNormalTarget;
  // Legacy seq counts 10 ms frames: +2 per 20 ms packet.
  packet.frame_number = std::uint64_t{probe.sequence} * 2;
  packet.opus = opus;
  const auto plain_size = protocol::encode_voice(packet, protocol::UdpFormat::Legacy,
                                                 protocol::Direction::ToServer, scratch.plain);
  if (!plain_size) {
    ++context_.counters.send_errors;
    return;
  }
  const auto sealed =
      crypt_.encrypt(protocol::ByteView(scratch.plain.data(), *plain_size), scratch.cipher);
  if (!sealed ||
      ::send(udp_.native_handle(), scratch.cipher.data(), *sealed, MSG_DONTWAIT) < 0) {
    ++context_.counters.send_errors;
    return;
  }
  ++context_.counters.sent;
  if (probe.in_window) {
    ++context_.counters.window_sent;
  }
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
  const auto probe = packet ? read_probe(packet->opus) : std::nullopt;
  if (!probe) {
    ++context_.counters.foreign_voice;
    return;
  }
  if (tunnel) {
    ++context_.counters.tunnel_deliveries;
    return;
  }
  context_.counters.on_udp_probe(*probe, now_ns);
}

}  // namespace plenum::load
