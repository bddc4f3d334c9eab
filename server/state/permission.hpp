// Mumble's ACL permission bits (src/ACL.h, same values in 1.3.4 and master) and a small flag set
// over them. Plain values, computed and cached on the control-plane thread.
#pragma once

#include <cstdint>

namespace plenum::server::state {

enum class Permission : std::uint32_t {
  None = 0x0,
  Write = 0x1,  // implies every channel permission (see kImpliedByWrite)
  Traverse = 0x2,
  Enter = 0x4,
  Speak = 0x8,
  MuteDeafen = 0x10,
  Move = 0x20,
  MakeChannel = 0x40,
  LinkChannel = 0x80,
  Whisper = 0x100,
  TextMessage = 0x200,
  MakeTempChannel = 0x400,
  Listen = 0x800,  // 1.4+
  // Granted only by entries on the root channel and only meaningful there.
  Kick = 0x10000,
  Ban = 0x20000,
  Register = 0x40000,
  SelfRegister = 0x80000,
  ResetUserContent = 0x100000,  // 1.4+
  // Murmur's cache marker; it leaks onto the wire in PermissionQuery and ServerSync.
  Cached = 0x8000000,
};

class Permissions {
 public:
  constexpr Permissions() noexcept = default;
  // Implicit: a single flag is a set of one.
  constexpr Permissions(Permission p) noexcept  // NOLINT(google-explicit-constructor)
      : bits_{static_cast<std::uint32_t>(p)} {}

  static constexpr Permissions from_bits(std::uint32_t bits) noexcept {
    Permissions p;
    p.bits_ = bits;
    return p;
  }

  constexpr std::uint32_t bits() const noexcept { return bits_; }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr bool has(Permission p) const noexcept {
    return (bits_ & static_cast<std::uint32_t>(p)) != 0;
  }
  constexpr bool has_any(Permissions p) const noexcept { return (bits_ & p.bits_) != 0; }
  constexpr bool has_all(Permissions p) const noexcept { return (bits_ & p.bits_) == p.bits_; }
  constexpr Permissions without(Permissions p) const noexcept {
    return from_bits(bits_ & ~p.bits_);
  }

  friend constexpr Permissions operator|(Permissions a, Permissions b) noexcept {
    return from_bits(a.bits_ | b.bits_);
  }
  friend constexpr Permissions operator&(Permissions a, Permissions b) noexcept {
    return from_bits(a.bits_ & b.bits_);
  }
  constexpr Permissions& operator|=(Permissions p) noexcept {
    bits_ |= p.bits_;
    return *this;
  }
  constexpr Permissions& operator&=(Permissions p) noexcept {
    bits_ &= p.bits_;
    return *this;
  }
  friend constexpr bool operator==(Permissions, Permissions) noexcept = default;

 private:
  std::uint32_t bits_ = 0;
};

constexpr Permissions operator|(Permission a, Permission b) noexcept {
  return Permissions{a} | Permissions{b};
}

// Master's `All` (0x1F0FFF); 1.3.4's was 0xF07FF, without Listen and ResetUserContent.
inline constexpr Permissions kAllPermissions =
    Permission::Write | Permission::Traverse | Permission::Enter | Permission::Speak |
    Permission::MuteDeafen | Permission::Move | Permission::MakeChannel | Permission::LinkChannel |
    Permission::Whisper | Permission::TextMessage | Permission::MakeTempChannel |
    Permission::Listen | Permission::Kick | Permission::Ban | Permission::Register |
    Permission::SelfRegister | Permission::ResetUserContent;

// What a user holds where no ACL entry says otherwise (master adds Listen to 1.3.4's set).
inline constexpr Permissions kBaselinePermissions =
    Permission::Traverse | Permission::Enter | Permission::Speak | Permission::Whisper |
    Permission::TextMessage | Permission::Listen;

inline constexpr Permissions kRootOnlyPermissions =
    Permission::Kick | Permission::Ban | Permission::Register | Permission::SelfRegister |
    Permission::ResetUserContent;

inline constexpr Permissions kImpliedByWrite =
    Permission::Traverse | Permission::Enter | Permission::MuteDeafen | Permission::Move |
    Permission::MakeChannel | Permission::LinkChannel | Permission::TextMessage |
    Permission::MakeTempChannel | Permission::Listen;

// SuperUser may do everything but talk, so it is always suppressed [observed 1.3.4].
inline constexpr Permissions kSuperUserPermissions =
    kAllPermissions.without(Permission::Speak | Permission::Whisper);

// The value Murmur puts in PermissionQuery.permissions and ServerSync.permissions: its cache
// entry, Cached bit included (a fresh 1.3.4 server sends 0x0808030E to an anonymous user).
constexpr std::uint32_t to_wire(Permissions p) noexcept {
  return (p | Permission::Cached).bits();
}

}  // namespace plenum::server::state
