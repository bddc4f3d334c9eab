// The virtual mix users: one per engine channel, announced and removed with it, their comment and
// plenum_speaking following the engine's selection at most every MixUsers::kCommentInterval.
#include "server/control/mix_users.hpp"

#include <doctest/doctest.h>

namespace plenum::server::control {
namespace {

using namespace std::chrono_literals;

audio::SelectionSnapshot selecting(state::ChannelId channel, std::vector<state::SessionId> sessions) {
  audio::SelectionSnapshot out;
  out.channels.push_back({channel, std::move(sessions), {}, false});
  return out;
}

}  // namespace

TEST_SUITE("control.mix_users") {
  TEST_CASE("each engine channel gets one mix user, which goes when the channel stops mixing") {
    MixUsers users;
    state::SessionId next = 40;
    const auto allocate = [&] { return next++; };
    auto changes = users.sync({2, 5}, allocate);
    REQUIRE(changes.added.size() == 2);
    CHECK(changes.added[0].session() == 40);
    CHECK(changes.added[0].channel_id() == 2);
    CHECK(changes.added[0].name() == MixUsers::kName);
    CHECK(changes.added[0].plenum_mix_user());
    CHECK(users.session_of(5) == 41);
    CHECK(users.is_mix_user(41));
    CHECK_FALSE(users.is_mix_user(42));

    changes = users.sync({2, 5}, allocate);
    CHECK(changes.added.empty());
    CHECK(changes.removed.empty());

    changes = users.sync({5}, allocate);
    REQUIRE(changes.removed.size() == 1);
    CHECK(changes.removed[0].session() == 40);
    CHECK(changes.released == std::vector<state::SessionId>{40});
    CHECK(users.session_of(2) == 0);
    CHECK(users.all_states({}).size() == 1);
  }

  TEST_CASE("who speaks is announced on change, at most every interval, names escaped") {
    MixUsers users;
    users.sync({0}, [] { return state::SessionId{9}; });
    const auto names = [](state::SessionId session) -> std::string {
      return session == 1 ? "Ada" : session == 2 ? "<Bo&Co>" : "";
    };
    const auto t0 = MixUsers::Clock::time_point{} + 1h;
    users.on_selection(selecting(0, {1, 2}));
    auto due = users.flush(t0, names);
    REQUIRE(due.size() == 1);
    CHECK(due[0].session() == 9);
    CHECK(due[0].comment() == "Speaking: Ada, &lt;Bo&amp;Co&gt;");
    CHECK(due[0].plenum_speaking_size() == 2);
    CHECK_FALSE(due[0].has_channel_id());

    users.on_selection(selecting(0, {2}));
    CHECK(users.flush(t0 + 1s, names).empty());  // too soon
    users.on_selection(selecting(0, {}));
    due = users.flush(t0 + MixUsers::kCommentInterval, names);
    REQUIRE(due.size() == 1);
    CHECK(due[0].comment() == "Nobody is speaking.");
    CHECK(due[0].plenum_speaking_size() == 0);
    CHECK(due[0].plenum_mix_user());
    CHECK(users.flush(t0 + 1h, names).empty());  // nothing changed since
  }
}

}  // namespace plenum::server::control
