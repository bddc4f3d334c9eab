#include "server/state/acl_view.hpp"

#include "server/state/acl.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;

namespace {

ChannelGroup group(std::string name, std::set<UserId> add, std::set<UserId> remove = {},
                   bool inheritable = true) {
  ChannelGroup g;
  g.name = std::move(name);
  g.add = std::move(add);
  g.remove = std::move(remove);
  g.inheritable = inheritable;
  return g;
}

}  // namespace

TEST_SUITE("state") {

TEST_CASE("describe_acl lists inherited entries and groups as Murmur's ACL query does") {
  ChannelTree tree;
  NewChannel spec;
  spec.name = "A";
  const ChannelId a = tree.create(kRootChannel, spec).value();
  spec.name = "B";
  const ChannelId b = tree.create(a, spec).value();

  std::vector<AclEntry> root_acls = default_root_acls();  // admin, auth (subs), all (here only)
  REQUIRE(tree.set_access(kRootChannel, true, root_acls,
                          {group("admin", {1, 2}), group("hidden", {3}, {}, false)}));
  AclEntry own;
  own.user_id = 9;
  own.grant = Permission::Move;
  REQUIRE(tree.set_access(b, true, {own}, {group("admin", {4}, {2})}));

  const auto view = describe_acl(tree, b);
  REQUIRE(view);
  CHECK(view->inherit_acls);
  REQUIRE(view->acls.size() == 3);  // @all SelfRegister applies at the root only
  CHECK(view->acls[0].entry.group == "admin");
  CHECK(view->acls[0].inherited);
  CHECK(view->acls[1].entry.group == "auth");
  CHECK(view->acls[2].entry.user_id == 9U);
  CHECK_FALSE(view->acls[2].inherited);

  REQUIRE(view->groups.size() == 1);  // "hidden" is not inheritable
  const GroupView& admin = view->groups[0];
  CHECK(admin.name == "admin");
  CHECK(admin.inherited);
  CHECK(admin.add == std::set<UserId>{4});
  CHECK(admin.remove == std::set<UserId>{2});
  CHECK(admin.inherited_members == std::set<UserId>{1, 2});
  CHECK(view->user_ids == std::set<UserId>{1, 2, 4, 9});

  CHECK(group_members(tree, b, "admin") == std::set<UserId>{1, 4});
  CHECK(group_names(tree, a) == std::set<std::string>{"admin"});
  CHECK(group_names(tree, kRootChannel) == std::set<std::string>{"admin", "hidden"});
  CHECK(find_group(tree, a, "admin")->channel == kRootChannel);
  CHECK_FALSE(find_group(tree, a, "hidden"));
  CHECK(find_group(tree, kRootChannel, "hidden"));

  // The parent's entries are listed even when the channel does not inherit (the client greys
  // them out); the walk stops after the first ancestor that does not inherit.
  REQUIRE(tree.set_access(b, false, {own}, {}));
  CHECK_FALSE(describe_acl(tree, b)->inherit_acls);
  CHECK(describe_acl(tree, b)->acls.size() == 3);
  REQUIRE(tree.set_access(a, false, {}, {}));
  CHECK(describe_acl(tree, b)->acls.size() == 1);
  CHECK_FALSE(describe_acl(tree, 77));
}

}  // TEST_SUITE
