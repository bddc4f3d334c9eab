#include "protocol/udp_ping.hpp"

#include "protocol/varint.hpp"
#include "protocol/voice_error.hpp"

#include <algorithm>

namespace plenum::protocol {
namespace {

boost::system::error_code error(VoiceError e) noexcept { return make_error_code(e); }

void put_be32(std::uint32_t value, std::byte* out) noexcept {
  for (std::size_t i = 4; i > 0; --i) {
    out[i - 1] = static_cast<std::byte>(value & 0xFF);
    value >>= 8;
  }
}

std::uint32_t get_be32(const std::byte* in) noexcept {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | std::to_integer<std::uint32_t>(in[i]);
  return value;
}

bool starts_with_four_zeros(ByteView bytes) noexcept {
  return std::all_of(bytes.begin(), bytes.begin() + 4, [](std::byte b) { return b == std::byte{0}; });
}

}  // namespace

Result<std::size_t> encode_legacy_ping(std::uint64_t timestamp, MutableByteView out) noexcept {
  if (out.empty()) return error(VoiceError::BufferTooSmall);
  const std::size_t n = write_varint(timestamp, out.subspan(1));
  if (n == 0) return error(VoiceError::BufferTooSmall);
  out[0] = kLegacyPingHeader;
  return 1 + n;
}

Result<std::uint64_t> parse_legacy_ping(ByteView plaintext) noexcept {
  if (plaintext.size() < 2) return error(VoiceError::Truncated);
  if ((std::to_integer<unsigned>(plaintext[0]) >> 5) != 1) return error(VoiceError::NotPing);
  ByteView rest = plaintext.subspan(1);
  auto timestamp = read_varint(rest);
  if (!timestamp) {
    return error(timestamp.error() == VarintError::Truncated ? VoiceError::Truncated
                                                             : VoiceError::Malformed);
  }
  if (!rest.empty()) return error(VoiceError::Malformed);
  return *timestamp;
}

Result<std::size_t> encode_protobuf_ping(const PingFields& ping, MutableByteView out) noexcept {
  WireWriter writer{out};
  writer.raw_byte(kProtobufPingType);
  write_ping_fields(ping, writer);
  if (writer.overflowed()) return error(VoiceError::BufferTooSmall);
  return writer.size();
}

Result<PingFields> parse_protobuf_ping(ByteView plaintext) noexcept {
  // Mumble refuses a lone type byte: an empty Ping is not a ping.
  if (plaintext.size() < 2) return error(VoiceError::Truncated);
  if (plaintext[0] != kProtobufPingType) return error(VoiceError::NotPing);
  return parse_ping_fields(plaintext.subspan(1));
}

Result<QueryRequest> parse_query_request(ByteView datagram) noexcept {
  if (datagram.size() == kLegacyQueryRequestSize && starts_with_four_zeros(datagram)) {
    QueryRequest request;
    std::copy_n(datagram.begin() + 4, request.legacy_token.size(), request.legacy_token.begin());
    return request;
  }
  if (datagram.size() < 2 || datagram[0] != kProtobufPingType) return error(VoiceError::NotPing);
  auto ping = parse_ping_fields(datagram.subspan(1));
  if (!ping) return ping.error();
  if (!ping->request_extended_information) return error(VoiceError::NotPing);
  return QueryRequest{.format = UdpFormat::Protobuf, .legacy_token = {}, .timestamp = ping->timestamp};
}

Result<std::size_t> encode_query_reply(const QueryReply& reply, MutableByteView out) noexcept {
  const ServerStatus& status = reply.status;
  if (reply.request.format == UdpFormat::Protobuf) {
    return encode_protobuf_ping({.timestamp = reply.request.timestamp,
                                 .request_extended_information = false,
                                 .server_version_v2 = to_v2(status.version),
                                 .user_count = status.user_count,
                                 .max_user_count = status.max_user_count,
                                 .max_bandwidth_per_user = status.max_bandwidth_bps},
                                out);
  }
  if (out.size() < kLegacyQueryReplySize) return error(VoiceError::BufferTooSmall);
  put_be32(to_v1(status.version), out.data());
  std::copy(reply.request.legacy_token.begin(), reply.request.legacy_token.end(), out.begin() + 4);
  put_be32(status.user_count, out.data() + 12);
  put_be32(status.max_user_count, out.data() + 16);
  put_be32(status.max_bandwidth_bps, out.data() + 20);
  return kLegacyQueryReplySize;
}

Result<std::size_t> encode_query_request(const QueryRequest& request, MutableByteView out) noexcept {
  if (request.format == UdpFormat::Protobuf) {
    return encode_protobuf_ping(
        {.timestamp = request.timestamp, .request_extended_information = true}, out);
  }
  if (out.size() < kLegacyQueryRequestSize) return error(VoiceError::BufferTooSmall);
  std::fill_n(out.begin(), 4, std::byte{0});
  std::copy(request.legacy_token.begin(), request.legacy_token.end(), out.begin() + 4);
  return kLegacyQueryRequestSize;
}

Result<QueryReply> parse_query_reply(ByteView datagram) noexcept {
  if (datagram.size() == kLegacyQueryReplySize && datagram[0] != kProtobufPingType) {
    QueryReply reply;
    reply.status.version = from_v1(get_be32(datagram.data()));
    std::copy_n(datagram.begin() + 4, 8, reply.request.legacy_token.begin());
    reply.status.user_count = get_be32(datagram.data() + 12);
    reply.status.max_user_count = get_be32(datagram.data() + 16);
    reply.status.max_bandwidth_bps = get_be32(datagram.data() + 20);
    return reply;
  }
  auto ping = parse_protobuf_ping(datagram);
  if (!ping) return ping.error();
  // Mumble reads server_version_v2 == 0 as "no extended information" (MumbleProtocol.cpp).
  if (ping->server_version_v2 == 0) return error(VoiceError::NotPing);
  QueryReply reply;
  reply.request = {.format = UdpFormat::Protobuf, .legacy_token = {}, .timestamp = ping->timestamp};
  reply.status = {.version = from_v2(ping->server_version_v2),
                  .user_count = ping->user_count,
                  .max_user_count = ping->max_user_count,
                  .max_bandwidth_bps = ping->max_bandwidth_per_user};
  return reply;
}

}  // namespace plenum::protocol
