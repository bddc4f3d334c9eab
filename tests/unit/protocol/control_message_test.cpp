#include "protocol/control_message.hpp"

#include "protocol/version.hpp"

#include <google/protobuf/util/message_differencer.h>

#include "tests/unit/protocol/voice_fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

using namespace plenum::protocol;
using google::protobuf::util::MessageDifferencer;

static_assert(MessageTypeOf<MumbleProto::Version>::value == MessageType::Version);
static_assert(MessageTypeOf<TunnelPacket>::value == MessageType::UDPTunnel);
static_assert(MessageTypeOf<MumbleProto::UserState>::value == MessageType::UserState);
static_assert(MessageTypeOf<MumbleProto::PluginDataTransmission>::value ==
              MessageType::PluginDataTransmission);
static_assert(ControlProtobuf<MumbleProto::CodecVersion>);
// The protobuf UDPTunnel message must never be framed: its payload would not be a voice packet.
static_assert(!ControlProtobuf<MumbleProto::UDPTunnel>);
static_assert(!ControlProtobuf<MumbleProto::UserState::VolumeAdjustment>);
static_assert(std::is_same_v<std::variant_alternative_t<9, ControlMessage>, MumbleProto::UserState>);

namespace {

using plenum::protocol::testing::hex;

// A frame built by hand, independent of the encoder under test.
Bytes frame(std::uint16_t type, const Bytes& payload) {
  const auto n = static_cast<std::uint32_t>(payload.size());
  Bytes out{std::byte(type >> 8), std::byte(type & 0xFF), std::byte(n >> 24),
            std::byte((n >> 16) & 0xFF), std::byte((n >> 8) & 0xFF), std::byte(n & 0xFF)};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// Encodes msg, checks the frame bytes, decodes the payload back and compares the messages.
template <class M>
void check_known_answer(const M& msg, std::string_view payload_hex) {
  const Bytes payload = hex(payload_hex);
  const auto type = static_cast<std::uint16_t>(MessageTypeOf<M>::value);
  CHECK(encode_frame(msg) == frame(type, payload));
  auto decoded = decode_control_message(type, payload);
  REQUIRE(decoded.has_value());
  REQUIRE(std::holds_alternative<M>(*decoded));
  CHECK(MessageDifferencer::Equals(std::get<M>(*decoded), msg));
}

constexpr std::array<std::string_view, 27> kNames{
    "Version",          "UDPTunnel",       "Authenticate",        "Ping",
    "Reject",           "ServerSync",      "ChannelRemove",       "ChannelState",
    "UserRemove",       "UserState",       "BanList",             "TextMessage",
    "PermissionDenied", "ACL",             "QueryUsers",          "CryptSetup",
    "ContextActionModify", "ContextAction", "UserList",           "VoiceTarget",
    "PermissionQuery",  "CodecVersion",    "UserStats",           "RequestBlob",
    "ServerConfig",     "SuggestConfig",   "PluginDataTransmission"};

// Sets random values on a random subset of fields (always the required ones), recursively.
void fill_random(google::protobuf::Message& msg, std::mt19937& rng) {
  using google::protobuf::FieldDescriptor;
  const auto* descriptor = msg.GetDescriptor();
  const auto* reflection = msg.GetReflection();
  auto pick = [&rng](auto lo, auto hi) {
    return std::uniform_int_distribution<decltype(lo)>{lo, hi}(rng);
  };
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const int count = field->is_repeated() ? pick(0, 3) : (field->is_required() || pick(0, 1));
    for (int n = 0; n < count; ++n) {
      const bool add = field->is_repeated();
      switch (field->cpp_type()) {
#define PLENUM_RANDOM_SCALAR(CPPTYPE, Name, type)                                 \
  case FieldDescriptor::CPPTYPE:                                                  \
    add ? reflection->Add##Name(&msg, field, pick(std::numeric_limits<type>::min(), \
                                                  std::numeric_limits<type>::max())) \
        : reflection->Set##Name(&msg, field, pick(std::numeric_limits<type>::min(), \
                                                  std::numeric_limits<type>::max())); \
    break;
        PLENUM_RANDOM_SCALAR(CPPTYPE_INT32, Int32, std::int32_t)
        PLENUM_RANDOM_SCALAR(CPPTYPE_INT64, Int64, std::int64_t)
        PLENUM_RANDOM_SCALAR(CPPTYPE_UINT32, UInt32, std::uint32_t)
        PLENUM_RANDOM_SCALAR(CPPTYPE_UINT64, UInt64, std::uint64_t)
#undef PLENUM_RANDOM_SCALAR
        case FieldDescriptor::CPPTYPE_FLOAT: {
          const auto value = static_cast<float>(pick(-100000, 100000)) / 8.0f;
          add ? reflection->AddFloat(&msg, field, value) : reflection->SetFloat(&msg, field, value);
          break;
        }
        case FieldDescriptor::CPPTYPE_DOUBLE: {
          const double value = pick(-100000, 100000) / 8.0;
          add ? reflection->AddDouble(&msg, field, value) : reflection->SetDouble(&msg, field, value);
          break;
        }
        case FieldDescriptor::CPPTYPE_BOOL:
          add ? reflection->AddBool(&msg, field, pick(0, 1) == 1)
              : reflection->SetBool(&msg, field, pick(0, 1) == 1);
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          const auto* values = field->enum_type();
          const auto* value = values->value(pick(0, values->value_count() - 1));
          add ? reflection->AddEnum(&msg, field, value) : reflection->SetEnum(&msg, field, value);
          break;
        }
        case FieldDescriptor::CPPTYPE_STRING: {
          std::string value(static_cast<std::size_t>(pick(0, 40)), ' ');
          for (char& c : value) c = static_cast<char>(pick(0x20, 0x7E));  // valid UTF-8
          add ? reflection->AddString(&msg, field, value)
              : reflection->SetString(&msg, field, value);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          fill_random(add ? *reflection->AddMessage(&msg, field)
                          : *reflection->MutableMessage(&msg, field),
                      rng);
          break;
      }
    }
  }
}

// One random message of the alternative Index through encode_frame, a FrameReader fed in
// random chunks and decode_control_message, compared with what went in.
template <std::size_t Index>
void round_trip_random(std::mt19937& rng) {
  using Message = std::variant_alternative_t<Index, ControlMessage>;
  Message original;
  if constexpr (std::is_same_v<Message, TunnelPacket>) {
    original.packet.resize(std::uniform_int_distribution<std::size_t>{0, 1024}(rng));
    for (auto& b : original.packet) b = static_cast<std::byte>(rng() & 0xFF);
  } else {
    fill_random(original, rng);
  }
  const Bytes stream = encode_frame(original);

  FrameReader reader;
  std::optional<FrameView> got;
  for (std::size_t pos = 0; pos < stream.size() && !got;) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 64, stream.size() - pos);
    reader.feed(ByteView{stream}.subspan(pos, n));
    pos += n;
    auto next = reader.next();
    REQUIRE(next.has_value());
    got = *next;
  }
  REQUIRE(got.has_value());
  CHECK(got->type == Index);
  auto decoded = decode_control_message(*got);
  REQUIRE(decoded.has_value());
  REQUIRE(decoded->index() == Index);
  if constexpr (std::is_same_v<Message, TunnelPacket>) {
    CHECK(std::get<Index>(*decoded) == original);
  } else {
    CHECK(MessageDifferencer::Equals(std::get<Index>(*decoded), original));
  }
}

}  // namespace

TEST_SUITE("protocol.control_message") {
  TEST_CASE("the list has the 27 ids and names of MUMBLE_PROTOCOL.md §1.3") {
    CHECK(kMessageTypeCount == 27);
    for (std::uint16_t id = 0; id < 27; ++id) {
      CAPTURE(id);
      const auto type = message_type_from_wire(id);
      REQUIRE(type.has_value());
      CHECK(static_cast<std::uint16_t>(*type) == id);
      CHECK(to_string(*type) == kNames[id]);
    }
    CHECK_FALSE(message_type_from_wire(27).has_value());
    CHECK_FALSE(message_type_from_wire(0xFFFF).has_value());
    CHECK(to_string(static_cast<MessageType>(200)) == "Unknown");
  }

  TEST_CASE("known answers of MUMBLE_PROTOCOL.md §9.3") {
    MumbleProto::Version v134;
    v134.set_version_v1(0x010304);
    CHECK(encode_frame(v134) == hex("00 00 00 00 00 04 08 84 86 04"));

    MumbleProto::Version v150;
    set_version(v150, {1, 5, 0});
    v150.set_release("1.5.0");
    v150.set_os("Linux");
    v150.set_os_version("6");
    check_known_answer(v150,
                       "08 80 8a 04 12 05 31 2e 35 2e 30 1a 05 4c 69 6e 75 78 22 01 36 "
                       "28 80 80 80 80 d0 80 40");

    MumbleProto::Authenticate auth;
    auth.set_username("alice");
    auth.set_opus(true);
    CHECK(encode_frame(auth) == hex("00 02 00 00 00 09 0a 05 61 6c 69 63 65 28 01"));

    MumbleProto::Ping ping;
    ping.set_timestamp(999);
    CHECK(encode_frame(ping) == hex("00 03 00 00 00 03 08 e7 07"));

    MumbleProto::CodecVersion codec;
    codec.set_alpha(static_cast<std::int32_t>(0x8000000bu));
    codec.set_beta(0);
    codec.set_prefer_alpha(true);
    codec.set_opus(true);
    check_known_answer(codec, "08 8b 80 80 80 f8 ff ff ff ff 01 10 00 18 01 20 01");

    // §9.3 writes 0x0808070E but its bytes encode 134742798 (= 0x0808030E, the decimal of
    // §2.14); protoc gives 8e 8e a0 40 for 0x0808070E. Both checked.
    MumbleProto::ServerSync sync;
    sync.set_session(1);
    sync.set_max_bandwidth(72000);
    sync.set_welcome_text("Hi");
    sync.set_permissions(134742798);
    check_known_answer(sync, "08 01 10 c0 b2 04 1a 02 48 69 20 8e 86 a0 40");
    sync.set_permissions(0x0808070E);
    check_known_answer(sync, "08 01 10 c0 b2 04 1a 02 48 69 20 8e 8e a0 40");

    MumbleProto::ChannelState root;
    root.set_channel_id(0);
    root.set_name("Root");
    root.set_position(0);
    root.set_max_users(0);
    check_known_answer(root, "08 00 1a 04 52 6f 6f 74 48 00 58 00");

    MumbleProto::UserState user;
    user.set_session(1);
    user.set_name("alice");
    check_known_answer(user, "08 01 1a 05 61 6c 69 63 65");

    MumbleProto::VoiceTarget target;
    target.set_id(1);
    target.add_targets()->add_session(3);
    check_known_answer(target, "08 01 12 02 08 03");

    MumbleProto::PluginDataTransmission plugin;
    plugin.add_receiversessions(3);
    plugin.add_receiversessions(4);
    plugin.set_data("x");
    plugin.set_dataid("y");
    check_known_answer(plugin, "12 02 03 04 1a 01 78 22 01 79");
  }

  TEST_CASE("UDPTunnel frames carry the bare voice packet both ways") {
    const Bytes voice = hex("80 04 05 02 01 02");  // [observed 1.3.4] tunnelled packet, §6
    const Bytes expected = hex("00 01 00 00 00 06 80 04 05 02 01 02");
    CHECK(encode_tunnel_frame(voice) == expected);
    CHECK(encode_frame(TunnelPacket{voice}) == expected);

    auto decoded = decode_control_message(1, voice);
    REQUIRE(decoded.has_value());
    CHECK(type_of(*decoded) == MessageType::UDPTunnel);
    CHECK(std::get<TunnelPacket>(*decoded).packet == voice);
    CHECK(encode_frame(*decoded) == expected);

    // Not a protobuf parse: bytes that are invalid protobuf still come through untouched.
    auto garbage = decode_control_message(1, hex("ff ff ff"));
    REQUIRE(garbage.has_value());
    CHECK(std::get<TunnelPacket>(*garbage).packet == hex("ff ff ff"));
  }

  TEST_CASE("unknown type ids are reported as UnknownType") {
    for (std::uint16_t id : std::initializer_list<std::uint16_t>{27, 100, 0x7FFF, 0xFFFF}) {
      auto result = decode_control_message(id, hex("08 01"));
      REQUIRE(result.has_error());
      CHECK(result.error() == ControlError::UnknownType);
      CHECK(result.error().category() == control_error_category());
    }
  }

  TEST_CASE("malformed protobuf and missing required fields are Undecodable") {
    struct Case {
      MessageType type;
      const char* payload;
    };
    const Case cases[] = {
        {MessageType::Ping, "08"},                       // tag without value
        {MessageType::Ping, "08 80"},                    // truncated varint
        {MessageType::UserState, "1a 05 61 6c"},         // string runs past the end
        {MessageType::Version, "ff ff ff ff ff ff ff ff ff ff ff"},  // overlong varint tag
        {MessageType::Authenticate, "00"},               // field number 0
        {MessageType::TextMessage, "08 01 10 05"},       // no message (field 5)
        {MessageType::CodecVersion, "10 00 18 01 20 01"},  // no alpha
        {MessageType::CodecVersion, "08 00 10 00"},      // no prefer_alpha
        {MessageType::ChannelRemove, ""},
        {MessageType::UserRemove, "10 01"},
        {MessageType::ACL, "10 01"},
        {MessageType::ContextAction, "08 01"},
        {MessageType::ContextActionModify, "12 01 78"},
        {MessageType::BanList, "0a 03 0a 01 00"},        // BanEntry without mask
        {MessageType::UserList, "0a 02 12 00"},          // User without user_id
        {MessageType::ACL, "08 01 1a 02 10 01"},         // ChanGroup without name
    };
    for (const auto& c : cases) {
      CAPTURE(to_string(c.type));
      CAPTURE(c.payload);
      auto result = decode_control_message(static_cast<std::uint16_t>(c.type), hex(c.payload));
      REQUIRE(result.has_error());
      CHECK(result.error() == ControlError::Undecodable);
    }
  }

  TEST_CASE("an empty payload is a valid message unless a field is required") {
    const MessageType with_required[] = {
        MessageType::ChannelRemove, MessageType::UserRemove,    MessageType::TextMessage,
        MessageType::ACL,           MessageType::ContextActionModify, MessageType::ContextAction,
        MessageType::CodecVersion};
    for (std::uint16_t id = 0; id < kMessageTypeCount; ++id) {
      const auto type = static_cast<MessageType>(id);
      CAPTURE(to_string(type));
      const bool required = std::find(std::begin(with_required), std::end(with_required), type) !=
                            std::end(with_required);
      auto result = decode_control_message(id, {});
      CHECK(result.has_value() == !required);
      if (result) CHECK(type_of(*result) == type);
    }
  }

  TEST_CASE("unknown fields from newer peers decode and survive re-encoding") {
    // UserState{session 1, name "alice"} + field 1999 (varint 7), an extension we do not know.
    const Bytes payload = hex("08 01 1a 05 61 6c 69 63 65 f8 7c 07");
    auto decoded = decode_control_message(9, payload);
    REQUIRE(decoded.has_value());
    const auto& user = std::get<MumbleProto::UserState>(*decoded);
    CHECK(user.session() == 1);
    CHECK(user.name() == "alice");
    CHECK(encode_frame(*decoded) == frame(9, payload));
  }

  TEST_CASE("append_frame puts several messages into one buffer") {
    MumbleProto::Ping ping;
    ping.set_timestamp(999);
    MumbleProto::UserState user;
    user.set_session(1);
    user.set_name("alice");
    const ControlMessage as_variant{user};

    Bytes out;
    append_frame(out, ping);
    append_frame(out, TunnelPacket{hex("20 01 02")});
    append_frame(out, as_variant);
    Bytes expected = frame(3, hex("08 e7 07"));
    for (const Bytes& part :
         {frame(1, hex("20 01 02")), frame(9, hex("08 01 1a 05 61 6c 69 63 65"))}) {
      expected.insert(expected.end(), part.begin(), part.end());
    }
    CHECK(out == expected);
  }

  TEST_CASE("encoders refuse a message above the frame limit") {
    MumbleProto::UserState user;
    user.set_texture(std::string(kMaxFramePayload, 'x'));
    CHECK_THROWS_AS(encode_frame(user), std::length_error);
    Bytes out = hex("aa");
    CHECK_THROWS_AS(append_frame(out, user), std::length_error);
    CHECK(out.size() >= 1);
  }

  TEST_CASE("every message type round-trips with random field values") {
    std::mt19937 rng{31337};
    for (int round = 0; round < 50; ++round) {
      [&rng]<std::size_t... I>(std::index_sequence<I...>) {
        (round_trip_random<I>(rng), ...);
      }(std::make_index_sequence<kMessageTypeCount>{});
    }
  }

  TEST_CASE("random payloads of every type never crash and re-encode consistently") {
    std::mt19937 rng{99};
    std::uniform_int_distribution<int> byte{0, 255};
    std::size_t decoded = 0;
    for (int i = 0; i < 20000; ++i) {
      const auto type = static_cast<std::uint16_t>(byte(rng) % 30);
      Bytes payload(static_cast<std::size_t>(byte(rng) % 24));
      for (auto& b : payload) b = static_cast<std::byte>(byte(rng));
      auto result = decode_control_message(type, payload);
      if (!result) {
        CHECK((result.error() == ControlError::UnknownType) == (type >= kMessageTypeCount));
        continue;
      }
      ++decoded;
      const Bytes again = encode_frame(*result);
      auto redecoded = decode_control_message(type, ByteView{again}.subspan(kFrameHeaderSize));
      REQUIRE(redecoded.has_value());
      CHECK(encode_frame(*redecoded) == again);
    }
    CHECK(decoded > 1000);  // the loop must reach the re-encode path, not only the errors
  }
}
