#include "protocol/codec/jitter_buffer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <initializer_list>
#include <vector>

namespace plenum::protocol::codec {
namespace {

using namespace std::chrono_literals;
using Clock = JitterBuffer::Clock;
using Kind = JitterBuffer::Playout::Kind;

OwnedVoiceFrame frame(std::uint64_t seq, bool terminator = false) {
  OwnedVoiceFrame f;
  f.seq = seq;
  f.units = 2;
  f.terminator = terminator;
  f.opus = {std::byte{static_cast<unsigned char>(seq)}};
  return f;
}

// What one 20 ms turn played: the packet's seq, or -1 (FEC), -2 (PLC), -3 (silence).
long describe(const JitterBuffer::Playout& p) {
  switch (p.kind) {
    case Kind::Frame: return static_cast<long>(p.frame->seq);
    case Kind::Fec: return -1;
    case Kind::Conceal: return -2;
    case Kind::Silence: return -3;
  }
  return -4;
}

struct Harness {
  JitterBuffer buffer{JitterConfig{40ms, 200ms}};
  Clock::time_point now{};

  void push(std::uint64_t seq, bool terminator = false) { buffer.push(frame(seq, terminator), now); }
  void push_all(std::initializer_list<std::uint64_t> seqs) {
    for (const std::uint64_t seq : seqs) {
      push(seq);
    }
  }
  long play() {
    const long played = describe(buffer.next(now));
    now += 20ms;
    return played;
  }
};

TEST_SUITE("client-cli") {
  TEST_CASE("jitter buffer plays reordered packets in frame order") {
    Harness h;
    h.push_all({0, 4, 2, 8, 6});
    std::vector<long> played;
    for (int i = 0; i < 5; ++i) {
      played.push_back(h.play());
    }
    CHECK(played == std::vector<long>{0, 2, 4, 6, 8});
    CHECK(h.buffer.stats().lost == 0);
    CHECK(h.buffer.stats().concealed == 0);
    CHECK(h.buffer.stats().received == 5);
  }

  TEST_CASE("jitter buffer waits for the target delay before it starts") {
    Harness h;
    h.push(0);
    CHECK(h.play() == -3);  // 20 ms of a 40 ms target: still prebuffering
    h.push(2);
    CHECK(h.play() == 0);
    CHECK(h.play() == 2);
  }

  TEST_CASE("jitter buffer conceals a lost packet with the next packet's FEC and counts it") {
    Harness h;
    h.push_all({0, 2, 6, 8});
    std::vector<long> played;
    for (int i = 0; i < 5; ++i) {
      played.push_back(h.play());
    }
    CHECK(played == std::vector<long>{0, 2, -1, 6, 8});
    CHECK(h.buffer.stats().lost == 1);
    CHECK(h.buffer.stats().concealed == 1);
    CHECK(h.buffer.stats().fec == 1);
  }

  TEST_CASE("jitter buffer uses PLC for a longer gap") {
    Harness h;
    h.push_all({0, 2, 10});
    std::vector<long> played;
    for (int i = 0; i < 6; ++i) {
      played.push_back(h.play());
    }
    CHECK(played == std::vector<long>{0, 2, -2, -2, -1, 10});
    CHECK(h.buffer.stats().lost == 3);
    CHECK(h.buffer.stats().concealed == 3);
  }

  TEST_CASE("a packet that arrives after its turn is late: not played, not lost") {
    Harness h;
    h.push_all({0, 2, 6});
    CHECK(h.play() == 0);
    CHECK(h.play() == 2);
    CHECK(h.play() == -1);  // 4 is missing when its turn comes
    h.push(4);              // ... and arrives afterwards
    const long next = h.play();
    CHECK((next == 6 || next == -2));  // -2: the buffer may first grow its delay
    if (next != 6) {
      CHECK(h.play() == 6);            // 4 itself is never played
    }
    CHECK(h.buffer.stats().late == 1);
    CHECK(h.buffer.stats().lost == 0);
  }

  TEST_CASE("a late packet grows the delay by a tick while the buffer is below its target") {
    Harness h;
    h.push_all({0, 2});
    CHECK(h.play() == 0);
    CHECK(h.play() == 2);
    CHECK(h.play() == -2);  // underrun: stretched
    h.push(6);
    CHECK(h.play() == -1);  // 4 is missing, 6 is here: FEC
    h.push(4);              // 4 shows up after its turn
    CHECK(h.buffer.stats().late == 1);
    CHECK(h.play() == -2);  // one tick of PLC instead of playing 6 at once: more headroom
    CHECK(h.play() == 6);
    CHECK(h.buffer.stats().expanded == 2);
  }

  TEST_CASE("an underrun stretches with PLC so a merely delayed packet still plays") {
    Harness h;
    h.push(0);
    h.push(2);
    CHECK(h.play() == 0);
    CHECK(h.play() == 2);
    CHECK(h.play() == -2);  // nothing buffered: stretch, the playout point stays at 4
    h.push(4);
    CHECK(h.play() == 4);
    CHECK(h.buffer.stats().expanded == 1);
    CHECK(h.buffer.stats().late == 0);
    CHECK(h.buffer.stats().lost == 0);
  }

  TEST_CASE("the terminator ends the stream and the buffer falls silent") {
    Harness h;
    h.push(0);
    h.push(2, true);
    CHECK(h.play() == 0);
    CHECK(h.play() == 2);
    CHECK_FALSE(h.buffer.playing());
    CHECK(h.play() == -3);
    CHECK(h.buffer.stats().expanded == 0);
  }

  TEST_CASE("a sender that stops without a terminator fades out and goes idle") {
    Harness h;
    h.push(0);
    h.push(2);
    h.play();
    h.play();
    int concealed = 0;
    for (int i = 0; i < 50 && h.play() == -2; ++i) {
      ++concealed;
    }
    CHECK(concealed > 0);
    CHECK(concealed <= 10);
    CHECK_FALSE(h.buffer.playing());
  }

  TEST_CASE("the buffered delay stays bounded when packets pile up") {
    Harness h;
    for (std::uint64_t seq = 0; seq < 100; seq += 2) {
      h.push(seq);  // one second arrives at once
    }
    CHECK(h.buffer.buffered() <= 200ms);
    CHECK(h.buffer.stats().dropped > 0);
    const long first = h.play();
    CHECK(first >= 100 - 20);  // playing from the newest 200 ms, not from one second ago
  }

  TEST_CASE("a sender restarting its frame numbers starts a new stream") {
    Harness h;
    for (std::uint64_t seq = 5000; seq < 5010; seq += 2) {
      h.push(seq);
    }
    for (int i = 0; i < 5; ++i) {
      h.play();
    }
    h.push(0);  // Mumble resets the counter after a silence
    h.push(2);
    CHECK(h.play() == 0);
    CHECK(h.play() == 2);
    CHECK(h.buffer.stats().late == 0);
  }

  TEST_CASE("jitter estimate grows with irregular arrivals and raises the next target") {
    Harness h;
    std::uint64_t seq = 0;
    for (int i = 0; i < 40; ++i, seq += 2) {
      // Alternately 0 and 40 ms apart instead of every 20 ms.
      h.now += (i % 2 == 0) ? 0ms : 40ms;
      h.push(seq, i == 39);
    }
    CHECK(h.buffer.stats().jitter_ms > 10.0);
    for (int i = 0; i < 60; ++i) {
      h.play();
    }
    CHECK(h.buffer.target_delay() > 40ms);
    CHECK(h.buffer.target_delay() <= 200ms);
  }

  TEST_CASE("duplicates are counted and ignored") {
    Harness h;
    h.push(0);
    h.push(0);
    h.push(2);
    CHECK(h.buffer.stats().duplicates == 1);
    CHECK(h.play() == 0);
    CHECK(h.play() == 2);
  }
}

}  // namespace
}  // namespace plenum::protocol::codec
