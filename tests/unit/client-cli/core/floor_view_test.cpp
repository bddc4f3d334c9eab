#include "client-cli/core/floor_view.hpp"

#include <doctest/doctest.h>

#include <google/protobuf/unknown_field_set.h>

namespace plenum::client {
namespace {

// A ChannelState with field 1100 built the way the server builds it (floor_control.cpp).
MumbleProto::ChannelState with_floor(std::uint32_t channel_id, const MumbleProto::PlenumFloor& floor) {
  MumbleProto::ChannelState state;
  state.set_channel_id(channel_id);
  state.GetReflection()->MutableUnknownFields(&state)->AddLengthDelimited(kPlenumFloorField,
                                                                          floor.SerializeAsString());
  return state;
}

MumbleProto::PlenumFloor sample_floor() {
  MumbleProto::PlenumFloor floor;
  floor.add_holders(7);
  auto* first = floor.add_queue();
  first->set_session(9);
  first->set_point_of_order(true);
  auto* second = floor.add_queue();
  second->set_session(4);
  second->set_topic("budget");
  auto* poll = floor.mutable_poll();
  poll->set_question("Adopt?");
  poll->add_options("yes");
  poll->add_options("no");
  poll->set_votes(3);
  return floor;
}

TEST_SUITE("client-cli") {
  TEST_CASE("floor view reads holder, queue and poll from ChannelState field 1100 after a wire round trip") {
    // Through the wire bytes, so the field arrives as an unknown field as it does from the server.
    MumbleProto::ChannelState received;
    REQUIRE(received.ParseFromString(with_floor(5, sample_floor()).SerializeAsString()));
    FloorView view;
    REQUIRE(view.apply(received));
    const auto* floor = view.floor(5);
    REQUIRE(floor != nullptr);
    REQUIRE(floor->holders_size() == 1);
    CHECK(floor->holders(0) == 7);
    REQUIRE(floor->queue_size() == 2);
    CHECK(floor->queue(0).point_of_order());
    CHECK(floor->queue(1).topic() == "budget");
    CHECK(view.position_of(5, 9) == 1);
    CHECK(view.position_of(5, 4) == 2);
    CHECK(view.position_of(5, 7) == 0);
    CHECK(floor->poll().question() == "Adopt?");
    CHECK(floor->poll().options_size() == 2);
    CHECK(view.floor(6) == nullptr);
  }

  TEST_CASE("floor view replaces the floor on each delta and forgets removed channels") {
    FloorView view;
    REQUIRE(view.apply(with_floor(5, sample_floor())));
    MumbleProto::PlenumFloor lowered;
    lowered.add_holders(7);
    REQUIRE(view.apply(with_floor(5, lowered)));
    CHECK(view.floor(5)->queue_size() == 0);
    CHECK(view.position_of(5, 9) == 0);
    MumbleProto::ChannelRemove remove;
    remove.set_channel_id(5);
    view.apply(remove);
    CHECK(view.floor(5) == nullptr);
  }

  TEST_CASE("floor view ignores a ChannelState without the field and drops a malformed one") {
    FloorView view;
    MumbleProto::ChannelState plain;
    plain.set_channel_id(5);
    plain.set_name("Plenary");
    CHECK_FALSE(view.apply(plain));
    MumbleProto::ChannelState bad;
    bad.set_channel_id(5);
    // 0x0a 0x05 promises 5 bytes of field 1 that are not there: not a valid PlenumFloor.
    bad.GetReflection()->MutableUnknownFields(&bad)->AddLengthDelimited(kPlenumFloorField,
                                                                        std::string("\x0a\x05", 2));
    CHECK_FALSE(view.apply(bad));
    MumbleProto::ChannelState varint;
    varint.set_channel_id(5);
    varint.GetReflection()->MutableUnknownFields(&varint)->AddVarint(kPlenumFloorField, 1);
    CHECK_FALSE(view.apply(varint));
    CHECK(view.floor(5) == nullptr);
  }
}

}  // namespace
}  // namespace plenum::client
