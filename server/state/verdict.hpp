// The outcome of a permission decision (who may do what), as plain data the control plane turns
// into messages on its thread: allowed, refused with a PermissionDenied, or ignored without an
// answer (Murmur drops requests naming unknown ids or changing nothing).
#pragma once

#include "server/state/ids.hpp"
#include "server/state/permission.hpp"

#include <cstdint>
#include <optional>

namespace plenum::server::state {

// Values of MumbleProto::PermissionDenied::DenyType, so a static_cast converts.
enum class DenyType : std::uint8_t {
  Text = 0,
  Permission = 1,  // `permission` missing in `channel` for `session`
  SuperUser = 2,
  ChannelName = 3,
  TextTooLong = 4,
  H9K = 5,
  TemporaryChannel = 6,
  MissingCertificate = 7,
  UserName = 8,
  ChannelFull = 9,
  NestingLimit = 10,
  ChannelCountLimit = 11,
  ChannelListenerLimit = 12,
  UserListenerLimit = 13,
};

struct Denial {
  DenyType type = DenyType::Permission;
  Permissions permission;            // DenyType::Permission: the bits that were missing
  std::optional<ChannelId> channel;  // where they were missing
  std::optional<SessionId> session;  // whose they were (the actor or the target)

  bool operator==(const Denial&) const = default;
};

class Verdict {
 public:
  enum class Kind : std::uint8_t { Allowed, Denied, Ignored };

  static Verdict allow() noexcept { return Verdict{Kind::Allowed, {}}; }
  static Verdict ignore() noexcept { return Verdict{Kind::Ignored, {}}; }
  static Verdict deny(Denial denial) noexcept { return Verdict{Kind::Denied, denial}; }
  static Verdict deny(DenyType type, std::optional<SessionId> session = std::nullopt) noexcept {
    return deny(Denial{type, {}, std::nullopt, session});
  }
  static Verdict missing(Permissions permission, ChannelId channel, SessionId who) noexcept {
    return deny(Denial{DenyType::Permission, permission, channel, who});
  }

  Kind kind() const noexcept { return kind_; }
  bool allowed() const noexcept { return kind_ == Kind::Allowed; }
  bool denied() const noexcept { return kind_ == Kind::Denied; }
  bool ignored() const noexcept { return kind_ == Kind::Ignored; }
  const Denial& denial() const noexcept { return denial_; }  // meaningful when denied()

  bool operator==(const Verdict&) const = default;

 private:
  Verdict(Kind kind, Denial denial) noexcept : kind_{kind}, denial_{denial} {}

  Kind kind_;
  Denial denial_;
};

}  // namespace plenum::server::state
