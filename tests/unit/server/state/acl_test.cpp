#include "server/state/acl.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;

namespace {

// root -> A -> B, root -> C; root carries Murmur's default ACL.
struct Fixture {
  ChannelTree tree;
  ChannelId a = 0;
  ChannelId b = 0;
  ChannelId c = 0;

  Fixture() {
    REQUIRE(tree.set_access(kRootChannel, true, default_root_acls(), default_root_groups()));
    a = add(kRootChannel, "A");
    b = add(a, "B");
    c = add(kRootChannel, "C");
  }
  ChannelId add(ChannelId parent, std::string name) {
    NewChannel spec;
    spec.name = std::move(name);
    return tree.create(parent, std::move(spec)).value();
  }
  void acls(ChannelId channel, std::vector<AclEntry> entries, bool inherit = true,
            std::vector<ChannelGroup> groups = {}) {
    REQUIRE(tree.set_access(channel, inherit, std::move(entries), std::move(groups)));
  }
  Permissions of(const AclSubject& who, ChannelId channel) const {
    return effective_permissions(tree, who, channel);
  }
};

AclEntry entry(std::string group, Permissions grant, Permissions deny = {}, bool here = true,
               bool subs = true) {
  AclEntry e;
  e.group = std::move(group);
  e.grant = grant;
  e.deny = deny;
  e.apply_here = here;
  e.apply_subs = subs;
  return e;
}

AclSubject anonymous(ChannelId where = kRootChannel, SessionId session = 1) {
  AclSubject who;
  who.session = session;
  who.channel = where;
  return who;
}

AclSubject registered(UserId id, ChannelId where = kRootChannel) {
  AclSubject who = anonymous(where, 100 + id);
  who.user_id = id;
  return who;
}

ChannelGroup group(std::string name, std::set<UserId> add, std::set<UserId> remove = {},
                   bool inherit = true, bool inheritable = true) {
  ChannelGroup g;
  g.name = std::move(name);
  g.add = std::move(add);
  g.remove = std::move(remove);
  g.inherit = inherit;
  g.inheritable = inheritable;
  return g;
}

}  // namespace

TEST_SUITE("state") {

TEST_CASE("a fresh server's root grants what Murmur 1.3.4 sends [observed]") {
  const Fixture f;
  const Permissions anon = f.of(anonymous(), kRootChannel);
  CHECK(anon == (kBaselinePermissions | Permission::SelfRegister));
  // Live murmurd 1.3.4 (Debian): anonymous 0x0808030E, registered 0x0808070E. Master's
  // baseline adds Listen (0x800), which 1.3.4 clients ignore.
  CHECK(to_wire(anon.without(Permission::Listen)) == 0x0808030EU);
  CHECK(to_wire(anon) == 0x08080B0EU);
  const Permissions member = f.of(registered(9), kRootChannel);
  CHECK(to_wire(member.without(Permission::Listen)) == 0x0808070EU);
  // SelfRegister applies at the root only; MakeTempChannel reaches the sub-channels.
  CHECK(f.of(anonymous(), f.a) == kBaselinePermissions);
  CHECK(f.of(registered(9), f.b) == (kBaselinePermissions | Permission::MakeTempChannel));
}

TEST_CASE("the admin group holds Write, hence everything, root-only bits at the root") {
  Fixture f;
  f.acls(kRootChannel, default_root_acls(), true, {group("admin", {4})});
  CHECK(f.of(registered(4), kRootChannel) == kAllPermissions);
  const Permissions below = f.of(registered(4), f.b);
  CHECK(below.has_all(kImpliedByWrite | Permission::Write | Permission::Speak));
  CHECK_FALSE(below.has_any(kRootOnlyPermissions));
  CHECK_FALSE(f.of(registered(5), f.b).has(Permission::Write));
}

TEST_CASE("apply_here and apply_subs decide where an entry counts") {
  Fixture f;
  const Permissions speak = Permission::Speak;
  SUBCASE("both") {
    f.acls(f.a, {entry("all", {}, speak)});
    CHECK_FALSE(f.of(anonymous(), f.a).has(Permission::Speak));
    CHECK_FALSE(f.of(anonymous(), f.b).has(Permission::Speak));
  }
  SUBCASE("sub-channels only") {
    f.acls(f.a, {entry("all", {}, speak, false, true)});
    CHECK(f.of(anonymous(), f.a).has(Permission::Speak));
    CHECK_FALSE(f.of(anonymous(), f.b).has(Permission::Speak));
  }
  SUBCASE("this channel only") {
    f.acls(f.a, {entry("all", {}, speak, true, false)});
    CHECK_FALSE(f.of(anonymous(), f.a).has(Permission::Speak));
    CHECK(f.of(anonymous(), f.b).has(Permission::Speak));
  }
  CHECK(f.of(anonymous(), f.c).has(Permission::Speak));
}

TEST_CASE("inherit_acls=false restarts from the baseline") {
  Fixture f;
  f.acls(f.a, {entry("all", Permission::MakeChannel, Permission::Speak)});
  f.acls(f.b, {}, false);
  CHECK_FALSE(f.of(anonymous(), f.a).has(Permission::Speak));
  CHECK(f.of(anonymous(), f.b) == kBaselinePermissions);
  CHECK(f.of(registered(3), f.b) == kBaselinePermissions);  // root's @auth grant is gone too
}

TEST_CASE("later entries win: deny after grant denies, grant after deny grants") {
  Fixture f;
  f.acls(f.a, {entry("all", Permission::MakeChannel), entry("all", {}, Permission::MakeChannel)});
  f.acls(f.c, {entry("all", {}, Permission::MakeChannel), entry("all", Permission::MakeChannel)});
  CHECK_FALSE(f.of(anonymous(), f.a).has(Permission::MakeChannel));
  CHECK(f.of(anonymous(), f.c).has(Permission::MakeChannel));
  // A sub-channel's own entry comes after the inherited ones.
  f.acls(f.b, {entry("all", Permission::MakeChannel)});
  CHECK(f.of(anonymous(), f.b).has(Permission::MakeChannel));
  // An entry that grants and denies the same bit denies it.
  f.acls(f.c, {entry("all", Permission::Move, Permission::Move)});
  CHECK_FALSE(f.of(anonymous(), f.c).has(Permission::Move));
}

TEST_CASE("an entry naming a user applies to that registered user only") {
  Fixture f;
  AclEntry named;
  named.user_id = 7;
  named.grant = Permission::Move;
  f.acls(f.a, {named});
  CHECK(f.of(registered(7), f.a).has(Permission::Move));
  CHECK_FALSE(f.of(registered(8), f.a).has(Permission::Move));
  CHECK_FALSE(f.of(anonymous(), f.a).has(Permission::Move));
}

TEST_CASE("no Traverse on the path means no permissions below, unless Write") {
  Fixture f;
  // Master: a Traverse denial that applies to A only still blocks B.
  f.acls(f.a, {entry("all", {}, Permission::Traverse, true, false)});
  CHECK(f.of(anonymous(), f.a).empty());
  CHECK(f.of(anonymous(), f.b).empty());
  CHECK_FALSE(f.of(anonymous(), f.c).empty());
  f.acls(f.a, {entry("all", {}, Permission::Traverse, true, false),
               entry("$cafe", Permission::Write)});
  AclSubject owner = anonymous(kRootChannel, 2);
  owner.cert_hash = "cafe";
  CHECK(f.of(owner, f.b).has(Permission::Enter));
  // A grant further down does not undo a denial further up.
  f.acls(f.a, {entry("all", {}, Permission::Traverse)});
  f.acls(f.b, {entry("all", Permission::Traverse)});
  CHECK(f.of(anonymous(), f.b).empty());
}

TEST_CASE("SuperUser may do everything but speak and whisper, everywhere") {
  Fixture f;
  f.acls(f.a, {entry("all", {}, Permission::Traverse)});
  for (const ChannelId where : {kRootChannel, f.a, f.b}) {
    CHECK(f.of(registered(kSuperUserId), where) == kSuperUserPermissions);
  }
  CHECK_FALSE(kSuperUserPermissions.has_any(Permission::Speak | Permission::Whisper));
  CHECK(kSuperUserPermissions.bits() == 0x1F0EF7U);
}

TEST_CASE("root-only permissions come only from root entries evaluated at the root") {
  Fixture f;
  f.acls(f.a, {entry("all", Permission::Kick | Permission::Ban)});
  CHECK_FALSE(f.of(anonymous(), f.a).has_any(Permission::Kick | Permission::Ban));
  f.acls(kRootChannel, {entry("all", Permission::Kick, {}, false, true)});
  CHECK_FALSE(f.of(anonymous(), kRootChannel).has(Permission::Kick));
  CHECK_FALSE(f.of(anonymous(), f.a).has(Permission::Kick));
  f.acls(kRootChannel, {entry("all", Permission::Kick)});
  CHECK(f.of(anonymous(), kRootChannel).has(Permission::Kick));
  CHECK(f.of(anonymous(), kRootChannel).bits() == 0x10B0EU);
}

TEST_CASE("built-in groups: all, none, auth, strong, in, out, negation") {
  const Fixture f;
  AclSubject in_a = anonymous(f.a);
  CHECK(group_applies(f.tree, f.a, f.a, "all", in_a));
  CHECK_FALSE(group_applies(f.tree, f.a, f.a, "none", in_a));
  CHECK_FALSE(group_applies(f.tree, f.a, f.a, "auth", in_a));
  CHECK(group_applies(f.tree, f.a, f.a, "!auth", in_a));
  CHECK(group_applies(f.tree, f.a, f.a, "auth", registered(3)));
  CHECK_FALSE(group_applies(f.tree, f.a, f.a, "strong", in_a));
  in_a.strong_certificate = true;
  CHECK(group_applies(f.tree, f.a, f.a, "strong", in_a));
  CHECK(group_applies(f.tree, f.a, kRootChannel, "in", in_a));
  CHECK_FALSE(group_applies(f.tree, f.a, kRootChannel, "out", in_a));
  CHECK_FALSE(group_applies(f.tree, f.a, kRootChannel, "~in", in_a));  // in the ACL's channel
  CHECK(group_applies(f.tree, f.a, kRootChannel, "~!in", in_a));
  CHECK(group_applies(f.tree, f.a, kRootChannel, "!~in", in_a));
  CHECK_FALSE(group_applies(f.tree, f.a, f.a, "!", in_a));  // empty name: never
  CHECK_FALSE(group_applies(f.tree, f.a, f.a, "", in_a));
}

TEST_CASE("!in: only members of a channel may speak there") {
  Fixture f;
  f.acls(f.a, {entry("!in", {}, Permission::Speak)});
  CHECK(f.of(anonymous(f.a), f.a).has(Permission::Speak));
  CHECK_FALSE(f.of(anonymous(kRootChannel), f.a).has(Permission::Speak));
}

TEST_CASE("sub groups count levels below the context channel") {
  Fixture f;
  const ChannelId deep = f.add(f.b, "Deep");  // root/A/B/Deep
  // Evaluated for B by an entry held in A: "~sub" = anyone in a channel below A.
  CHECK(group_applies(f.tree, f.b, f.a, "~sub", anonymous(f.b)));
  CHECK(group_applies(f.tree, f.b, f.a, "~sub", anonymous(deep)));
  CHECK_FALSE(group_applies(f.tree, f.b, f.a, "~sub", anonymous(f.a)));
  CHECK_FALSE(group_applies(f.tree, f.b, f.a, "~sub", anonymous(f.c)));
  // Without ~ the context is B itself: only users below B.
  CHECK_FALSE(group_applies(f.tree, f.b, f.a, "sub", anonymous(f.b)));
  CHECK(group_applies(f.tree, f.b, f.a, "sub", anonymous(deep)));
  // sub,offset,min,max: exactly one level below A.
  CHECK(group_applies(f.tree, f.b, f.a, "~sub,0,1,1", anonymous(f.b)));
  CHECK_FALSE(group_applies(f.tree, f.b, f.a, "~sub,0,1,1", anonymous(deep)));
  // Offset -1 from A is the root (clamped at 0): users in A count now.
  CHECK(group_applies(f.tree, f.b, f.a, "~sub,-1", anonymous(f.a)));
  // Offset past the evaluated channel: never (and a negation then matches).
  CHECK_FALSE(group_applies(f.tree, f.b, f.a, "~sub,5", anonymous(deep)));
  CHECK(group_applies(f.tree, f.b, f.a, "!~sub,5", anonymous(deep)));
  CHECK_FALSE(group_applies(f.tree, f.b, f.a, "subway", anonymous(deep)));  // a plain group
}

TEST_CASE("token and certificate-hash groups") {
  Fixture f;
  AclSubject who = anonymous(f.a);
  who.tokens = {"Secret"};
  who.cert_hash = "0123abcd";
  CHECK(group_applies(f.tree, f.a, f.a, "#secret", who));  // tokens ignore case
  CHECK_FALSE(group_applies(f.tree, f.a, f.a, "#other", who));
  CHECK(group_applies(f.tree, f.a, f.a, "$0123abcd", who));
  CHECK_FALSE(group_applies(f.tree, f.a, f.a, "$0123ABCD", who));  // hashes do not
  f.acls(f.a, {entry("all", {}, Permission::Enter), entry("#secret", Permission::Enter)});
  CHECK(f.of(who, f.a).has(Permission::Enter));
  CHECK_FALSE(f.of(anonymous(), f.a).has(Permission::Enter));
}

TEST_CASE("user groups inherit down the tree with add and remove lists") {
  Fixture f;
  f.acls(kRootChannel, default_root_acls(), true, {group("mods", {5, 6})});
  f.acls(f.a, {}, true, {group("mods", {7}, {6})});
  f.acls(f.b, {}, true, {group("mods", {8}, {}, /*inherit=*/false)});
  const auto member = [&](UserId id, ChannelId where) {
    return group_applies(f.tree, where, where, "mods", registered(id));
  };
  CHECK(member(5, kRootChannel));
  CHECK(member(6, kRootChannel));
  CHECK(member(5, f.a));
  CHECK_FALSE(member(6, f.a));  // removed in A
  CHECK(member(7, f.a));
  CHECK(member(6, f.c));  // C inherits the root's group untouched
  CHECK(member(8, f.b));  // B does not inherit
  CHECK_FALSE(member(5, f.b));
  // A group that is not inheritable stops at its channel.
  f.acls(f.a, {}, true, {group("mods", {7}, {}, true, /*inheritable=*/false)});
  CHECK(member(7, f.a));
  f.acls(f.b, {}, true, {});
  CHECK_FALSE(member(7, f.b));
  CHECK_FALSE(member(5, f.b));  // the walk stops at A's group, so the root's is not reached
}

TEST_CASE("temporary members belong to a group by session, registered or not") {
  Fixture f;
  f.acls(f.a, {entry("all", {}, Permission::Speak), entry("speakers", Permission::Speak)});
  REQUIRE(f.tree.set_temporary_member(f.a, "speakers", 3, true));
  CHECK(f.of(anonymous(f.a, 3), f.a).has(Permission::Speak));
  CHECK_FALSE(f.of(anonymous(f.a, 4), f.a).has(Permission::Speak));
}

}  // TEST_SUITE
