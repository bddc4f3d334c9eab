// Connection: the UDP side (encrypted pings and voice, resync) and voice sending over either
// path (MUMBLE_PROTOCOL.md §4, §6, §7).
#include "client-cli/core/connection.hpp"

#include "client-cli/core/crypt_resync.hpp"

#include "protocol/udp_ping.hpp"
#include "protocol/voice_packet.hpp"

#include <boost/asio/buffer.hpp>

#include <variant>

namespace plenum::client {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kUdpPingInterval = 5s;
constexpr auto kUdpProbeInterval = 1s;

}  // namespace

bool Connection::send_udp(protocol::ByteView plaintext) {
  if (!udp_ || !crypt_.is_valid() || ended_) {
    return false;
  }
  std::array<std::byte, protocol::kMaxUdpPlaintextSize + protocol::CryptStateOCB2::kHeaderSize>
      datagram{};
  const auto size = crypt_.encrypt(plaintext, datagram);
  if (!size) {
    return false;
  }
  boost::system::error_code error;
  udp_->send(boost::asio::buffer(datagram.data(), *size), 0, error);
  return !error;
}

void Connection::send_udp_ping() {
  const auto now = Clock::now();
  next_udp_ping_ = now + (udp_probes_left_ > 0 ? kUdpProbeInterval : kUdpPingInterval);
  if (udp_probes_left_ > 0) {
    --udp_probes_left_;
  }
  std::array<std::byte, 64> plain{};
  const auto size =
      format_ == protocol::UdpFormat::Protobuf
          ? protocol::encode_protobuf_ping(protocol::PingFields{.timestamp = timestamp_now()},
                                           plain)
          : protocol::encode_legacy_ping(timestamp_now(), plain);
  if (size && send_udp(protocol::ByteView(plain.data(), *size))) {
    path_monitor_.on_ping_sent(now);
  }
}

void Connection::maybe_request_resync() {
  if (!synced_ || !resync_due(crypt_, Clock::now())) {
    return;
  }
  ++stats_.resync_requests;
  send(MumbleProto::CryptSetup());
}

void Connection::on_udp_datagram(std::size_t size) {
  const auto now = Clock::now();
  const auto plain_size =
      crypt_.decrypt(protocol::ByteView(udp_in_.data(), size), udp_plain_, now);
  if (!plain_size) {
    ++stats_.udp_decrypt_failures;
    maybe_request_resync();
    return;
  }
  stats_.crypt = crypt_.local_stats();
  path_monitor_.on_udp_good(now);
  const protocol::ByteView plain(udp_plain_.data(), *plain_size);
  auto message = protocol::decode_udp_plaintext(plain, format_, protocol::Direction::ToClient);
  if (!message) {
    return;
  }
  std::optional<std::uint64_t> echoed;
  if (const auto* voice = std::get_if<protocol::VoicePacket>(&*message)) {
    ++stats_.voice_received_udp;
    listener_.on_voice({voice->sender_session, voice->frame_number, voice->opus, voice->terminator,
                        VoicePath::Udp});
    return;
  }
  if (const auto* legacy = std::get_if<protocol::LegacyPing>(&*message)) {
    if (auto timestamp = protocol::parse_legacy_ping(legacy->bytes)) {
      echoed = *timestamp;
    }
  } else if (const auto* ping = std::get_if<protocol::PingFields>(&*message)) {
    echoed = ping->timestamp;
  }
  if (!echoed) {
    return;
  }
  if (udp_probes_left_ > 0) {
    udp_probes_left_ = 0;
    next_udp_ping_ = now + kUdpPingInterval;
  }
  if (const auto now_ts = timestamp_now(); *echoed != 0 && *echoed <= now_ts) {
    const double rtt_ms = static_cast<double>(now_ts - *echoed) / 1000.0;
    stats_.udp_ping_ms = stats_.udp_ping_ms ? 0.8 * *stats_.udp_ping_ms + 0.2 * rtt_ms : rtt_ms;
  }
  stats_.path = path_monitor_.update(now);
}

void Connection::on_voice_plaintext(protocol::ByteView plaintext, VoicePath path) {
  auto message = protocol::decode_udp_plaintext(plaintext, format_, protocol::Direction::ToClient);
  if (!message) {
    return;
  }
  if (const auto* voice = std::get_if<protocol::VoicePacket>(&*message)) {
    ++(path == VoicePath::Udp ? stats_.voice_received_udp : stats_.voice_received_tcp);
    listener_.on_voice(
        {voice->sender_session, voice->frame_number, voice->opus, voice->terminator, path});
  }
}

bool Connection::send_voice(const OutgoingVoice& voice) {
  if (!joined_ || !crypt_.is_valid() || ended_) {
    return false;
  }
  protocol::VoicePacket packet;
  packet.target_or_context = protocol::kNormalTarget;
  packet.frame_number = voice.frame_number;
  packet.opus = voice.opus;
  packet.terminator = voice.terminator;
  std::array<std::byte, protocol::kMaxUdpPlaintextSize> plain{};
  const auto size = protocol::encode_voice(packet, format_, protocol::Direction::ToServer, plain);
  if (!size) {
    return false;
  }
  const protocol::ByteView bytes(plain.data(), *size);
  stats_.path = path_monitor_.update(Clock::now());
  if (stats_.path == VoicePath::Udp && send_udp(bytes)) {
    ++stats_.voice_sent_udp;
    return true;
  }
  queue_frame(protocol::encode_tunnel_frame(bytes));
  ++stats_.voice_sent_tcp;
  return true;
}

}  // namespace plenum::client
