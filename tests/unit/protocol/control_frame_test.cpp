#include "protocol/control_frame.hpp"

#include "tests/unit/protocol/voice_fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace plenum::protocol;

namespace {

using plenum::protocol::testing::hex;

struct OwnedFrame {
  std::uint16_t type;
  Bytes payload;
  bool operator==(const OwnedFrame&) const = default;
};

// Takes every complete frame out of the reader, copying payloads (views die at the next feed).
std::vector<OwnedFrame> drain(FrameReader& reader) {
  std::vector<OwnedFrame> frames;
  for (;;) {
    auto next = reader.next();
    REQUIRE(next.has_value());
    if (!next->has_value()) return frames;
    const FrameView frame = **next;
    frames.push_back({frame.type, Bytes(frame.payload.begin(), frame.payload.end())});
  }
}

Bytes patterned(std::size_t size, unsigned seed) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<std::byte>((i * 131 + seed) & 0xFF);
  }
  return out;
}

// Frames of assorted sizes (empty, tiny, one byte past a varint boundary, several KiB).
std::vector<OwnedFrame> sample_frames() {
  std::vector<OwnedFrame> frames;
  const std::size_t sizes[] = {0, 1, 4, 127, 128, 0, 300, 5000, 3, 17000, 2};
  std::uint16_t type = 0;
  for (std::size_t size : sizes) {
    frames.push_back({type, patterned(size, type)});
    type = static_cast<std::uint16_t>((type * 7 + 3) % 30);
  }
  frames.push_back({0xFFFF, patterned(9, 99)});  // unknown types are still frames
  return frames;
}

Bytes encode_all(const std::vector<OwnedFrame>& frames) {
  Bytes stream;
  for (const auto& f : frames) append_frame(stream, f.type, f.payload);
  return stream;
}

// Feeds `stream` cut at the given chunk sizes (the last chunk takes the rest).
std::vector<OwnedFrame> read_in_chunks(const Bytes& stream, const std::vector<std::size_t>& cuts) {
  FrameReader reader;
  std::vector<OwnedFrame> frames;
  std::size_t pos = 0;
  for (std::size_t cut : cuts) {
    const std::size_t n = std::min(cut, stream.size() - pos);
    reader.feed(ByteView{stream}.subspan(pos, n));
    pos += n;
    auto more = drain(reader);
    frames.insert(frames.end(), more.begin(), more.end());
  }
  reader.feed(ByteView{stream}.subspan(pos));
  auto more = drain(reader);
  frames.insert(frames.end(), more.begin(), more.end());
  CHECK(reader.buffered() == 0);
  return frames;
}

}  // namespace

TEST_SUITE("protocol.control_frame") {
  TEST_CASE("header is u16 type and u32 length, both big-endian") {
    Bytes out;
    append_frame(out, 0x1234, hex("61 62 63"));
    CHECK(out == hex("12 34 00 00 00 03 61 62 63"));

    Bytes big;
    append_frame(big, 7, patterned(0x010203, 1));
    CHECK(Bytes(big.begin(), big.begin() + 6) == hex("00 07 00 01 02 03"));

    std::byte header[kFrameHeaderSize];
    put_frame_header(header, 0xFEDC, 0x7FFFFF);
    CHECK(Bytes(header, header + 6) == hex("fe dc 00 7f ff ff"));
  }

  TEST_CASE("append_frame appends behind existing bytes") {
    Bytes out = hex("aa");
    append_frame(out, 3, hex("08 e7 07"));
    CHECK(out == hex("aa 00 03 00 00 00 03 08 e7 07"));
  }

  TEST_CASE("frames of MUMBLE_PROTOCOL.md §9.3 split into type and payload") {
    FrameReader reader;
    reader.feed(hex("00 00 00 00 00 04 08 84 86 04"));
    reader.feed(hex("00 02 00 00 00 09 0a 05 61 6c 69 63 65 28 01"));
    reader.feed(hex("00 03 00 00 00 03 08 e7 07"));
    const auto frames = drain(reader);
    REQUIRE(frames.size() == 3);
    CHECK(frames[0] == OwnedFrame{0, hex("08 84 86 04")});
    CHECK(frames[1] == OwnedFrame{2, hex("0a 05 61 6c 69 63 65 28 01")});
    CHECK(frames[2] == OwnedFrame{3, hex("08 e7 07")});
    CHECK(reader.buffered() == 0);
  }

  TEST_CASE("zero-length payload is a complete frame") {
    Bytes stream;
    append_frame(stream, 5, {});
    CHECK(stream == hex("00 05 00 00 00 00"));
    FrameReader reader;
    reader.feed(ByteView{stream}.first(5));
    auto partial = reader.next();
    REQUIRE(partial.has_value());
    CHECK_FALSE(partial->has_value());
    reader.feed(ByteView{stream}.subspan(5));
    CHECK(drain(reader) == std::vector<OwnedFrame>{{5, {}}});
  }

  TEST_CASE("many frames in one feed") {
    const auto frames = sample_frames();
    const Bytes stream = encode_all(frames);
    CHECK(read_in_chunks(stream, {}) == frames);
  }

  TEST_CASE("one byte at a time") {
    const auto frames = sample_frames();
    const Bytes stream = encode_all(frames);
    CHECK(read_in_chunks(stream, std::vector<std::size_t>(stream.size(), 1)) == frames);
  }

  TEST_CASE("every single cut point of a small stream") {
    const std::vector<OwnedFrame> frames{{0, hex("08 84 86 04")}, {9, {}}, {3, hex("08 e7 07")}};
    const Bytes stream = encode_all(frames);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      CAPTURE(cut);
      CHECK(read_in_chunks(stream, {cut}) == frames);
    }
  }

  TEST_CASE("random chunkings of a multi-frame stream") {
    const auto frames = sample_frames();
    const Bytes stream = encode_all(frames);
    std::mt19937 rng{12345};
    for (int round = 0; round < 200; ++round) {
      std::uniform_int_distribution<std::size_t> chunk{1, round % 2 == 0 ? 16u : 9000u};
      std::vector<std::size_t> cuts;
      for (std::size_t total = 0; total < stream.size();) {
        cuts.push_back(chunk(rng));
        total += cuts.back();
      }
      CAPTURE(round);
      CHECK(read_in_chunks(stream, cuts) == frames);
    }
  }

  TEST_CASE("prepare and commit take partial socket reads") {
    const auto frames = sample_frames();
    const Bytes stream = encode_all(frames);
    FrameReader reader;
    std::vector<OwnedFrame> got;
    std::mt19937 rng{777};
    std::size_t pos = 0;
    while (pos < stream.size()) {
      // Ask for a 4 KiB read; the "socket" delivers fewer bytes.
      const MutableByteView space = reader.prepare(4096);
      REQUIRE(space.size() == 4096);
      const std::size_t n = std::min({std::uniform_int_distribution<std::size_t>{0, 4096}(rng),
                                      stream.size() - pos});
      std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(pos), n, space.begin());
      reader.commit(n);
      pos += n;
      auto more = drain(reader);
      got.insert(got.end(), more.begin(), more.end());
    }
    CHECK(got == frames);
  }

  TEST_CASE("a header above the limit fails without allocating the claimed length") {
    FrameReader reader;
    reader.feed(hex("00 09 00 80 00 00"));  // 0x800000 = kMaxFramePayload + 1
    auto result = reader.next();
    REQUIRE(result.has_error());
    CHECK(result.error() == FrameError::PayloadTooLarge);
    CHECK(result.error().category() == frame_error_category());
    CHECK(reader.failed());
    CHECK(reader.buffered() == 0);
    CHECK(reader.capacity() <= 4096);

    // It stays failed and drops whatever follows, even valid frames.
    reader.feed(hex("00 03 00 00 00 03 08 e7 07"));
    CHECK(reader.buffered() == 0);
    CHECK(reader.next().has_error());
    const Bytes ping = hex("00 03 00 00 00 03 08 e7 07");
    const MutableByteView space = reader.prepare(ping.size());
    std::copy(ping.begin(), ping.end(), space.begin());
    reader.commit(ping.size());
    CHECK(reader.buffered() == 0);
    CHECK(reader.next().has_error());

    FrameReader huge;
    huge.feed(hex("ff ff ff ff ff ff"));
    CHECK(huge.next().error() == FrameError::PayloadTooLarge);
  }

  TEST_CASE("a header claiming the maximum reserves nothing up front") {
    FrameReader reader;
    reader.feed(hex("00 0b 00 7f ff ff 61"));
    auto result = reader.next();
    REQUIRE(result.has_value());
    CHECK_FALSE(result->has_value());
    CHECK(reader.buffered() == 7);
    CHECK(reader.capacity() <= 4096);
  }

  TEST_CASE("a maximum-size frame is accepted, and the memory is given back afterwards") {
    const Bytes payload = patterned(kMaxFramePayload, 5);
    Bytes stream;
    append_frame(stream, 11, payload);
    append_frame(stream, 3, hex("08 e7 07"));

    FrameReader reader;
    std::vector<OwnedFrame> got;
    for (std::size_t pos = 0; pos < stream.size(); pos += 65536) {
      reader.feed(ByteView{stream}.subspan(pos, std::min<std::size_t>(65536, stream.size() - pos)));
      auto more = drain(reader);
      got.insert(got.end(), more.begin(), more.end());
    }
    REQUIRE(got.size() == 2);
    CHECK(got[0].type == 11);
    CHECK(got[0].payload.size() == kMaxFramePayload);
    CHECK(got[0].payload == payload);
    CHECK(got[1] == OwnedFrame{3, hex("08 e7 07")});
    CHECK(reader.capacity() >= kMaxFramePayload);

    reader.feed(hex("00 03 00 00 00 00"));
    CHECK(reader.capacity() <= 64 * 1024);
    CHECK(drain(reader) == std::vector<OwnedFrame>{{3, {}}});
  }

  TEST_CASE("a smaller limit is enforced exactly") {
    Bytes at_limit;
    append_frame(at_limit, 1, patterned(100, 0));
    FrameReader ok{100};
    ok.feed(at_limit);
    CHECK(drain(ok).size() == 1);

    Bytes over;
    append_frame(over, 1, patterned(101, 0));
    FrameReader rejecting{100};
    rejecting.feed(ByteView{over}.first(kFrameHeaderSize));
    CHECK(rejecting.next().error() == FrameError::PayloadTooLarge);
  }

  TEST_CASE("a long stream of small frames reuses a small buffer") {
    // Without compaction the buffer would grow with the whole stream (about 1 MB here). Frames
    // of 103 bytes in 1000-byte reads leave a partial frame behind after almost every read.
    Bytes stream;
    for (int i = 0; i < 10000; ++i) append_frame(stream, 3, patterned(97, static_cast<unsigned>(i)));
    FrameReader reader;
    std::size_t frames = 0;
    for (std::size_t pos = 0; pos < stream.size(); pos += 1000) {
      reader.feed(ByteView{stream}.subspan(pos, std::min<std::size_t>(1000, stream.size() - pos)));
      frames += drain(reader).size();
    }
    CHECK(frames == 10000);
    CHECK(reader.capacity() <= 4096);
  }

  TEST_CASE("the payload view points into the reader's buffer and survives until the next call") {
    FrameReader reader;
    reader.feed(hex("00 03 00 00 00 03 08 e7 07 00 04 00 00 00 01 2a"));
    auto first = reader.next();
    REQUIRE(first.has_value());
    REQUIRE(first->has_value());
    const ByteView payload = (*first)->payload;
    CHECK(Bytes(payload.begin(), payload.end()) == hex("08 e7 07"));
    CHECK(reader.buffered() == 7);
    auto second = reader.next();
    REQUIRE(second->has_value());
    CHECK((*second)->payload.data() == payload.data() + 3 + kFrameHeaderSize);
  }

  TEST_CASE("oversized payloads are refused at the sender") {
    Bytes out;
    const Bytes too_big(static_cast<std::size_t>(kMaxFramePayload) + 1);
    CHECK_THROWS_AS(append_frame(out, 1, too_big), std::length_error);
    CHECK(out.empty());
  }

  TEST_CASE("random bytes never break the reader") {
    std::mt19937 rng{4242};
    std::uniform_int_distribution<int> byte{0, 255};
    for (int round = 0; round < 300; ++round) {
      FrameReader reader{static_cast<std::uint32_t>(round * 37)};
      for (int feed = 0; feed < 20; ++feed) {
        Bytes chunk(static_cast<std::size_t>(byte(rng) % 64));
        for (auto& b : chunk) b = static_cast<std::byte>(byte(rng));
        reader.feed(chunk);
        for (;;) {
          auto next = reader.next();
          if (!next || !next->has_value()) break;
          CHECK((*next)->payload.size() <= static_cast<std::size_t>(round * 37));
        }
      }
      CHECK(reader.buffered() <= 20u * 64u);
    }
  }
}
