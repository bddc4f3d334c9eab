// Admin requests on users: UserRemove (kick/ban, §2.9), BanList (§2.11), UserList (§2.18).
// Each needs its permission on the root channel.
#include "server/control/control_plane.hpp"
#include "server/control/denial.hpp"
#include "server/control/dispatch.hpp"
#include "server/control/peer_address.hpp"
#include "server/state/user_rules.hpp"


#include <fmt/chrono.h>

#include <ctime>
#include <map>

namespace plenum::server::control {

namespace {

using state::Permission;

bool require_root(ControlPlane& plane, Session& session, state::Permission permission) {
  if (plane.state().has_permission(session.id(), state::kRootChannel, permission)) return true;
  send_missing(session, permission, state::kRootChannel);
  return false;
}

std::optional<store::BanAddress> ban_address_of(const std::string& text) {
  const auto bytes = mapped_address(text);
  if (!bytes) return std::nullopt;
  return store::BanAddress{*bytes, 128};
}

std::string iso8601(std::int64_t unix_seconds) {
  const std::time_t t = unix_seconds;
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}", utc);
}

std::int64_t parse_iso8601(const std::string& text) {
  std::tm utc{};
  if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &utc)) return std::time(nullptr);
  return timegm(&utc);
}

// A UserList entry may touch this many accounts; the rest of the message is ignored.
constexpr std::size_t kMaxUserListChanges = 1000;

// Renames an account; a user online with it is renamed too and everyone is told (Murmur's
// msgUserList sends UserState{session, actor, name} to all).
void rename_account(ControlPlane& plane, Session& session, state::UserId id, const std::string& name) {
  if (!state::valid_user_name(name, plane.state().user_names())) return;
  const auto* online = plane.state().users().find_by_user_id(id);
  // Another user online under that name would make two users look alike.
  if (const auto* holder = plane.state().users().find_by_name(name); holder && holder != online) return;
  if (!plane.accounts().rename(id, name)) return;
  plane.persistence().save_account(*plane.accounts().find(id));
  if (!online) return;
  const state::SessionId target = online->session;
  plane.state().users().find(target)->name = name;
  MumbleProto::UserState message;
  message.set_session(target);
  message.set_actor(session.id());
  message.set_name(name);
  plane.broadcast_message(message);
}

}  // namespace

void handle_user_remove(ControlPlane& plane, Session& session, const MumbleProto::UserRemove& message) {
  const bool ban = message.ban() || message.ban_certificate() || message.ban_ip();
  Session* target = plane.find_session(message.session());
  const auto* user = plane.state().users().find(message.session());
  if (!target || !user) return;
  const auto verdict = state::check_kick(plane.state(), session.id(), message.session(), ban);
  if (verdict.denied()) {
    send_denial(session, verdict.denial());
    return;
  }
  if (!verdict.allowed()) return;
  if (ban) {
    store::BanRecord record;
    record.cert_hash = user->cert_hash;
    // An address is stored only when the admin bans the address, or when the user has no
    // certificate, which leaves the address as the only thing a ban can hold on to.
    if (message.ban_ip() || user->cert_hash.empty()) record.address = ban_address_of(target->remote_address);
    record.name = user->name;
    record.reason = message.reason();
    record.start = std::time(nullptr);
    plane.bans().push_back(std::move(record));
    plane.persistence().save_bans(plane.bans());
  }
  plane.logger().info("session {}: {} session {}", session.id(), ban ? "banned" : "kicked", target->id());
  plane.remove_user(*target, Removal{session.id(), message.reason(), ban});
  target->finish(ban ? "banned" : "kicked");
}

void handle_ban_list(ControlPlane& plane, Session& session, const MumbleProto::BanList& message) {
  if (!require_root(plane, session, Permission::Ban)) return;
  if (message.query()) {
    MumbleProto::BanList reply;
    for (const auto& ban : plane.bans()) {
      auto* entry = reply.add_bans();
      if (ban.address) {
        entry->set_address(std::string{reinterpret_cast<const char*>(ban.address->bytes.data()), 16});
        entry->set_mask(ban.address->mask_bits);
      } else {
        entry->set_address(std::string(16, '\0'));
        entry->set_mask(0);
      }
      if (ban.name) entry->set_name(*ban.name);
      if (!ban.cert_hash.empty()) entry->set_hash(ban.cert_hash);
      entry->set_reason(ban.reason);
      entry->set_start(iso8601(ban.start));
      entry->set_duration(ban.duration);
    }
    session.send(reply);
    return;
  }
  std::vector<store::BanRecord> bans;
  for (const auto& entry : message.bans()) {
    store::BanRecord record;
    // A zero mask over zero bytes is a certificate-only ban in our own replies.
    if (entry.address().size() == 16 && entry.mask() > 0) {
      store::BanAddress address;
      std::memcpy(address.bytes.data(), entry.address().data(), 16);
      address.mask_bits = static_cast<std::uint8_t>(std::min<std::uint32_t>(entry.mask(), 128));
      record.address = address;
    }
    record.cert_hash = entry.hash();
    if (entry.has_name()) record.name = entry.name();
    record.reason = entry.reason();
    record.start = entry.has_start() ? parse_iso8601(entry.start()) : std::time(nullptr);
    record.duration = entry.duration();
    if (record.address || !record.cert_hash.empty()) bans.push_back(std::move(record));
  }
  plane.bans() = std::move(bans);
  plane.persistence().save_bans(plane.bans());
  plane.logger().info("session {}: ban list replaced ({} entries)", session.id(), plane.bans().size());
}

void handle_user_list(ControlPlane& plane, Session& session, const MumbleProto::UserList& message) {
  if (!require_root(plane, session, Permission::Register)) return;
  if (message.users_size() == 0) {
    MumbleProto::UserList reply;
    for (const auto& [id, account] : plane.accounts().accounts()) {
      if (id == state::kSuperUserId) continue;
      auto* user = reply.add_users();
      user->set_user_id(id);
      user->set_name(account.name);
      if (account.last_channel) user->set_last_channel(*account.last_channel);
    }
    session.send(reply);
    return;
  }
  // One entry per account, at most kMaxUserListChanges of them: the cost of one message stays
  // bounded whatever the client repeats (an 8 MiB frame holds a million entries).
  std::map<state::UserId, const MumbleProto::UserList::User*> changes;
  for (const auto& change : message.users()) {
    if (changes.size() >= kMaxUserListChanges) break;
    changes.insert_or_assign(change.user_id(), &change);
  }
  std::vector<state::UserId> removals;
  for (const auto& [id, change] : changes) {
    if (id == state::kSuperUserId || !plane.accounts().find(id)) continue;
    if (change->has_name()) {
      rename_account(plane, session, id, change->name());
    } else {
      removals.push_back(id);
    }
  }
  if (!removals.empty()) plane.unregister(removals);
}

}  // namespace plenum::server::control
