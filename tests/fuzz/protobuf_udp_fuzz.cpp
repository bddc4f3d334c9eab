// Protobuf (1.5+) UDP plaintexts. Differential: our allocation-free MumbleUDP reader must
// accept exactly what libprotobuf's ParseFromArray accepts, with the same field values; every
// decoded packet must re-encode (both formats) and decode back; our encoder's output must
// parse with libprotobuf into the packet's fields.
#include "fuzz/voice_fuzz_checks.hpp"
#include "protocol/udp_ping.hpp"
#include "protocol/udp_protobuf.hpp"
#include "protocol/voice_packet.hpp"

#include "MumbleUDP.pb.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <variant>

using namespace plenum::protocol;
using plenum::protocol::fuzz::fail;
using plenum::protocol::testing::same_bits;

namespace {

void compare_audio(ByteView body) {
  MumbleUDP::Audio reference;
  const bool reference_ok = reference.ParseFromArray(body.data(), static_cast<int>(body.size()));
  const auto ours = parse_audio_fields(body);
  if (reference_ok != ours.has_value()) fail("Audio: acceptance differs from libprotobuf");
  if (!reference_ok) return;
  const AudioFields& a = *ours;
  using Case = MumbleUDP::Audio::HeaderCase;
  const Case expected = a.header == AudioFields::Header::Target    ? Case::kTarget
                        : a.header == AudioFields::Header::Context ? Case::kContext
                                                                   : Case::HEADER_NOT_SET;
  if (reference.Header_case() != expected) fail("Audio: oneof case");
  if (expected == Case::kTarget && a.header_value != reference.target()) fail("Audio: target");
  if (expected == Case::kContext && a.header_value != reference.context()) fail("Audio: context");
  if (a.sender_session != reference.sender_session()) fail("Audio: sender_session");
  if (a.frame_number != reference.frame_number()) fail("Audio: frame_number");
  if (as_chars(a.opus_data) != reference.opus_data()) fail("Audio: opus_data");
  if (a.positional_count != static_cast<std::size_t>(reference.positional_data_size())) {
    fail("Audio: positional count");
  }
  for (std::size_t i = 0; i < std::min<std::size_t>(3, a.positional_count); ++i) {
    if (!same_bits(a.positional[i], reference.positional_data(static_cast<int>(i)))) {
      fail("Audio: positional value");
    }
  }
  if (!same_bits(a.volume_adjustment, reference.volume_adjustment())) fail("Audio: volume");
  if (a.is_terminator != reference.is_terminator()) fail("Audio: terminator");
}

void compare_ping(ByteView body) {
  MumbleUDP::Ping reference;
  const bool reference_ok = reference.ParseFromArray(body.data(), static_cast<int>(body.size()));
  const auto ours = parse_ping_fields(body);
  if (reference_ok != ours.has_value()) fail("Ping: acceptance differs from libprotobuf");
  if (!reference_ok) return;
  const PingFields expected{reference.timestamp(), reference.request_extended_information(),
                            reference.server_version_v2(), reference.user_count(),
                            reference.max_user_count(), reference.max_bandwidth_per_user()};
  if (!(*ours == expected)) fail("Ping: fields differ from libprotobuf");
}

// Our encoder's bytes, read by libprotobuf, must carry the packet's fields.
void check_encoding_with_libprotobuf(const VoicePacket& packet, Direction direction) {
  std::array<std::byte, kMaxUdpPlaintextSize> out{};
  const auto size = encode_voice(packet, UdpFormat::Protobuf, direction, out);
  if (!size) return;  // TooLong / EmptyOpus, covered by check_reencodes
  MumbleUDP::Audio reference;
  if (!reference.ParseFromArray(out.data() + 1, static_cast<int>(*size - 1))) {
    fail("libprotobuf refuses our encoding");
  }
  const bool to_client = direction == Direction::ToClient;
  const auto expected_case = to_client ? MumbleUDP::Audio::kContext : MumbleUDP::Audio::kTarget;
  if (reference.Header_case() != expected_case) fail("encoding: oneof case");
  if ((to_client ? reference.context() : reference.target()) != packet.target_or_context) {
    fail("encoding: target/context");
  }
  if (reference.sender_session() != (to_client ? packet.sender_session : 0)) fail("encoding: session");
  if (reference.frame_number() != packet.frame_number) fail("encoding: frame_number");
  if (reference.opus_data() != as_chars(packet.opus)) fail("encoding: opus");
  if (reference.is_terminator() != packet.terminator) fail("encoding: terminator");
  if (reference.positional_data_size() != (packet.position ? 3 : 0)) fail("encoding: position");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input{reinterpret_cast<const std::byte*>(data), size};
  if (!input.empty()) {
    compare_audio(input.subspan(1));
    compare_ping(input.subspan(1));
  }
  compare_audio(input);
  for (const Direction direction : {Direction::ToServer, Direction::ToClient}) {
    const auto message = decode_udp_plaintext(input, UdpFormat::Protobuf, direction);
    if (!message) {
      if (message.error().category() != voice_error_category()) fail("error outside category");
      continue;
    }
    if (const auto* voice = std::get_if<VoicePacket>(&message.value())) {
      static_cast<void>(fuzz::touch(*voice));
      fuzz::check_reencodes(*voice);
      check_encoding_with_libprotobuf(*voice, direction);
    } else if (const auto* ping = std::get_if<PingFields>(&message.value())) {
      std::array<std::byte, 64> out{};
      const auto encoded = encode_protobuf_ping(*ping, out);
      if (!encoded) fail("ping does not encode");
      if (*encoded > 1 && !(parse_protobuf_ping(ByteView{out}.first(*encoded)).value() == *ping)) {
        fail("ping does not round-trip");
      }
    } else {
      fail("legacy ping out of a protobuf decode");
    }
  }
  if (const auto request = parse_query_request(input)) {
    std::array<std::byte, 64> out{};
    const auto encoded = encode_query_request(*request, out);
    if (!encoded || !(parse_query_request(ByteView{out}.first(*encoded)).value() == *request)) {
      fail("query request does not round-trip");
    }
  }
  return 0;
}
