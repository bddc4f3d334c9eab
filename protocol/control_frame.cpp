#include "protocol/control_frame.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <stdexcept>
#include <string>

namespace plenum::protocol {
namespace {

// First allocation; a Version or Ping frame plus a few more fit without growing.
constexpr std::size_t kInitialCapacity = 4 * 1024;
// A reader that once held a large frame gives memory back when its live data fits in this:
// thousands of idle sessions must not each keep a multi-megabyte buffer.
constexpr std::size_t kRetainedCapacity = 64 * 1024;

// boost's error_category has a protected non-virtual destructor by design; categories are
// static objects never deleted through a base pointer (boost silences this warning too).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class FrameErrorCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "plenum.control_frame"; }
  std::string message(int value) const override {
    switch (static_cast<FrameError>(value)) {
      case FrameError::PayloadTooLarge:
        return "control frame payload length above the limit";
    }
    return "unknown control frame error";
  }
};
#pragma GCC diagnostic pop

std::uint32_t read_be32(const std::byte* p) noexcept {
  return (std::to_integer<std::uint32_t>(p[0]) << 24) |
         (std::to_integer<std::uint32_t>(p[1]) << 16) |
         (std::to_integer<std::uint32_t>(p[2]) << 8) | std::to_integer<std::uint32_t>(p[3]);
}

}  // namespace

const boost::system::error_category& frame_error_category() noexcept {
  static const FrameErrorCategory category;
  return category;
}

void put_frame_header(MutableByteView out, std::uint16_t type,
                      std::uint32_t payload_size) noexcept {
  assert(out.size() >= kFrameHeaderSize);
  out[0] = static_cast<std::byte>(type >> 8);
  out[1] = static_cast<std::byte>(type & 0xFF);
  out[2] = static_cast<std::byte>(payload_size >> 24);
  out[3] = static_cast<std::byte>((payload_size >> 16) & 0xFF);
  out[4] = static_cast<std::byte>((payload_size >> 8) & 0xFF);
  out[5] = static_cast<std::byte>(payload_size & 0xFF);
}

void append_frame(Bytes& out, std::uint16_t type, ByteView payload) {
  if (payload.size() > kMaxFramePayload) {
    throw std::length_error("control frame payload of " + std::to_string(payload.size()) +
                            " bytes exceeds the protocol limit");
  }
  const std::size_t offset = out.size();
  out.resize(offset + kFrameHeaderSize + payload.size());
  put_frame_header(MutableByteView{out}.subspan(offset), type,
                   static_cast<std::uint32_t>(payload.size()));
  if (!payload.empty()) {
    std::memcpy(out.data() + offset + kFrameHeaderSize, payload.data(), payload.size());
  }
}

FrameReader::FrameReader(std::uint32_t max_payload) : max_payload_{max_payload} {}

MutableByteView FrameReader::prepare(std::size_t n) {
  make_room(n);
  prepared_ = n;
  return {storage_.get() + end_, n};
}

void FrameReader::commit(std::size_t n) {
  assert(n <= prepared_);
  n = std::min(n, prepared_);
  prepared_ = 0;
  if (!failed_) end_ += n;
}

void FrameReader::feed(ByteView bytes) {
  if (failed_ || bytes.empty()) return;
  const MutableByteView space = prepare(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  commit(bytes.size());
}

Result<std::optional<FrameView>> FrameReader::next() {
  if (failed_) return FrameError::PayloadTooLarge;
  const std::size_t live = end_ - begin_;
  if (live < kFrameHeaderSize) return std::optional<FrameView>{};

  const std::byte* header = storage_.get() + begin_;
  const auto type = static_cast<std::uint16_t>((std::to_integer<unsigned>(header[0]) << 8) |
                                               std::to_integer<unsigned>(header[1]));
  const std::uint32_t length = read_be32(header + 2);
  if (length > max_payload_) {
    failed_ = true;
    storage_.reset();
    capacity_ = begin_ = end_ = prepared_ = 0;
    return FrameError::PayloadTooLarge;
  }
  if (live - kFrameHeaderSize < length) return std::optional<FrameView>{};

  const FrameView frame{type, ByteView{header + kFrameHeaderSize, length}};
  begin_ += kFrameHeaderSize + length;
  // Consumed everything: the next prepare() starts at offset 0 without moving a byte. The
  // frame's bytes stay in place, so the returned view remains valid until then.
  if (begin_ == end_) begin_ = end_ = 0;
  return std::optional<FrameView>{frame};
}

void FrameReader::make_room(std::size_t n) {
  const std::size_t live = end_ - begin_;
  if (capacity_ > kRetainedCapacity && live + n <= kRetainedCapacity) {
    reallocate(kRetainedCapacity);
    return;
  }
  if (capacity_ - end_ >= n) return;
  // Slide the unconsumed tail to the front only when at least as many bytes were consumed
  // before it: every byte is then moved at most once per byte consumed (amortised O(1)).
  if (begin_ >= live && capacity_ - live >= n) {
    std::memmove(storage_.get(), storage_.get() + begin_, live);
    begin_ = 0;
    end_ = live;
    return;
  }
  reallocate(std::max({capacity_ * 2, live + n, kInitialCapacity}));
}

void FrameReader::reallocate(std::size_t new_capacity) {
  const std::size_t live = end_ - begin_;
  auto fresh = std::make_unique_for_overwrite<std::byte[]>(new_capacity);
  if (live > 0) std::memcpy(fresh.get(), storage_.get() + begin_, live);
  storage_ = std::move(fresh);
  capacity_ = new_capacity;
  begin_ = 0;
  end_ = live;
}

}  // namespace plenum::protocol
