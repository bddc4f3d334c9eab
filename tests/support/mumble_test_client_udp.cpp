// MumbleTestClient's UDP half: the encrypted datagram socket, connectivity pings and voice
// over either path.
#include "tests/support/mumble_test_client.hpp"

#include "protocol/udp_ping.hpp"

#include <algorithm>

namespace plenum::test {
namespace {

namespace asio = boost::asio;

// A decrypted datagram's kind. Legacy: header type 1 is a ping, anything else voice. A
// plaintext starting with exactly 0x01 is a protobuf Ping in both formats (§4.7 edge case).
bool is_ping(protocol::ByteView plaintext, protocol::UdpFormat format) {
  if (plaintext.empty()) {
    return false;
  }
  const auto first = std::to_integer<std::uint8_t>(plaintext[0]);
  if (first == 0x01) {
    return true;
  }
  return format == protocol::UdpFormat::Legacy && (first >> 5) == 1;
}

}  // namespace

protocol::UdpFormat MumbleTestClient::udp_format() const {
  if (!model_.server_version) {
    return protocol::UdpFormat::Legacy;
  }
  const protocol::Version server = protocol::version_of(*model_.server_version);
  // Both sides must be >= 1.5.0 (§4.7): we pick by the server's version, the server by ours.
  return std::min(server, options_.version) >= protocol::kFirstProtobufUdpVersion
             ? protocol::UdpFormat::Protobuf
             : protocol::UdpFormat::Legacy;
}

void MumbleTestClient::start_udp_read() {
  if (reading_udp_ || !udp_.is_open()) {
    return;
  }
  reading_udp_ = true;
  udp_.async_receive(asio::buffer(udp_buffer_),
                     [this](boost::system::error_code error, std::size_t size) {
                       reading_udp_ = false;
                       if (error == asio::error::operation_aborted || !udp_.is_open()) {
                         return;
                       }
                       // Other errors (an ICMP "port unreachable" on the connected socket)
                       // concern one datagram; keep listening.
                       if (!error) {
                         on_udp_datagram(size);
                       }
                       start_udp_read();
                     });
}

void MumbleTestClient::on_udp_datagram(std::size_t size) {
  ++stats_.udp_received;
  if (size <= protocol::CryptStateOCB2::kHeaderSize) {
    ++stats_.udp_rejected;
    return;
  }
  protocol::Bytes plaintext(size - protocol::CryptStateOCB2::kHeaderSize);
  const auto decrypted =
      crypt_.decrypt(protocol::ByteView(udp_buffer_.data(), size), plaintext, Clock::now());
  if (!decrypted) {
    ++stats_.udp_rejected;
    return;
  }
  plaintext.resize(*decrypted);
  udp_inbox_.push_back(std::move(plaintext));
}

void MumbleTestClient::send_udp(protocol::ByteView plaintext) {
  if (!crypt_.is_valid()) {
    throw ClientError("send_udp: no CryptSetup received yet");
  }
  protocol::Bytes datagram(plaintext.size() + protocol::CryptStateOCB2::kHeaderSize);
  const auto size = crypt_.encrypt(plaintext, datagram);
  if (!size) {
    throw ClientError("send_udp: encrypt failed: " + size.error().message());
  }
  boost::system::error_code error;
  // UDP sends complete at once (no congestion control); no deadline needed.
  udp_.send(asio::buffer(datagram.data(), *size), 0, error);
  if (error) {
    throw ClientError("send_udp: " + error.message());
  }
  ++stats_.udp_sent;
}

std::optional<protocol::Bytes> MumbleTestClient::udp_ping(std::uint64_t timestamp,
                                                          Deadline deadline) {
  send_udp_ping(timestamp);
  return receive_udp_ping(deadline);
}

std::optional<protocol::Bytes> MumbleTestClient::receive_udp_ping(Deadline deadline) {
  return take_udp(true, deadline);
}

void MumbleTestClient::send_udp_ping(std::uint64_t timestamp) {
  std::array<std::byte, 64> ping{};
  const auto size = udp_format() == protocol::UdpFormat::Legacy
                        ? protocol::encode_legacy_ping(timestamp, ping)
                        : protocol::encode_protobuf_ping({.timestamp = timestamp}, ping);
  if (!size) {
    throw ClientError("udp_ping: " + size.error().message());
  }
  send_udp(protocol::ByteView(ping.data(), *size));
}

std::optional<protocol::Bytes> MumbleTestClient::take_udp(bool want_ping, Deadline deadline) {
  const protocol::UdpFormat format = udp_format();
  const auto matches = [&](const protocol::Bytes& plaintext) {
    return is_ping(plaintext, format) == want_ping;
  };
  std::size_t checked = 0;
  for (;;) {
    for (; checked < udp_inbox_.size(); ++checked) {
      if (matches(udp_inbox_[checked])) {
        const auto found = udp_inbox_.begin() + static_cast<std::ptrdiff_t>(checked);
        protocol::Bytes plaintext = std::move(*found);
        udp_inbox_.erase(found);
        return plaintext;
      }
    }
    if (!run_until([&] { return udp_inbox_.size() > checked || !udp_.is_open(); }, deadline) ||
        !udp_.is_open()) {
      return std::nullopt;
    }
  }
}

std::optional<protocol::Bytes> MumbleTestClient::receive_udp(Deadline deadline) {
  run_until([&] { return !udp_inbox_.empty() || !udp_.is_open(); }, deadline);
  if (udp_inbox_.empty()) {
    return std::nullopt;
  }
  protocol::Bytes plaintext = std::move(udp_inbox_.front());
  udp_inbox_.pop_front();
  return plaintext;
}

void MumbleTestClient::send_voice(protocol::ByteView plaintext, VoicePath path,
                                  Deadline deadline) {
  if (path == VoicePath::Udp) {
    send_udp(plaintext);
    return;
  }
  send_raw(protocol::encode_tunnel_frame(plaintext), deadline);
  ++stats_.tunnel_sent;
}

void MumbleTestClient::send_opus(const protocol::VoicePacket& packet, VoicePath path,
                                 Deadline deadline) {
  std::array<std::byte, protocol::kMaxUdpPlaintextSize> plaintext{};
  const auto size =
      protocol::encode_voice(packet, udp_format(), protocol::Direction::ToServer, plaintext);
  if (!size) {
    throw ClientError("send_opus: " + size.error().message());
  }
  send_voice(protocol::ByteView(plaintext.data(), *size), path, deadline);
}

protocol::Result<protocol::VoicePacket> MumbleTestClient::decode(const ReceivedVoice& voice) const {
  return udp_format() == protocol::UdpFormat::Legacy
             ? protocol::decode_legacy_voice(voice.packet, protocol::Direction::ToClient)
             : protocol::decode_protobuf_voice(voice.packet, protocol::Direction::ToClient);
}

std::optional<ReceivedVoice> MumbleTestClient::receive_voice(Deadline deadline) {
  const protocol::UdpFormat format = udp_format();
  const auto find_voice = [&]() -> std::optional<ReceivedVoice> {
    const auto udp = std::find_if(udp_inbox_.begin(), udp_inbox_.end(),
                                  [&](const auto& plaintext) { return !is_ping(plaintext, format); });
    if (udp != udp_inbox_.end()) {
      ReceivedVoice voice{VoicePath::Udp, std::move(*udp)};
      udp_inbox_.erase(udp);
      return voice;
    }
    const auto tunnel = std::find_if(control_inbox_.begin(), control_inbox_.end(), [](const auto& m) {
      return std::holds_alternative<protocol::TunnelPacket>(m);
    });
    if (tunnel != control_inbox_.end()) {
      ReceivedVoice voice{VoicePath::Tunnel, std::get<protocol::TunnelPacket>(std::move(*tunnel)).packet};
      control_inbox_.erase(tunnel);
      return voice;
    }
    return std::nullopt;
  };
  std::optional<ReceivedVoice> voice;
  run_until([&] { return (voice = find_voice()).has_value(); }, deadline);
  return voice;
}

}  // namespace plenum::test
