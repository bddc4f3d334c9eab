#include "server/control/persistence.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace plenum::server;

TEST_SUITE("control.persistence") {
  TEST_CASE("stored listeners come back on their accounts, with their volumes") {
    store::StoredState stored;
    stored.channels = {{0, std::nullopt, "Root", "", 0, 0, false}, {1, 0, "Hall", "", 0, 0, true},
                       {2, 0, "Annex", "", 0, 0, true}};
    stored.users = {{0, "SuperUser", "", "", std::nullopt, std::nullopt},
                    {7, "alice", "", "", std::nullopt, std::nullopt}};
    stored.listeners = {{7, 1, 0.5F},
                        {7, 2, std::numeric_limits<float>::quiet_NaN()},  // edited by hand
                        {7, 9, 2.0F},                                       // no such channel
                        {8, 1, 2.0F}};                                      // no such user
    const auto loaded = control::load_state(stored, config::ServerConfig{});
    const state::Account* alice = loaded.accounts.find(7);
    REQUIRE(alice != nullptr);
    CHECK(alice->listening.size() == 2);
    CHECK(alice->listening.volume(1) == 0.5F);
    CHECK(alice->listening.contains(2));
    CHECK(alice->listening.volume(2) == 1.0F);
    CHECK(loaded.accounts.find(0)->listening.empty());
  }

  TEST_CASE("plenary settings round-trip through records, values edited out of range are dropped") {
    state::Channel hall;
    hall.id = 1;
    hall.plenary.mode = config::ListenerMode::Mix;
    hall.plenary.topk = 7;
    hall.plenary.mix_bitrate_bps = 12000;
    hall.plenary.gate_db_below_full_scale = 40;
    hall.plenary.transmit = config::TransmitPolicy::Auto;
    hall.plenary.moderated = true;
    hall.plenary.queue = state::QueuePolicy::FirstTimeFirst;
    hall.plenary.time_limit_s = 90;
    const auto record = control::plenary_record(hall);
    CHECK(record.mode == "mix");
    CHECK(record.transmit == "auto");
    CHECK(record.queue == "first-time-first");
    CHECK(control::plenary_settings(record) == hall.plenary);

    store::PlenaryRecord edited;
    edited.channel_id = 1;
    edited.mode = "loud";
    edited.topk = 33;
    edited.mix_bitrate_bps = 5999;
    edited.gate_db = 91;
    edited.transmit = "shout";
    edited.queue = "random";
    CHECK(control::plenary_settings(edited) == state::PlenarySettings{});

    store::StoredState stored;
    stored.channels = {{0, std::nullopt, "Root", "", 0, 0, false}, {1, 0, "Hall", "", 0, 0, true}};
    stored.plenary = {record, store::PlenaryRecord{9, "all", {}, {}, {}, {}, false, "fifo", 0}};  // 9: gone
    const auto loaded = control::load_state(stored, config::ServerConfig{});
    CHECK(loaded.state.channels().find(1)->plenary == hall.plenary);
    CHECK(loaded.state.channels().find(0)->plenary == state::PlenarySettings{});
  }
}
