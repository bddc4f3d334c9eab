// Authenticate: Murmur's checks in its order, then the login sequence of
// MUMBLE_PROTOCOL.md §3.3 (CryptSetup, CodecVersion, channels, links, PermissionQuery, users,
// ServerSync, ServerConfig). A later Authenticate only replaces the access tokens.
#include "server/control/control_plane.hpp"
#include "server/control/dispatch.hpp"
#include "server/control/login_sequence.hpp"
#include "server/control/password_check_queue.hpp"
#include "server/store/password_hash.hpp"

#include <boost/asio/post.hpp>

namespace plenum::server::control {

namespace {

using RejectType = MumbleProto::Reject::RejectType;

struct LoginRefusal {
  RejectType type;
  std::string reason;
};

struct LoginIdentity {
  std::string name;
  std::optional<state::UserId> user_id;
};

// An account whose password must be checked first; the check is slow on purpose (PBKDF2), so
// it runs on the plane's worker pool, never on the control thread.
struct PasswordCheck {
  LoginIdentity identity;
  std::string password;
  std::string password_hash;
};

// A failed login counts against the address and the account (LoginThrottle, autoban).
bool counts_as_failure(RejectType type) {
  return type == MumbleProto::Reject::WrongUserPW || type == MumbleProto::Reject::WrongServerPW;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string{text.substr(first, last - first + 1)};
}

// Who the client is: an account (by name with password or certificate, or by certificate
// alone) or an anonymous user, or a refusal (Reject types 2, 3, 4).
using Identification = std::variant<LoginIdentity, LoginRefusal, PasswordCheck>;

LoginRefusal wrong_password() {
  return LoginRefusal{MumbleProto::Reject::WrongUserPW, "Wrong certificate or password for existing user"};
}

Identification identify(ControlPlane& plane, const Session& session, const MumbleProto::Authenticate& message) {
  const std::string name = trimmed(message.username());
  if (!state::valid_user_name(name, plane.state().user_names()))
    return LoginRefusal{MumbleProto::Reject::InvalidUsername, "Invalid username"};

  const auto& accounts = plane.accounts();
  const state::Account* account = accounts.find_by_name(name);
  if (account) {
    LoginIdentity identity{account->name, account->id};
    if (!session.cert_hash.empty() && account->cert_hash == session.cert_hash) return identity;
    if (account->password_hash.empty() || message.password().empty()) return wrong_password();
    return PasswordCheck{std::move(identity), message.password(), account->password_hash};
  }
  // A registered certificate logs in as its account whatever name it asks for (Murmur).
  if (const state::Account* owner = accounts.find_by_cert(session.cert_hash))
    return LoginIdentity{owner->name, owner->id};

  const std::string& server_password = plane.config().access.server_password;
  if (!server_password.empty() && message.password() != server_password)
    return LoginRefusal{MumbleProto::Reject::WrongServerPW, "Invalid server password"};
  return LoginIdentity{name, std::nullopt};
}

// Reject types 5, 6, 7 and the ghost: an earlier connection of the same person, which the new
// one replaces (§3.3 step 4).
std::optional<LoginRefusal> admit_check(ControlPlane& plane, const Session& session,
                                        const LoginIdentity& identity, std::uint32_t& ghost) {
  const auto& users = plane.state().users();
  const state::ConnectedUser* existing =
      identity.user_id ? users.find_by_user_id(*identity.user_id) : nullptr;
  if (!existing) existing = users.find_by_name(identity.name);
  if (existing) {
    const bool same_person = (identity.user_id && existing->user_id == identity.user_id) ||
                             (!session.cert_hash.empty() && existing->cert_hash == session.cert_hash) ||
                             (session.cert_hash.empty() && existing->cert_hash.empty() &&
                              plane.remote_address_of(existing->session) == session.remote_address);
    if (!same_person) return LoginRefusal{MumbleProto::Reject::UsernameInUse, "Username already in use"};
    ghost = existing->session;
  }
  const bool superuser = identity.user_id == state::kSuperUserId;
  const std::size_t others = users.size() - (ghost != 0 ? 1 : 0);
  if (!superuser && others >= plane.config().limits.users)
    return LoginRefusal{MumbleProto::Reject::ServerFull, "Server is full"};
  if (plane.config().access.cert_required && session.cert_hash.empty())
    return LoginRefusal{MumbleProto::Reject::NoCertificate, "A certificate is required to connect to this server"};
  return std::nullopt;
}

void reject(ControlPlane& plane, Session& session, const LoginRefusal& refusal, const std::string& account = {}) {
  if (counts_as_failure(refusal.type)) plane.on_login_failure(session, account);
  MumbleProto::Reject message;
  message.set_type(refusal.type);
  message.set_reason(refusal.reason);
  session.send(message);
  plane.logger().info("session {}: login rejected ({})", session.id(),
                      MumbleProto::Reject::RejectType_Name(refusal.type));
  session.finish("login rejected");
}

void update_tokens(ControlPlane& plane, Session& session, const MumbleProto::Authenticate& message) {
  std::vector<std::string> tokens(message.tokens().begin(), message.tokens().end());
  if (!plane.state().set_tokens(session.id(), std::move(tokens))) return;
  // Tokens open or close #token groups: permissions and suppression may change.
  MumbleProto::PermissionQuery flush;
  flush.set_flush(true);
  session.send(flush);
  plane.announce_suppression_changes();
}

void admit(ControlPlane& plane, Session& session, const MumbleProto::Authenticate& message,
           const LoginIdentity& identity);

// Stores `upgraded` for the account unless its hash changed while the password was checked.
void upgrade_password_hash(ControlPlane& plane, state::UserId user, const std::string& old_hash,
                           const std::string& upgraded) {
  state::Account* account = plane.accounts().find_mutable(user);
  if (account == nullptr || account->password_hash != old_hash) return;
  account->password_hash = upgraded;
  plane.persistence().save_account(*account);
  plane.logger().info("user {}: imported password hash upgraded", user);
}

void verify_then_admit(ControlPlane& plane, Session& session, const MumbleProto::Authenticate& message,
                       PasswordCheck check) {
  const auto now = Session::Clock::now();
  auto& throttle = plane.login_throttle();
  const bool suspect = throttle.suspect(session.remote_address, now);
  const std::string account = check.identity.name;
  // Guesses from an address that guessed before, at an account under attack: refused unrun.
  if (suspect && throttle.account_throttled(account, now)) {
    reject(plane, session, wrong_password(), account);
    return;
  }
  session.set_phase(SessionPhase::Verifying);
  const auto lane = suspect ? PasswordCheckQueue::Lane::Suspect : PasswordCheckQueue::Lane::Clean;
  // A hash imported from Murmur is replaced by Plenum's own once the password is known.
  const std::string old_hash = check.password_hash;
  std::optional<std::string> rehash;
  if (store::needs_rehash(old_hash)) rehash = check.password;
  plane.password_checks().submit(
      lane, session.remote_address, std::move(check.password), std::move(check.password_hash),
      [weak = session.weak_from_this()] {
        const auto alive = weak.lock();
        return alive && alive->phase() == SessionPhase::Verifying;
      },
      [&plane, weak = session.weak_from_this(), message, identity = std::move(check.identity),
       old_hash, rehash = std::move(rehash)](bool ok, bool /*ran*/) {
        if (ok && rehash && identity.user_id) {
          // Hashing is slow: on the worker, then stored on the control thread.
          boost::asio::post(plane.worker_pool(), [&plane, user = *identity.user_id, old_hash,
                                                  password = *rehash] {
            auto upgraded = store::hash_password(password);
            boost::asio::post(plane.executor(), [&plane, user, old_hash, upgraded = std::move(upgraded)] {
              upgrade_password_hash(plane, user, old_hash, upgraded);
            });
          });
        }
        auto alive = weak.lock();
        if (!alive || alive->phase() != SessionPhase::Verifying) return;
        alive->set_phase(SessionPhase::Connected);
        if (!ok) {
          reject(plane, *alive, wrong_password(), identity.name);
          return;
        }
        admit(plane, *alive, message, identity);
      });
}

void admit(ControlPlane& plane, Session& session, const MumbleProto::Authenticate& message,
           const LoginIdentity& identity) {
  std::uint32_t ghost = 0;
  if (auto refusal = admit_check(plane, session, identity, ghost)) {
    reject(plane, session, *refusal);
    return;
  }
  if (ghost != 0) plane.kick_ghost(ghost);

  std::optional<state::ChannelId> remembered;
  if (identity.user_id && plane.config().channels.remember_channel) {
    if (const auto* account = plane.accounts().find(*identity.user_id)) remembered = account->last_channel;
  }
  state::ConnectedUser user;
  user.session = session.id();
  user.name = identity.name;
  user.user_id = identity.user_id;
  user.cert_hash = session.cert_hash;
  user.strong_certificate = session.strong_certificate;
  user.tokens.assign(message.tokens().begin(), message.tokens().end());
  user.version = protocol::to_v2(session.client_version);
  user.release = session.client_release;
  user.os = session.client_os;
  user.opus = message.opus();
  user.bot = message.client_type() == 1;
  if (identity.user_id) {
    if (const auto* account = plane.accounts().find(*identity.user_id)) {
      user.comment = account->comment;
      // Murmur's loadChannelListenersOf: the stored listeners, without checking Listen again.
      user.listening = account->listening;
    }
  }
  LoginSequence{plane, session}.run(std::move(user), remembered);
}

}  // namespace

void handle_authenticate(ControlPlane& plane, Session& session, const MumbleProto::Authenticate& message) {
  if (session.authenticated()) {
    update_tokens(plane, session, message);
    return;
  }
  if (session.phase() != SessionPhase::Connected) return;
  auto identified = identify(plane, session, message);
  if (auto* refusal = std::get_if<LoginRefusal>(&identified)) {
    const auto* account = plane.accounts().find_by_name(trimmed(message.username()));
    reject(plane, session, *refusal, account != nullptr ? account->name : std::string{});
  } else if (auto* check = std::get_if<PasswordCheck>(&identified)) {
    verify_then_admit(plane, session, message, std::move(*check));
  } else {
    admit(plane, session, message, std::get<LoginIdentity>(identified));
  }
}

}  // namespace plenum::server::control
