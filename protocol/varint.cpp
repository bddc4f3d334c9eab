#include "protocol/varint.hpp"

#include <string>

namespace plenum::protocol {
namespace {

// boost's error_category has a protected non-virtual destructor by design: categories are
// static singletons, never deleted through a base pointer.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class VarintErrorCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "plenum.varint"; }
  std::string message(int value) const override {
    switch (static_cast<VarintError>(value)) {
      case VarintError::Truncated:
        return "varint truncated";
      case VarintError::NestingTooDeep:
        return "varint nests too many negation prefixes";
    }
    return "unknown varint error";
  }
};
#pragma GCC diagnostic pop

constexpr std::uint64_t kTopBit = std::uint64_t{1} << 63;
constexpr std::uint64_t kTwoTo32 = std::uint64_t{1} << 32;

// Mumble negative-codes only -1 .. -2^32; other values with the top bit set take 0xF4.
constexpr bool is_negative_coded(std::uint64_t value) noexcept {
  return (value & kTopBit) != 0 && ~value < kTwoTo32;
}

constexpr std::size_t positive_size(std::uint64_t value) noexcept {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  if (value < kTwoTo32) return 5;
  return 9;
}

// Writes value big-endian into out[0..count).
void put_be(std::uint64_t value, std::byte* out, std::size_t count) noexcept {
  for (std::size_t i = count; i > 0; --i) {
    out[i - 1] = static_cast<std::byte>(value & 0xFF);
    value >>= 8;
  }
}

// out has room for positive_size(value) bytes.
void put_positive(std::uint64_t value, std::byte* out) noexcept {
  switch (positive_size(value)) {
    case 1:
      out[0] = static_cast<std::byte>(value);
      return;
    case 2:
      put_be(value | 0x8000, out, 2);
      return;
    case 3:
      put_be(value | 0xC00000, out, 3);
      return;
    case 4:
      put_be(value | 0xE0000000, out, 4);
      return;
    case 5:
      out[0] = std::byte{0xF0};
      put_be(value, out + 1, 4);
      return;
    default:
      out[0] = std::byte{0xF4};
      put_be(value, out + 1, 8);
      return;
  }
}

struct Prefix {
  std::uint64_t high_bits;  // value bits carried by the first byte
  std::size_t extra;        // bytes that follow it
};

// Decodes the first byte of a non-0xF8 form.
constexpr Prefix prefix_of(unsigned first) noexcept {
  if ((first & 0x80) == 0) return {first, 0};
  if ((first & 0xC0) == 0x80) return {first & 0x3F, 1};
  if ((first & 0xE0) == 0xC0) return {first & 0x1F, 2};
  if ((first & 0xF0) == 0xE0) return {first & 0x0F, 3};
  if ((first & 0xFC) == 0xF0) return {0, 4};  // low two bits are ignored, as in Mumble
  if ((first & 0xFC) == 0xF4) return {0, 8};
  return {~std::uint64_t{first & 0x03}, 0};  // 0xFC..0xFF: -1 .. -4
}

}  // namespace

const boost::system::error_category& varint_error_category() noexcept {
  static const VarintErrorCategory category;
  return category;
}

std::size_t varint_size(std::uint64_t value) noexcept {
  if (!is_negative_coded(value)) return positive_size(value);
  const std::uint64_t magnitude = ~value;
  return magnitude <= 3 ? 1 : 1 + positive_size(magnitude);
}

std::size_t signed_varint_size(std::int64_t value) noexcept {
  return varint_size(static_cast<std::uint64_t>(value));
}

std::size_t write_varint(std::uint64_t value, MutableByteView out) noexcept {
  const std::size_t size = varint_size(value);
  if (out.size() < size) return 0;
  if (!is_negative_coded(value)) {
    put_positive(value, out.data());
    return size;
  }
  const std::uint64_t magnitude = ~value;
  if (magnitude <= 3) {
    out[0] = static_cast<std::byte>(0xFC | magnitude);
  } else {
    out[0] = std::byte{0xF8};
    put_positive(magnitude, out.data() + 1);
  }
  return size;
}

std::size_t write_signed_varint(std::int64_t value, MutableByteView out) noexcept {
  return write_varint(static_cast<std::uint64_t>(value), out);
}

Result<std::uint64_t> read_varint(ByteView& in) noexcept {
  std::size_t pos = 0;
  int negations = 0;
  // 0xF8..0xFB means "bitwise NOT of the varint that follows"; Mumble recurses, we count.
  while (pos < in.size() && (std::to_integer<unsigned>(in[pos]) & 0xFC) == 0xF8) {
    if (negations == kMaxVarintNegations) return make_error_code(VarintError::NestingTooDeep);
    ++negations;
    ++pos;
  }
  if (pos >= in.size()) return make_error_code(VarintError::Truncated);

  const Prefix prefix = prefix_of(std::to_integer<unsigned>(in[pos]));
  ++pos;
  if (in.size() - pos < prefix.extra) return make_error_code(VarintError::Truncated);
  std::uint64_t value = prefix.high_bits;
  for (std::size_t i = 0; i < prefix.extra; ++i) {
    value = (value << 8) | std::to_integer<std::uint64_t>(in[pos + i]);
  }
  pos += prefix.extra;
  if (negations % 2 != 0) value = ~value;
  in = in.subspan(pos);
  return value;
}

Result<std::int64_t> read_signed_varint(ByteView& in) noexcept {
  auto value = read_varint(in);
  if (!value) return value.error();
  return static_cast<std::int64_t>(*value);
}

}  // namespace plenum::protocol
