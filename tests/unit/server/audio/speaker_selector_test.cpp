#include "server/audio/speaker_selector.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <vector>

namespace plenum::server::audio {
namespace {

using namespace std::chrono_literals;

constexpr auto kTick = 20ms;

std::vector<SelectionCandidate> speaking(const std::vector<std::pair<SessionId, float>>& levels) {
  std::vector<SelectionCandidate> out;
  for (const auto& [id, level] : levels) {
    out.push_back({id, true, level});
  }
  return out;
}

TEST_SUITE("audio.select") {
  TEST_CASE("eight speakers at distinct levels, k=4: exactly the four loudest") {
    SpeakerSelector selector;
    // Ids deliberately not in level order.
    const auto candidates = speaking({{11, -31.0F}, {12, -10.0F}, {13, -25.0F}, {14, -16.0F},
                                      {15, -28.0F}, {16, -13.0F}, {17, -22.0F}, {18, -19.0F}});
    Clock::time_point now{};
    for (int i = 0; i < 200; ++i, now += kTick) {
      selector.update(candidates, {}, 4, now);
      REQUIRE(selector.selected() == std::vector<SessionId>{12, 14, 16, 18});
    }
  }

  TEST_CASE("a much louder latecomer replaces the quietest after the minimum hold, not before") {
    SpeakerSelector selector;
    Clock::time_point now{};
    auto candidates = speaking({{1, -20.0F}, {2, -22.0F}, {3, -24.0F}});
    selector.update(candidates, {}, 3, now);
    REQUIRE(selector.selected() == std::vector<SessionId>{1, 2, 3});
    candidates.push_back({4, true, -6.0F});
    // The incumbents came in at t=0; until they have been held 1 s, nobody is replaced.
    for (now += kTick; now < Clock::time_point{} + 1000ms; now += kTick) {
      selector.update(candidates, {}, 3, now);
      REQUIRE(selector.selected() == std::vector<SessionId>{1, 2, 3});
    }
    selector.update(candidates, {}, 3, now);
    CHECK(selector.selected() == std::vector<SessionId>{1, 2, 4});
  }

  TEST_CASE("equal and close levels do not flap over many ticks") {
    SpeakerSelector selector;
    std::mt19937 random(7);
    std::uniform_real_distribution<float> wobble(-2.5F, 2.5F);
    Clock::time_point now{};
    std::vector<SessionId> first;
    int changes = 0;
    for (int i = 0; i < 3000; ++i, now += kTick) {
      // Six speakers around -20 dBFS, each frame's level within +-2.5 dB (speech moves more
      // than that, but the smoothed ranks cross constantly).
      std::vector<SelectionCandidate> candidates;
      for (SessionId id = 1; id <= 6; ++id) {
        candidates.push_back({id, true, -20.0F + wobble(random)});
      }
      selector.update(candidates, {}, 4, now);
      if (i == 0) {
        first = selector.selected();
      } else if (selector.selected() != first) {
        ++changes;
        first = selector.selected();
      }
    }
    CHECK(changes == 0);
    CHECK(first.size() == 4);
  }

  TEST_CASE("priority speakers and floor holders are always selected and take slots first") {
    SpeakerSelector selector;
    const auto candidates = speaking({{1, -10.0F}, {2, -12.0F}, {3, -14.0F}, {4, -16.0F},
                                      {5, -45.0F}});
    const std::vector<SessionId> forced{5, 9};  // 5 is quiet, 9 does not speak at all
    Clock::time_point now{};
    for (int i = 0; i < 100; ++i, now += kTick) {
      selector.update(candidates, forced, 4, now);
      REQUIRE(selector.selected() == std::vector<SessionId>{1, 2, 5, 9});
    }
    // More forced speakers than k: all of them, and nobody else.
    const std::vector<SessionId> many{5, 6, 7, 8, 9};
    selector.update(candidates, many, 4, now);
    CHECK(selector.selected() == many);
  }

  TEST_CASE("speakers that are not eligible (gate closed, open microphone) are never selected") {
    SpeakerSelector selector;
    std::vector<SelectionCandidate> candidates{
        {1, false, -5.0F}, {2, true, -40.0F}, {3, false, -3.0F}};
    Clock::time_point now{};
    for (int i = 0; i < 100; ++i, now += kTick) {
      selector.update(candidates, {}, 4, now);
      REQUIRE(selector.selected() == std::vector<SessionId>{2});
    }
  }

  TEST_CASE("a speaker who stops leaves after the release hold and the slot is filled") {
    SpeakerSelector selector;
    Clock::time_point now{};
    selector.update(speaking({{1, -10.0F}, {2, -30.0F}}), {}, 1, now);
    REQUIRE(selector.selected() == std::vector<SessionId>{1});
    // Speaker 1 stops: held through a breath (300 ms), then speaker 2 gets the slot.
    std::vector<SelectionCandidate> paused{{1, false, -80.0F}, {2, true, -30.0F}};
    const auto stopped = now;
    for (now += kTick; now - stopped < 300ms; now += kTick) {
      selector.update(paused, {}, 1, now);
      REQUIRE(selector.selected() == std::vector<SessionId>{1});
    }
    selector.update(paused, {}, 1, now);
    CHECK(selector.selected() == std::vector<SessionId>{2});
    // A speaker who is no longer heard at all (left, idle) leaves at once.
    selector.update(speaking({{3, -50.0F}}), {}, 1, now + kTick);
    CHECK(selector.selected() == std::vector<SessionId>{3});
  }

  TEST_CASE("lowering k drops the quietest") {
    SpeakerSelector selector;
    const auto candidates = speaking({{1, -10.0F}, {2, -20.0F}, {3, -30.0F}});
    selector.update(candidates, {}, 3, Clock::time_point{});
    REQUIRE(selector.selected().size() == 3);
    selector.update(candidates, {}, 1, Clock::time_point{} + kTick);
    CHECK(selector.selected() == std::vector<SessionId>{1});
  }
}

}  // namespace
}  // namespace plenum::server::audio
