// Byte buffers and views shared by every wire format. Parsers take ByteView and return views
// into it; a copy that must outlive its datagram is an explicit Bytes.
#pragma once

#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace plenum::protocol {

using ByteView = std::span<const std::byte>;
using MutableByteView = std::span<std::byte>;
using Bytes = std::vector<std::byte>;

// Voice-path and parser results: a value or an error_code, never an exception (STYLE.md §4).
template <class T>
using Result = boost::system::result<T>;

inline ByteView as_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

inline std::string_view as_chars(ByteView bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline const unsigned char* as_uchars(ByteView bytes) noexcept {
  return reinterpret_cast<const unsigned char*>(bytes.data());
}

inline unsigned char* as_uchars(MutableByteView bytes) noexcept {
  return reinterpret_cast<unsigned char*>(bytes.data());
}

}  // namespace plenum::protocol
