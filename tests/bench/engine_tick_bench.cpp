// The audio engine's 20 ms tick with S simultaneous speakers (k = 4, every speaker listening in
// `mix`): one packet per speaker pushed, then AudioEngine::tick (decode all, select, normalise
// the selected, mix, k + 1 encodes). Items are speaker frames; a tick must stay well under
// 20 ms on one core. plenum-engine-probe reports the same scenario's percentiles as JSON.
#include "tests/support/engine_scenario.hpp"

#include <benchmark/benchmark.h>

namespace {

void BM_EngineTick(benchmark::State& state) {
  const auto speakers = static_cast<std::size_t>(state.range(0));
  plenum::test::EngineScenario scenario(speakers, 4);
  plenum::test::EngineScenario::Clock::time_point now{};
  std::size_t tick = 0;
  // Warm up: jitter buffers filled, gates open, the selection settled.
  for (; tick < 50; ++tick, now += std::chrono::milliseconds(20)) {
    scenario.push(tick, now);
    scenario.tick(now);
  }
  for (auto _ : state) {
    scenario.push(tick, now);
    scenario.tick(now);
    benchmark::DoNotOptimize(scenario.output().ticks.data());
    ++tick;
    now += std::chrono::milliseconds(20);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_EngineTick)->Arg(100)->Arg(200)->Arg(300)->Unit(benchmark::kMillisecond);

}  // namespace
