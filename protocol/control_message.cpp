#include "protocol/control_message.hpp"

#include <climits>
#include <stdexcept>
#include <string>
#include <utility>

namespace plenum::protocol {
namespace {

// boost's error_category has a protected non-virtual destructor by design; categories are
// static objects never deleted through a base pointer (boost silences this warning too).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class ControlErrorCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "plenum.control_message"; }
  std::string message(int value) const override {
    switch (static_cast<ControlError>(value)) {
      case ControlError::UnknownType:
        return "unknown control message type";
      case ControlError::Undecodable:
        return "control message payload does not parse (or lacks a required field)";
    }
    return "unknown control message error";
  }
};
#pragma GCC diagnostic pop

template <std::size_t Index>
Result<ControlMessage> parse_as(ByteView payload) {
  using Message = std::variant_alternative_t<Index, ControlMessage>;
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) return ControlError::Undecodable;
  Message msg;
  // A message missing a proto2 required field is dropped by Mumble's ParseFromArray and by
  // every client, so we refuse it too. The partial parse plus IsInitialized() is the same test
  // without libprotobuf logging an ERROR line for each such message a peer sends.
  if (!msg.ParsePartialFromArray(payload.data(), static_cast<int>(payload.size())) ||
      !msg.IsInitialized()) {
    return ControlError::Undecodable;
  }
  return ControlMessage{std::in_place_index<Index>, std::move(msg)};
}

template <>
Result<ControlMessage> parse_as<static_cast<std::size_t>(MessageType::UDPTunnel)>(
    ByteView payload) {
  return ControlMessage{TunnelPacket{Bytes(payload.begin(), payload.end())}};
}

}  // namespace

const boost::system::error_category& control_error_category() noexcept {
  static const ControlErrorCategory category;
  return category;
}

std::string_view to_string(MessageType type) noexcept {
  switch (type) {
#define PLENUM_CONTROL_NAME(id, name, type) \
  case MessageType::name:                   \
    return #name;
    PLENUM_CONTROL_MESSAGES(PLENUM_CONTROL_NAME)
#undef PLENUM_CONTROL_NAME
  }
  return "Unknown";
}

std::optional<MessageType> message_type_from_wire(std::uint16_t id) noexcept {
  // Ids are dense from 0 (checked against the variant in the header).
  if (id >= kMessageTypeCount) return std::nullopt;
  return static_cast<MessageType>(id);
}

Result<ControlMessage> decode_control_message(std::uint16_t type, ByteView payload) {
  const std::optional<MessageType> known = message_type_from_wire(type);
  if (!known) return ControlError::UnknownType;
  switch (*known) {
#define PLENUM_CONTROL_DECODE(id, name, type) \
  case MessageType::name:                     \
    return parse_as<id>(payload);
    PLENUM_CONTROL_MESSAGES(PLENUM_CONTROL_DECODE)
#undef PLENUM_CONTROL_DECODE
  }
  return ControlError::UnknownType;
}

namespace detail {

void append_protobuf_frame(Bytes& out, MessageType type, const google::protobuf::MessageLite& msg) {
  const std::size_t size = msg.ByteSizeLong();
  if (size > kMaxFramePayload) {
    throw std::length_error(std::string{to_string(type)} + " of " + std::to_string(size) +
                            " bytes exceeds the control frame limit");
  }
  const std::size_t offset = out.size();
  out.resize(offset + kFrameHeaderSize + size);
  put_frame_header(MutableByteView{out}.subspan(offset), static_cast<std::uint16_t>(type),
                   static_cast<std::uint32_t>(size));
  // ByteSizeLong() cached the sizes; serialize straight into the frame, no temporary string.
  msg.SerializeWithCachedSizesToArray(
      reinterpret_cast<std::uint8_t*>(out.data() + offset + kFrameHeaderSize));
}

}  // namespace detail

void append_frame(Bytes& out, const TunnelPacket& tunnel) {
  append_frame(out, static_cast<std::uint16_t>(MessageType::UDPTunnel), tunnel.packet);
}

void append_frame(Bytes& out, const ControlMessage& msg) {
  std::visit([&out](const auto& alternative) { append_frame(out, alternative); }, msg);
}

Bytes encode_frame(const TunnelPacket& tunnel) {
  return encode_tunnel_frame(tunnel.packet);
}

Bytes encode_frame(const ControlMessage& msg) {
  Bytes out;
  append_frame(out, msg);
  return out;
}

Bytes encode_tunnel_frame(ByteView voice_packet) {
  Bytes out;
  out.reserve(kFrameHeaderSize + voice_packet.size());
  append_frame(out, static_cast<std::uint16_t>(MessageType::UDPTunnel), voice_packet);
  return out;
}

}  // namespace plenum::protocol
