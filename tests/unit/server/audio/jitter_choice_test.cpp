// Why SpeakerInput uses protocol/codec's JitterBuffer and not SpeexDSP's jitter_buffer_*: both
// run on the same simulated arrival traces (20 ms packets, the engine's 20 ms tick), and this
// test keeps the comparison honest: it fails if ours falls behind what the choice rests on.
//
// Per trace and buffer: packets played / arrived, mean and p95 delay from send to playout, and
// the ticks that needed concealment. SpeexDSP is driven as its own speex_jitter_get() does (get
// one 20 ms span, conceal unless OK, then jitter_buffer_tick), at its default margin.
#include "protocol/codec/jitter_buffer.hpp"

#include <speex/speex_jitter.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace plenum::server::audio {
namespace {

using namespace std::chrono_literals;
using protocol::codec::JitterBuffer;
using protocol::codec::OwnedVoiceFrame;

constexpr std::size_t kPackets = 15000;  // 5 minutes of 20 ms packets
constexpr double kTickPhaseMs = 7.0;     // the engine's tick is not aligned with the sender

struct Trace {
  const char* name;
  double jitter_mean_ms;  // exponential extra delay per packet
  double spike_rate;      // share of packets delayed by a further spike_ms (Wi-Fi, mobile)
  double spike_ms;
  double loss_rate;
};

struct Arrival {
  std::size_t packet;
  double at_ms;
};

std::vector<Arrival> arrivals_of(const Trace& trace, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<Arrival> arrivals;
  for (std::size_t i = 0; i < kPackets; ++i) {
    if (uniform(random) < trace.loss_rate) {
      continue;
    }
    double delay = -trace.jitter_mean_ms * std::log(1.0 - uniform(random));
    if (uniform(random) < trace.spike_rate) {
      delay += trace.spike_ms;
    }
    arrivals.push_back({i, 20.0 * static_cast<double>(i) + delay});
  }
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const Arrival& a, const Arrival& b) { return a.at_ms < b.at_ms; });
  return arrivals;
}

struct Outcome {
  std::size_t arrived = 0;
  std::size_t played = 0;
  std::size_t concealed_ticks = 0;
  std::vector<double> delays_ms;

  double played_share() const { return static_cast<double>(played) / static_cast<double>(arrived); }
  double mean_delay() const {
    double sum = 0.0;
    for (const double d : delays_ms) {
      sum += d;
    }
    return sum / static_cast<double>(delays_ms.size());
  }
  double p95_delay() {
    std::sort(delays_ms.begin(), delays_ms.end());
    return delays_ms[delays_ms.size() * 95 / 100];
  }
};

// Runs the engine's tick over a trace: arrivals up to the tick's time go in, one 20 ms comes out.
template <class Buffer>
Outcome run(const std::vector<Arrival>& arrivals, Buffer& buffer) {
  Outcome outcome;
  outcome.arrived = arrivals.size();
  std::size_t next = 0;
  bool started = false;
  const double end_ms = 20.0 * static_cast<double>(kPackets) + 500.0;
  for (double tick = kTickPhaseMs; tick < end_ms; tick += 20.0) {
    while (next < arrivals.size() && arrivals[next].at_ms <= tick) {
      buffer.put(arrivals[next].packet, arrivals[next].at_ms);
      ++next;
    }
    const long packet = buffer.get(tick);
    if (packet >= 0) {
      started = true;
      ++outcome.played;
      outcome.delays_ms.push_back(tick - 20.0 * static_cast<double>(packet));
    } else if (packet == -1 && started) {
      ++outcome.concealed_ticks;
    }
  }
  return outcome;
}

// get(): the packet played this tick, -1 for concealment, -2 for silence.
struct Ours {
  JitterBuffer buffer{protocol::codec::JitterConfig{20ms, 200ms}};  // SpeakerInput's defaults
  JitterBuffer::Clock::time_point origin{};

  JitterBuffer::Clock::time_point at(double ms) const {
    return origin + std::chrono::microseconds(static_cast<long>(ms * 1000.0));
  }
  void put(std::size_t packet, double at_ms) {
    OwnedVoiceFrame frame;
    frame.seq = 2 * packet;
    frame.units = 2;
    frame.opus = {std::byte{1}};
    buffer.push(std::move(frame), at(at_ms));
  }
  long get(double tick_ms) {
    const JitterBuffer::Playout playout = buffer.next(at(tick_ms));
    switch (playout.kind) {
      case JitterBuffer::Playout::Kind::Frame:
        return static_cast<long>(playout.frame->seq / 2);
      case JitterBuffer::Playout::Kind::Fec:
      case JitterBuffer::Playout::Kind::Conceal:
        return -1;
      case JitterBuffer::Playout::Kind::Silence:
        break;
    }
    return -2;
  }
};

struct Speex {
  ::JitterBuffer* buffer = jitter_buffer_init(960);
  Speex() = default;
  ~Speex() { jitter_buffer_destroy(buffer); }
  Speex(const Speex&) = delete;
  Speex& operator=(const Speex&) = delete;

  void put(std::size_t packet, double /*at_ms*/) {
    char payload = 1;
    JitterBufferPacket p{};
    p.data = &payload;
    p.len = 1;
    p.timestamp = static_cast<spx_uint32_t>(960 * packet);
    p.span = 960;
    p.sequence = static_cast<spx_uint16_t>(packet);
    jitter_buffer_put(buffer, &p);
  }
  long get(double /*tick_ms*/) {
    char data[16];
    JitterBufferPacket p{};
    p.data = data;
    p.len = sizeof data;
    const int result = jitter_buffer_get(buffer, &p, 960, nullptr);
    jitter_buffer_tick(buffer);
    return result == JITTER_BUFFER_OK ? static_cast<long>(p.timestamp / 960) : -1;
  }
};

}  // namespace

TEST_SUITE("audio.jitter_choice") {
  TEST_CASE("protocol/codec's JitterBuffer against SpeexDSP's on the same arrival traces") {
    const Trace traces[] = {
        {"loopback", 0.3, 0.0, 0.0, 0.0},
        {"lan", 3.0, 0.0, 0.0, 0.002},
        {"wifi", 8.0, 0.02, 60.0, 0.01},
        {"mobile", 20.0, 0.05, 120.0, 0.03},
    };
    for (const Trace& trace : traces) {
      const std::vector<Arrival> arrivals = arrivals_of(trace, 42);
      Ours ours;
      Speex speex;
      Outcome a = run(arrivals, ours);
      Outcome b = run(arrivals, speex);
      MESSAGE(std::string(trace.name) << ": ours played " << 100.0 * a.played_share()
                                      << " %, delay mean " << a.mean_delay() << " p95 "
                                      << a.p95_delay() << " ms, concealed " << a.concealed_ticks
                                      << " | speex played " << 100.0 * b.played_share()
                                      << " %, delay mean " << b.mean_delay() << " p95 "
                                      << b.p95_delay() << " ms, concealed " << b.concealed_ticks);
      INFO(trace.name);
      // What the choice rests on (figures in speaker_input.hpp): never more than half a point
      // more packets missed than Speex, at most 30 ms more delay, and on loopback (the engine's
      // usual path, and the bench's) no worse at all.
      CHECK(a.played_share() >= b.played_share() - 0.005);
      CHECK(a.mean_delay() <= b.mean_delay() + 30.0);
      if (trace.jitter_mean_ms < 1.0) {
        CHECK(a.played_share() == 1.0);
        CHECK(a.mean_delay() <= b.mean_delay());
        CHECK(a.concealed_ticks <= b.concealed_ticks);
      }
    }
  }
}

}  // namespace plenum::server::audio
