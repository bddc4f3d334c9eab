// ControlMessage: every TCP control message as one variant, decoded from and encoded into
// frames. The list below is the single source of the 27 type ids; values only, no state.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/control_frame.hpp"

#include "Mumble.pb.h"

#include <boost/system/error_code.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

namespace plenum::protocol {

// UDPTunnel's frame payload is a bare voice packet (legacy or protobuf UDP format, no crypto
// header), not the MumbleProto::UDPTunnel message its id suggests (MUMBLE_PROTOCOL.md §6).
struct TunnelPacket {
  Bytes packet;
  bool operator==(const TunnelPacket&) const = default;
};

// X(id, name, payload type). Append-only: ids are the wire contract and must stay dense,
// because the variant index of each payload type equals its id.
#define PLENUM_CONTROL_MESSAGES(X)                                   \
  X(0, Version, MumbleProto::Version)                                \
  X(1, UDPTunnel, ::plenum::protocol::TunnelPacket)                  \
  X(2, Authenticate, MumbleProto::Authenticate)                      \
  X(3, Ping, MumbleProto::Ping)                                      \
  X(4, Reject, MumbleProto::Reject)                                  \
  X(5, ServerSync, MumbleProto::ServerSync)                          \
  X(6, ChannelRemove, MumbleProto::ChannelRemove)                    \
  X(7, ChannelState, MumbleProto::ChannelState)                      \
  X(8, UserRemove, MumbleProto::UserRemove)                          \
  X(9, UserState, MumbleProto::UserState)                            \
  X(10, BanList, MumbleProto::BanList)                               \
  X(11, TextMessage, MumbleProto::TextMessage)                       \
  X(12, PermissionDenied, MumbleProto::PermissionDenied)             \
  X(13, ACL, MumbleProto::ACL)                                       \
  X(14, QueryUsers, MumbleProto::QueryUsers)                         \
  X(15, CryptSetup, MumbleProto::CryptSetup)                         \
  X(16, ContextActionModify, MumbleProto::ContextActionModify)       \
  X(17, ContextAction, MumbleProto::ContextAction)                   \
  X(18, UserList, MumbleProto::UserList)                             \
  X(19, VoiceTarget, MumbleProto::VoiceTarget)                       \
  X(20, PermissionQuery, MumbleProto::PermissionQuery)               \
  X(21, CodecVersion, MumbleProto::CodecVersion)                     \
  X(22, UserStats, MumbleProto::UserStats)                           \
  X(23, RequestBlob, MumbleProto::RequestBlob)                       \
  X(24, ServerConfig, MumbleProto::ServerConfig)                     \
  X(25, SuggestConfig, MumbleProto::SuggestConfig)                   \
  X(26, PluginDataTransmission, MumbleProto::PluginDataTransmission)

enum class MessageType : std::uint16_t {
#define PLENUM_CONTROL_ENUMERATOR(id, name, type) name = id,
  PLENUM_CONTROL_MESSAGES(PLENUM_CONTROL_ENUMERATOR)
#undef PLENUM_CONTROL_ENUMERATOR
};

#define PLENUM_CONTROL_COUNT(id, name, type) +1
inline constexpr std::size_t kMessageTypeCount = 0 PLENUM_CONTROL_MESSAGES(PLENUM_CONTROL_COUNT);
#undef PLENUM_CONTROL_COUNT

// "UserState"; "Unknown" for a value outside the list.
std::string_view to_string(MessageType type) noexcept;
// nullopt for ids this list does not know (newer peers); Mumble ignores those frames.
std::optional<MessageType> message_type_from_wire(std::uint16_t id) noexcept;

// MessageTypeOf<MumbleProto::UserState>::value == MessageType::UserState. Deliberately
// undefined for MumbleProto::UDPTunnel: the tunnel is sent as TunnelPacket.
template <class M>
struct MessageTypeOf;
#define PLENUM_CONTROL_TRAIT(id, name, type)                  \
  template <>                                                 \
  struct MessageTypeOf<type> {                                \
    static constexpr MessageType value = MessageType::name;   \
  };
PLENUM_CONTROL_MESSAGES(PLENUM_CONTROL_TRAIT)
#undef PLENUM_CONTROL_TRAIT

// A protobuf message that travels as its own control frame type.
template <class M>
concept ControlProtobuf = std::derived_from<M, google::protobuf::MessageLite> &&
                          requires { MessageTypeOf<M>::value; };

namespace detail {
struct NoMessage {};
template <class V>
struct DropFirstAlternative;
template <class First, class... Rest>
struct DropFirstAlternative<std::variant<First, Rest...>> {
  using type = std::variant<Rest...>;
};
}  // namespace detail

// Variant index == type id, so type_of() is index() and decoding picks the alternative by id.
#define PLENUM_CONTROL_ALTERNATIVE(id, name, type) , type
using ControlMessage = detail::DropFirstAlternative<std::variant<
    detail::NoMessage PLENUM_CONTROL_MESSAGES(PLENUM_CONTROL_ALTERNATIVE)>>::type;
#undef PLENUM_CONTROL_ALTERNATIVE

#define PLENUM_CONTROL_CHECK_INDEX(id, name, type)                                  \
  static_assert(std::is_same_v<std::variant_alternative_t<id, ControlMessage>, type>, \
                "ControlMessage alternative " #id " must be " #name);
PLENUM_CONTROL_MESSAGES(PLENUM_CONTROL_CHECK_INDEX)
#undef PLENUM_CONTROL_CHECK_INDEX
static_assert(std::variant_size_v<ControlMessage> == kMessageTypeCount);

inline MessageType type_of(const ControlMessage& msg) noexcept {
  return static_cast<MessageType>(msg.index());
}

enum class ControlError {
  UnknownType = 1,  // the frame's type id is not in the list
  Undecodable,      // protobuf parse failed, including a missing proto2 required field
};

const boost::system::error_category& control_error_category() noexcept;

inline boost::system::error_code make_error_code(ControlError e) noexcept {
  return {static_cast<int>(e), control_error_category()};
}

// Decodes one frame's payload. A tunnel payload is copied as is; its format is the voice
// plane's business. Unknown protobuf fields (newer peers, Plenum's >= 1000) are kept.
Result<ControlMessage> decode_control_message(std::uint16_t type, ByteView payload);
inline Result<ControlMessage> decode_control_message(const FrameView& frame) {
  return decode_control_message(frame.type, frame.payload);
}

namespace detail {
// Serializes msg straight behind a frame header written in place at the end of out.
void append_protobuf_frame(Bytes& out, MessageType type, const google::protobuf::MessageLite& msg);
}  // namespace detail

// Encoders append one complete frame (header + payload). They throw std::length_error for a
// payload above kMaxFramePayload (a bug of ours: e.g. an unchecked huge texture).
template <ControlProtobuf M>
void append_frame(Bytes& out, const M& msg) {
  detail::append_protobuf_frame(out, MessageTypeOf<M>::value, msg);
}
void append_frame(Bytes& out, const TunnelPacket& tunnel);
void append_frame(Bytes& out, const ControlMessage& msg);

template <ControlProtobuf M>
Bytes encode_frame(const M& msg) {
  Bytes out;
  append_frame(out, msg);
  return out;
}
Bytes encode_frame(const TunnelPacket& tunnel);
Bytes encode_frame(const ControlMessage& msg);

// The UDPTunnel frame around one plaintext voice packet, without a TunnelPacket copy.
Bytes encode_tunnel_frame(ByteView voice_packet);

}  // namespace plenum::protocol

template <>
struct boost::system::is_error_code_enum<plenum::protocol::ControlError> : std::true_type {};
