// UDP pings (MUMBLE_PROTOCOL.md §4.4, §4.5): connectivity pings inside a session (legacy
// `0x20 ‖ varint timestamp`, protobuf `0x01 ‖ Ping`) and the unauthenticated server-query
// ping answered before any session exists. Parsers return views; encoders write into the
// caller's buffer. Pure functions, any thread.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/udp_protobuf.hpp"
#include "protocol/version.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace plenum::protocol {

// A legacy connectivity ping (header type 1). The server echoes `bytes` verbatim, as 1.3.4
// does: Humla's 16-byte pings only work that way (§4.4).
struct LegacyPing {
  ByteView bytes{};  // the whole plaintext, header included
};

inline constexpr std::byte kLegacyPingHeader{0x20};
inline constexpr std::byte kProtobufPingType{0x01};

// `0x20 ‖ varint timestamp`. Returns the size (at most 1 + kMaxVarintSize) or BufferTooSmall.
Result<std::size_t> encode_legacy_ping(std::uint64_t timestamp, MutableByteView out) noexcept;
// The timestamp of a `0x20 ‖ varint` ping; other trailing bytes are Malformed.
Result<std::uint64_t> parse_legacy_ping(ByteView plaintext) noexcept;

// `0x01 ‖ Ping` in canonical field order, for connectivity pings and query replies alike.
Result<std::size_t> encode_protobuf_ping(const PingFields& ping, MutableByteView out) noexcept;
Result<PingFields> parse_protobuf_ping(ByteView plaintext) noexcept;

// --- Server-query ping (plain UDP, no session) ---

inline constexpr std::size_t kLegacyQueryRequestSize = 12;
inline constexpr std::size_t kLegacyQueryReplySize = 24;

// What a client asked: Legacy `00000000 ‖ 8 opaque bytes`, or Protobuf
// `0x01 ‖ Ping{timestamp, request_extended_information = true}`.
struct QueryRequest {
  UdpFormat format = UdpFormat::Legacy;
  std::array<std::byte, 8> legacy_token{};  // Legacy: echoed byte for byte
  std::uint64_t timestamp = 0;              // Protobuf: echoed in the reply's Ping

  bool operator==(const QueryRequest&) const = default;
};

struct ServerStatus {
  Version version{};
  std::uint32_t user_count = 0;
  std::uint32_t max_user_count = 0;
  std::uint32_t max_bandwidth_bps = 0;

  bool operator==(const ServerStatus&) const = default;
};

struct QueryReply {
  QueryRequest request;  // the echoed token or timestamp
  ServerStatus status;

  bool operator==(const QueryReply&) const = default;
};

// Server side. Anything that is not a query request (including protobuf Pings without
// request_extended_information, which Mumble ignores) is VoiceError::NotPing.
Result<QueryRequest> parse_query_request(ByteView datagram) noexcept;
// Legacy: 24 bytes `u32 BE v1 ‖ token ‖ u32 BE users ‖ max users ‖ bandwidth`. Protobuf:
// `0x01 ‖ Ping{timestamp, server_version_v2, user_count, max_user_count, max_bandwidth}`.
Result<std::size_t> encode_query_reply(const QueryReply& reply, MutableByteView out) noexcept;

// Client side (server lists, our client, tests).
Result<std::size_t> encode_query_request(const QueryRequest& request, MutableByteView out) noexcept;
// A protobuf reply must carry a server version, as Mumble requires before it trusts the rest.
Result<QueryReply> parse_query_reply(ByteView datagram) noexcept;

}  // namespace plenum::protocol
