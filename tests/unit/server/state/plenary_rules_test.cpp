#include "server/state/plenary_rules.hpp"

#include "unit/server/state/state_fixture.hpp"

#include <doctest/doctest.h>

using namespace plenum::server;
using namespace plenum::server::state;
using plenum::server::state::testing::StateFixture;

namespace {

PlenarySettings changed(PlenarySettings settings, std::string_view key, std::string_view value) {
  const auto change = change_setting(settings, key, value);
  REQUIRE_MESSAGE(change.settings.has_value(), change.error);
  return *change.settings;
}

std::string refusal(std::string_view key, std::string_view value) {
  const auto change = change_setting(PlenarySettings{}, key, value);
  REQUIRE_FALSE(change.settings.has_value());
  return change.error;
}

}  // namespace

TEST_SUITE("state.plenary") {

TEST_CASE("channel settings take the ranges of the [plenary] keys, and default clears them") {
  PlenarySettings s;
  s = changed(s, "mode", "mix");
  CHECK(s.mode == config::ListenerMode::Mix);
  s = changed(s, "topk", "1");
  s = changed(s, "topk", "32");
  CHECK(s.topk == 32U);
  s = changed(s, "bitrate", "6000");
  s = changed(s, "bitrate", "510000");
  CHECK(s.mix_bitrate_bps == 510000U);
  s = changed(s, "gate", "0");
  s = changed(s, "gate", "90");
  CHECK(s.gate_db_below_full_scale == 90U);
  s = changed(s, "transmit", "ptt");
  CHECK(s.transmit == config::TransmitPolicy::Ptt);
  for (const auto* key : {"mode", "topk", "bitrate", "gate", "transmit"}) s = changed(s, key, "default");
  CHECK(s == PlenarySettings{});

  CHECK(refusal("topk", "0").find("1 to 32") != std::string::npos);
  CHECK(refusal("topk", "33").find("1 to 32") != std::string::npos);
  CHECK(refusal("topk", "-1").find("1 to 32") != std::string::npos);
  CHECK(refusal("topk", "4x").find("1 to 32") != std::string::npos);
  CHECK(refusal("bitrate", "5999").find("6000 to 510000") != std::string::npos);
  CHECK(refusal("bitrate", "510001").find("6000 to 510000") != std::string::npos);
  CHECK(refusal("gate", "91").find("0 to 90") != std::string::npos);
  CHECK(refusal("mode", "loud").find("all, topk or mix") != std::string::npos);
  CHECK(refusal("transmit", "shout").find("any, vad, ptt or auto") != std::string::npos);
  CHECK(refusal("colour", "red").find("mode, topk, bitrate, gate, transmit, moderated, queue, time") !=
        std::string::npos);
}

TEST_CASE("floor settings: moderated on|off, queue policy, speaking time") {
  PlenarySettings s;
  s = changed(s, "moderated", "on");
  CHECK(s.moderated);
  s = changed(s, "queue", "first-time-first");
  CHECK(s.queue == QueuePolicy::FirstTimeFirst);
  s = changed(s, "time", "90");
  CHECK(s.time_limit_s == 90U);
  const config::PlenaryConfig defaults;
  CHECK(describe_setting(s, defaults, "moderated") == "moderated on");
  CHECK(describe_setting(s, defaults, "queue") == "queue first-time-first");
  CHECK(describe_setting(s, defaults, "time") == "time 90 s");
  s = changed(s, "moderated", "off");
  s = changed(s, "time", "0");
  CHECK(describe_setting(s, defaults, "time") == "time none");
  CHECK(refusal("moderated", "yes").find("on or off") != std::string::npos);
  CHECK(refusal("queue", "random").find("fifo or first-time-first") != std::string::npos);
  CHECK(refusal("time", "86401").find("0 (no limit) to 86400") != std::string::npos);
}

TEST_CASE("descriptions say where a value comes from") {
  config::PlenaryConfig defaults;
  defaults.mode = config::ListenerMode::TopK;
  PlenarySettings s;
  CHECK(describe_setting(s, defaults, "mode") == "mode topk (server default)");
  CHECK(describe_setting(s, defaults, "gate") == "gate -50 dBFS (server default)");
  s.mix_bitrate_bps = 24000;
  CHECK(describe_setting(s, defaults, "bitrate") == "bitrate 24000 bit/s");
  s.mode = config::ListenerMode::Mix;
  CHECK(describe_setting(s, defaults, "mode") == "mode mix");
}

TEST_CASE("chairs hold MuteDeafen, admins Write, in the channel itself") {
  StateFixture f;
  const ChannelId hall = f.channel(kRootChannel, "Hall");
  const ChannelId annex = f.channel(kRootChannel, "Annex");
  const SessionId chair = f.user("chair", hall, 5);
  const SessionId admin = f.user("admin", hall, 6);
  const SessionId member = f.user("member", hall);
  AclEntry chairs;
  chairs.user_id = 5;
  chairs.grant = Permission::MuteDeafen;
  AclEntry writers;
  writers.user_id = 6;
  writers.grant = Permission::Write;
  REQUIRE(f.state.channels().set_access(hall, true, {chairs, writers}, {}));
  CHECK(has_role(f.state, member, hall, PlenaryRole::Member));
  CHECK_FALSE(has_role(f.state, member, hall, PlenaryRole::Chair));
  CHECK(has_role(f.state, chair, hall, PlenaryRole::Chair));
  CHECK_FALSE(has_role(f.state, chair, hall, PlenaryRole::Admin));
  CHECK_FALSE(has_role(f.state, chair, annex, PlenaryRole::Chair));
  CHECK(has_role(f.state, admin, hall, PlenaryRole::Admin));
  CHECK(has_role(f.state, admin, hall, PlenaryRole::Chair));  // Write implies MuteDeafen
  CHECK_FALSE(has_role(f.state, 999, hall, PlenaryRole::Member));
}

TEST_CASE("queue policies by name") {
  CHECK(parse_queue_policy("fifo") == QueuePolicy::Fifo);
  CHECK(parse_queue_policy("first-time-first") == QueuePolicy::FirstTimeFirst);
  CHECK_FALSE(parse_queue_policy("random"));
  CHECK(to_string(QueuePolicy::FirstTimeFirst) == "first-time-first");
}

}  // TEST_SUITE
