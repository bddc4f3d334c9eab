// Why a UDP voice or ping datagram was rejected or could not be encoded. The voice plane drops
// such datagrams and counts them by this reason; no exceptions on the voice path.
#pragma once

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace plenum::protocol {

enum class VoiceError {
  Truncated = 1,   // the datagram ends inside a field
  Malformed,       // bytes that no valid encoder produces (bad protobuf, oversize session ...)
  NotOpus,         // a legacy CELT or Speex packet: Opus-only servers drop these
  UnknownType,     // a packet type byte that is neither voice nor ping
  BadPositional,   // positional data that is not exactly three floats
  BadTarget,       // target or context above 31 (it does not fit the legacy header)
  EmptyOpus,       // a protobuf Audio without opus_data, which Mumble rejects
  TooLong,         // above the 1024-byte datagram limit, or Opus above 8191 bytes (legacy)
  BufferTooSmall,  // the caller's output buffer cannot hold the encoding
  NotPing,         // a query or connectivity ping parser was given something else
};

const boost::system::error_category& voice_error_category() noexcept;

inline boost::system::error_code make_error_code(VoiceError e) noexcept {
  return {static_cast<int>(e), voice_error_category()};
}

}  // namespace plenum::protocol

template <>
struct boost::system::is_error_code_enum<plenum::protocol::VoiceError> : std::true_type {};
