// plenum-engine-probe: the audio engine alone, on one core: tick time (median, p99, max) with
// S simultaneous speakers (default 100, 200, 300), k = 4, every speaker listening in `mix`, as
// one JSON object on stdout for scripts/bench ("engine alone: tick time"; target <= 10 ms per
// 20 ms tick at 300 speakers). A tick here is what the engine thread does every 20 ms: drain one
// packet per speaker into the engine (push) and run AudioEngine::tick; both are timed together.
// The engine's clock advances 20 ms per tick (no waiting): only the work is measured.
// (Named *_main.cpp because tests/load globs its other sources into plenum_load_core.)
#include "tests/support/engine_scenario.hpp"

#include <sched.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Options {
  std::vector<std::size_t> speakers{100, 200, 300};
  std::uint32_t k = 4;
  std::size_t ticks = 500;   // 10 s of engine time per run
  std::size_t warmup = 50;   // jitter buffers filled, gates and selection settled
  int cpu = 0;               // pinned to this core; -1: not pinned
  bool mix = true;           // every speaker listens in `mix`; false: a topk-only channel
};

bool parse_number(std::string_view text, auto& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

bool parse(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const std::string_view value = i + 1 < argc ? std::string_view(argv[i + 1]) : "";
    bool ok = true;
    if (arg == "--speakers") {
      options.speakers.clear();
      std::size_t start = 0;
      while (ok && start <= value.size()) {
        const std::size_t comma = std::min(value.find(',', start), value.size());
        std::size_t n = 0;
        ok = parse_number(value.substr(start, comma - start), n) && n > 0;
        options.speakers.push_back(n);
        start = comma + 1;
      }
    } else if (arg == "--k") {
      ok = parse_number(value, options.k) && options.k >= 1 && options.k <= 32;
    } else if (arg == "--ticks") {
      ok = parse_number(value, options.ticks) && options.ticks >= 10;
    } else if (arg == "--listeners") {
      ok = value == "mix" || value == "none";
      options.mix = value == "mix";
    } else if (arg == "--cpu") {
      ok = parse_number(value, options.cpu);
    } else {
      std::fprintf(stderr,
                   "usage: plenum-engine-probe [--speakers 100,200,300] [--k 4] [--ticks 500] "
                   "[--listeners mix|none] [--cpu N|-1]\n");
      return false;
    }
    if (!ok) {
      std::fprintf(stderr, "plenum-engine-probe: bad value for %s: '%.*s'\n", argv[i],
                   static_cast<int>(value.size()), value.data());
      return false;
    }
    ++i;
  }
  return true;
}

double ms(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e6; }

// This thread's CPU time: what the tick costs the core, whatever else the machine runs.
std::chrono::nanoseconds thread_cpu() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

struct Percentiles {
  double median_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};

Percentiles percentiles(std::vector<std::chrono::nanoseconds> times) {
  std::sort(times.begin(), times.end());
  Percentiles p;
  p.median_ms = ms(times[times.size() / 2]);
  p.p99_ms = ms(times[std::min(times.size() - 1, times.size() * 99 / 100)]);
  p.max_ms = ms(times.back());
  std::chrono::nanoseconds total{};
  for (const auto t : times) {
    total += t;
  }
  p.mean_ms = ms(total) / static_cast<double>(times.size());
  return p;
}

struct Run {
  std::size_t speakers = 0;
  Percentiles cpu;   // thread CPU time per tick
  Percentiles wall;  // elapsed time per tick (includes time the core ran something else)
  double encodes_per_tick = 0, mixed_per_tick = 0;
};

Run measure(std::size_t speakers, const Options& options) {
  using Clock = plenum::test::EngineScenario::Clock;
  plenum::test::EngineScenario scenario(speakers, options.k, options.mix);
  Clock::time_point now{};
  for (std::size_t t = 0; t < options.warmup; ++t, now += std::chrono::milliseconds(20)) {
    scenario.push(t, now);
    scenario.tick(now);
  }
  const auto before = scenario.engine().counters();
  std::vector<std::chrono::nanoseconds> wall;
  std::vector<std::chrono::nanoseconds> cpu;
  wall.reserve(options.ticks);
  cpu.reserve(options.ticks);
  for (std::size_t t = options.warmup; t < options.warmup + options.ticks;
       ++t, now += std::chrono::milliseconds(20)) {
    const auto cpu_start = thread_cpu();
    const auto start = std::chrono::steady_clock::now();
    scenario.push(t, now);
    scenario.tick(now);
    wall.push_back(std::chrono::steady_clock::now() - start);
    cpu.push_back(thread_cpu() - cpu_start);
  }
  const auto after = scenario.engine().counters();
  Run run;
  run.speakers = speakers;
  run.cpu = percentiles(std::move(cpu));
  run.wall = percentiles(std::move(wall));
  const auto ticks = static_cast<double>(options.ticks);
  run.encodes_per_tick = static_cast<double>(after.mixes_encoded - before.mixes_encoded) / ticks;
  run.mixed_per_tick = static_cast<double>(after.frames_mixed - before.frames_mixed) / ticks;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    return 2;
  }
  bool pinned = false;
  if (options.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<std::size_t>(options.cpu), &set);
    pinned = sched_setaffinity(0, sizeof(set), &set) == 0;
  }
  std::printf("{\"engine_tick\": {\"k\": %u, \"ticks\": %zu, \"tick_ms\": 20, \"pinned_cpu\": %d, "
              "\"listeners\": \"%s\", \"runs\": [",
              options.k, options.ticks, pinned ? options.cpu : -1, options.mix ? "mix" : "none");
  for (std::size_t i = 0; i < options.speakers.size(); ++i) {
    const Run run = measure(options.speakers[i], options);
    std::printf("%s\n  {\"speakers\": %zu, \"cpu_median_ms\": %.3f, \"cpu_p99_ms\": %.3f, "
                "\"cpu_max_ms\": %.3f, \"cpu_mean_ms\": %.3f, \"wall_median_ms\": %.3f, "
                "\"wall_p99_ms\": %.3f, \"wall_max_ms\": %.3f, \"encodes_per_tick\": %.2f, "
                "\"mixed_per_tick\": %.2f}",
                i == 0 ? "" : ",", run.speakers, run.cpu.median_ms, run.cpu.p99_ms,
                run.cpu.max_ms, run.cpu.mean_ms, run.wall.median_ms, run.wall.p99_ms,
                run.wall.max_ms, run.encodes_per_tick, run.mixed_per_tick);
    std::fflush(stdout);
  }
  std::printf("\n]}}\n");
  return 0;
}
