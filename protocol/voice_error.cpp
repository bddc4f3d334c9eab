#include "protocol/voice_error.hpp"

#include <string>

namespace plenum::protocol {
namespace {

// boost's error_category has a protected non-virtual destructor by design: categories are
// static singletons, never deleted through a base pointer.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class VoiceErrorCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "plenum.voice"; }
  std::string message(int value) const override {
    switch (static_cast<VoiceError>(value)) {
      case VoiceError::Truncated:
        return "voice datagram truncated";
      case VoiceError::Malformed:
        return "voice datagram malformed";
      case VoiceError::NotOpus:
        return "voice codec is not Opus";
      case VoiceError::UnknownType:
        return "unknown UDP message type";
      case VoiceError::BadPositional:
        return "positional data is not three floats";
      case VoiceError::BadTarget:
        return "voice target or context above 31";
      case VoiceError::EmptyOpus:
        return "voice packet without Opus data";
      case VoiceError::TooLong:
        return "voice datagram or Opus frame too long";
      case VoiceError::BufferTooSmall:
        return "output buffer too small for the voice datagram";
      case VoiceError::NotPing:
        return "not a ping";
    }
    return "unknown voice error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& voice_error_category() noexcept {
  static const VoiceErrorCategory category;
  return category;
}

}  // namespace plenum::protocol
