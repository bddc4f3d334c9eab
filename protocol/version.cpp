#include "protocol/version.hpp"

#include "Mumble.pb.h"

namespace plenum::protocol {

Version version_of(const MumbleProto::Version& msg) {
  // Mumble prefers v2 whenever present, even over a disagreeing v1 (src/ProtoUtils.cpp).
  if (msg.has_version_v2()) return from_v2(msg.version_v2());
  if (msg.has_version_v1()) return from_v1(msg.version_v1());
  return {};
}

void set_version(MumbleProto::Version& msg, Version v) {
  msg.set_version_v1(to_v1(v));
  msg.set_version_v2(to_v2(v));
}

UdpFormat udp_format_for(Version peer) {
  return peer >= kFirstProtobufUdpVersion ? UdpFormat::Protobuf : UdpFormat::Legacy;
}

std::string to_string(Version v) {
  return std::to_string(v.major) + '.' + std::to_string(v.minor) + '.' + std::to_string(v.patch);
}

}  // namespace plenum::protocol
