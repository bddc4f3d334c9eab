#include "server/state/listened_channels.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <utility>
#include <vector>

using namespace plenum::server::state;

TEST_SUITE("state.listeners") {
  TEST_CASE("a listened channel starts at 1.0 and keeps the volume set for it") {
    ListenedChannels listening;
    CHECK(listening.insert(4));
    CHECK_FALSE(listening.insert(4, 2.0F));  // already listening: unchanged
    CHECK(listening.volume(4) == 1.0F);
    CHECK(listening.set_volume(4, 0.5F));
    CHECK(listening.volume(4) == 0.5F);
    CHECK(listening.insert(2, 2.0F));
    std::vector<std::pair<ChannelId, float>> all(listening.begin(), listening.end());
    CHECK(all == std::vector<std::pair<ChannelId, float>>{{2, 2.0F}, {4, 0.5F}});
  }

  TEST_CASE("the volume goes with the listener: listening again starts at 1.0") {
    ListenedChannels listening{7};
    REQUIRE(listening.set_volume(7, 4.0F));
    CHECK(listening.erase(7));
    CHECK_FALSE(listening.erase(7));
    CHECK(listening.volume(7) == 1.0F);
    CHECK(listening.insert(7));
    CHECK(listening.volume(7) == 1.0F);
  }

  TEST_CASE("a volume for a channel not listened to is refused") {
    ListenedChannels listening{1};
    CHECK_FALSE(listening.set_volume(9, 0.5F));
    CHECK_FALSE(listening.contains(9));
    CHECK(listening.volume(9) == 1.0F);
    CHECK(listening.size() == 1);
  }

  TEST_CASE("factors outside Mumble's -30..+30 dB, 0 and non-finite ones are refused") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    for (const float bad : {0.0F, -0.5F, -0.0F, 0.03F, 33.0F, nan, inf, -inf,
                            std::numeric_limits<float>::denorm_min()}) {
      INFO("factor ", bad);
      CHECK_FALSE(valid_listener_volume(bad));
      ListenedChannels listening{3};
      REQUIRE(listening.set_volume(3, 2.0F));
      CHECK_FALSE(listening.set_volume(3, bad));
      CHECK(listening.volume(3) == 2.0F);
      CHECK(listening.insert(5, bad));  // listening starts anyway, at 1.0
      CHECK(listening.volume(5) == 1.0F);
    }
    for (const float good : {kMinListenerVolume, 0.5F, 1.0F, 1.4142F, kMaxListenerVolume}) {
      CHECK(valid_listener_volume(good));
    }
  }
}
