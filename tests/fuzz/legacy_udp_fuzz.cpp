// Legacy (≤ 1.4) UDP plaintexts in both directions, the legacy pings and the server-query ping.
// Every successful decode must re-encode (in both formats: that is the 1.3 <-> 1.5 translation)
// and decode back to the same fields.
#include "fuzz/voice_fuzz_checks.hpp"
#include "protocol/udp_ping.hpp"
#include "protocol/varint.hpp"
#include "protocol/voice_packet.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <variant>

using namespace plenum::protocol;
using plenum::protocol::fuzz::fail;

namespace {

void check_message(ByteView input, const UdpMessage& message) {
  if (const auto* voice = std::get_if<VoicePacket>(&message)) {
    static_cast<void>(fuzz::touch(*voice));
    fuzz::check_reencodes(*voice);
  } else if (const auto* legacy = std::get_if<LegacyPing>(&message)) {
    // Echoed verbatim: the view must be the whole input.
    if (legacy->bytes.data() != input.data() || legacy->bytes.size() != input.size()) {
      fail("legacy ping is not the whole datagram");
    }
    if (const auto timestamp = parse_legacy_ping(legacy->bytes)) {
      std::array<std::byte, 16> out{};
      const auto size = encode_legacy_ping(*timestamp, out);
      if (!size || parse_legacy_ping(ByteView{out}.first(*size)).value() != *timestamp) {
        fail("legacy ping timestamp does not round-trip");
      }
    }
  } else {
    const auto& ping = std::get<PingFields>(message);
    std::array<std::byte, 64> out{};
    const auto size = encode_protobuf_ping(ping, out);
    if (!size) fail("protobuf ping does not encode");
    const auto again = parse_protobuf_ping(ByteView{out}.first(*size));
    if (*size > 1 && (!again || !(*again == ping))) fail("protobuf ping does not round-trip");
  }
}

void check_query(ByteView input) {
  std::array<std::byte, 64> out{};
  if (const auto request = parse_query_request(input)) {
    const auto size = encode_query_request(*request, out);
    if (!size) fail("query request does not encode");
    if (!(parse_query_request(ByteView{out}.first(*size)).value() == *request)) {
      fail("query request does not round-trip");
    }
  }
  if (const auto reply = parse_query_reply(input)) {
    const auto size = encode_query_reply(*reply, out);
    if (!size) fail("query reply does not encode");
    // Legacy replies are fixed-layout and must come back byte for byte.
    if (reply->request.format == UdpFormat::Legacy &&
        !std::equal(input.begin(), input.end(), out.begin(), out.begin() + *size)) {
      fail("legacy query reply is not reproduced");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input{reinterpret_cast<const std::byte*>(data), size};
  for (const Direction direction : {Direction::ToServer, Direction::ToClient}) {
    const auto message = decode_udp_plaintext(input, UdpFormat::Legacy, direction);
    if (message) {
      check_message(input, *message);
    } else if (message.error().category() != voice_error_category()) {
      fail("decode error outside the voice category");
    }
  }
  check_query(input);
  // The varint reader alone, over every suffix start.
  for (ByteView rest = input; !rest.empty();) {
    const std::size_t before = rest.size();
    if (!read_varint(rest)) rest = rest.subspan(1);
    if (rest.size() >= before) fail("read_varint did not advance");
  }
  return 0;
}
