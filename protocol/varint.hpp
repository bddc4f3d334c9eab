// Mumble's legacy prefix varint (src/PacketDataStream.h; MUMBLE_PROTOCOL.md §4.2): big-endian,
// 1..9 bytes, the first byte's high bits say how many follow. Pure functions, any thread.
#pragma once

#include "protocol/bytes.hpp"

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace plenum::protocol {

// The longest encoding the encoder emits (0xF4 + 8 bytes). Decoders accept longer inputs
// (nested 0xF8 prefixes), up to kMaxVarintNegations of them.
inline constexpr std::size_t kMaxVarintSize = 9;
// Mumble gives up after 8 nested 0xF8 prefixes; a ninth is an error here too.
inline constexpr int kMaxVarintNegations = 8;

enum class VarintError {
  Truncated = 1,    // the input ends inside the varint
  NestingTooDeep,   // more than kMaxVarintNegations 0xF8 prefixes
};

const boost::system::error_category& varint_error_category() noexcept;

inline boost::system::error_code make_error_code(VarintError e) noexcept {
  return {static_cast<int>(e), varint_error_category()};
}

// Bytes write_varint() emits for value: 1..9.
std::size_t varint_size(std::uint64_t value) noexcept;
std::size_t signed_varint_size(std::int64_t value) noexcept;

// Writes the shortest encoding Mumble's encoder picks into out[0..n) and returns n. When out is
// smaller than n, writes nothing and returns 0; kMaxVarintSize bytes always suffice.
std::size_t write_varint(std::uint64_t value, MutableByteView out) noexcept;
// Signed values are the two's-complement bits of the sign-extended 64-bit value (as Mumble's
// `stream << int`): -1 encodes as 0xFC.
std::size_t write_signed_varint(std::int64_t value, MutableByteView out) noexcept;

// Decodes one varint from the front of in and advances in past it. On error in is unchanged.
// Every form is accepted, including non-shortest ones (e.g. 0xF0 for a small value).
Result<std::uint64_t> read_varint(ByteView& in) noexcept;
Result<std::int64_t> read_signed_varint(ByteView& in) noexcept;

}  // namespace plenum::protocol

template <>
struct boost::system::is_error_code_enum<plenum::protocol::VarintError> : std::true_type {};
