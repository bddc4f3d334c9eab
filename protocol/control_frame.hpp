// TCP control-channel framing: u16 type (BE) + u32 payload length (BE) + payload.
// A FrameReader belongs to one connection and is used from that connection's executor only.
#pragma once

#include "protocol/bytes.hpp"

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>

namespace plenum::protocol {

inline constexpr std::size_t kFrameHeaderSize = 6;
// Larger lengths end the connection, in Mumble as here (src/Connection.cpp).
inline constexpr std::uint32_t kMaxFramePayload = 0x7FFFFF;

enum class FrameError {
  PayloadTooLarge = 1,  // a header announced more than the reader's limit
};

const boost::system::error_category& frame_error_category() noexcept;

inline boost::system::error_code make_error_code(FrameError e) noexcept {
  return {static_cast<int>(e), frame_error_category()};
}

struct FrameView {
  std::uint16_t type;
  ByteView payload;
};

// Writes the 6-byte header into out[0..6). Precondition: out.size() >= kFrameHeaderSize.
void put_frame_header(MutableByteView out, std::uint16_t type, std::uint32_t payload_size) noexcept;

// Appends one complete frame. Throws std::length_error for a payload above kMaxFramePayload:
// no peer would accept it, so sending one is a bug of ours, never a network condition.
void append_frame(Bytes& out, std::uint16_t type, ByteView payload);

// Reassembles frames from a byte stream cut anywhere. Memory follows the bytes actually
// received, never a length a header merely claims, so a peer cannot make us reserve 8 MiB
// per connection with six bytes.
class FrameReader {
 public:
  explicit FrameReader(std::uint32_t max_payload = kMaxFramePayload);

  // Writable space of exactly n bytes for a socket read; then commit() what was written.
  MutableByteView prepare(std::size_t n);
  void commit(std::size_t n);
  // prepare + copy + commit.
  void feed(ByteView bytes);

  // The next complete frame, nullopt while more bytes are needed, or PayloadTooLarge (after
  // which the reader stays failed and drops what it is fed). The payload view is valid until
  // the next prepare(), feed() or next().
  Result<std::optional<FrameView>> next();

  // Bytes received and not yet returned as frames.
  std::size_t buffered() const noexcept { return end_ - begin_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool failed() const noexcept { return failed_; }

 private:
  void make_room(std::size_t n);
  void reallocate(std::size_t new_capacity);

  std::uint32_t max_payload_;
  bool failed_{false};

  // Allocated by this: [begin_, end_) holds received bytes not yet returned as frames,
  // [end_, end_ + prepared_) is the space handed out by the last prepare().
  std::unique_ptr<std::byte[]> storage_;
  std::size_t capacity_{0};
  std::size_t begin_{0};
  std::size_t end_{0};
  std::size_t prepared_{0};
};

}  // namespace plenum::protocol

template <>
struct boost::system::is_error_code_enum<plenum::protocol::FrameError> : std::true_type {};
