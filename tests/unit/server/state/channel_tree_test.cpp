#include "server/state/channel_tree.hpp"

#include "server/state/state_error.hpp"

#include <doctest/doctest.h>

using namespace plenum::server::state;

namespace {

ChannelId make(ChannelTree& tree, ChannelId parent, std::string name) {
  NewChannel spec;
  spec.name = std::move(name);
  auto id = tree.create(parent, std::move(spec));
  REQUIRE(id);
  return *id;
}

}  // namespace

TEST_SUITE("state") {

TEST_CASE("a new tree holds only the root, named as given") {
  const ChannelTree tree{"Plenum"};
  CHECK(tree.size() == 1);
  CHECK(tree.root().id == kRootChannel);
  CHECK(tree.root().name == "Plenum");
  CHECK_FALSE(tree.root().parent);
  CHECK_FALSE(tree.root().inherit_acls);  // as Murmur's root: nothing above to inherit from
  CHECK(tree.breadth_first() == std::vector<ChannelId>{0});
}

TEST_CASE("create takes the lowest free id, or the given one") {
  ChannelTree tree;
  const ChannelId a = make(tree, 0, "A");
  const ChannelId b = make(tree, 0, "B");
  CHECK(a == 1);
  CHECK(b == 2);
  NewChannel loaded;
  loaded.name = "Loaded";
  loaded.id = 7;
  CHECK(tree.create(a, loaded).value() == 7);
  CHECK(tree.create(a, loaded).error() == StateError::DuplicateChannelId);
  REQUIRE(tree.remove(a).has_value());  // frees 1 and 7
  CHECK(make(tree, 0, "C") == 1);
  CHECK(tree.create(99, NewChannel{}).error() == StateError::UnknownParent);
  CHECK(tree.find(b)->parent == kRootChannel);
}

TEST_CASE("remove takes the subtree, deepest first, and drops its links") {
  ChannelTree tree;
  const ChannelId a = make(tree, 0, "A");
  const ChannelId a1 = make(tree, a, "A1");
  const ChannelId a11 = make(tree, a1, "A11");
  const ChannelId b = make(tree, 0, "B");
  REQUIRE(tree.link(a11, b));
  const auto removed = tree.remove(a);
  REQUIRE(removed.has_value());
  CHECK(*removed == std::vector<ChannelId>{a11, a1, a});
  CHECK(tree.size() == 2);
  CHECK(tree.find(b)->links.empty());
  CHECK(tree.root().children == std::vector<ChannelId>{b});
  CHECK(tree.remove(kRootChannel).error() == StateError::RootImmutable);
  CHECK(tree.remove(a).error() == StateError::UnknownChannel);
}

TEST_CASE("move refuses cycles and the root, and re-parents") {
  ChannelTree tree;
  const ChannelId a = make(tree, 0, "A");
  const ChannelId a1 = make(tree, a, "A1");
  const ChannelId b = make(tree, 0, "B");
  CHECK(tree.move(a, a1).error() == StateError::WouldCycle);
  CHECK(tree.move(a, a).error() == StateError::WouldCycle);
  CHECK(tree.move(kRootChannel, a).error() == StateError::RootImmutable);
  REQUIRE(tree.move(a, b));
  CHECK(tree.find(a)->parent == b);
  CHECK(tree.find(b)->children == std::vector<ChannelId>{a});
  CHECK(tree.root().children == std::vector<ChannelId>{b});
  CHECK(tree.path_of(a1) == "B/A/A1");
  CHECK(tree.level(a1) == 3);
}

TEST_CASE("breadth-first order sends parents before children") {
  ChannelTree tree;
  const ChannelId a = make(tree, 0, "A");
  const ChannelId b = make(tree, 0, "B");
  const ChannelId a1 = make(tree, a, "A1");
  const ChannelId b1 = make(tree, b, "B1");
  const ChannelId a11 = make(tree, a1, "A11");
  REQUIRE(tree.move(b, a11));  // b (id 2) now lies below a11 (id 5)
  const auto order = tree.breadth_first();
  CHECK(order == std::vector<ChannelId>{0, a, a1, a11, b, b1});
  CHECK(tree.descendants(a) == std::vector<ChannelId>{a1, a11, b, b1});
}

TEST_CASE("links are symmetric and all_links is the transitive closure") {
  ChannelTree tree;
  const ChannelId a = make(tree, 0, "A");
  const ChannelId b = make(tree, 0, "B");
  const ChannelId c = make(tree, 0, "C");
  const ChannelId d = make(tree, 0, "D");
  CHECK(tree.link(a, a).error() == StateError::SelfLink);
  REQUIRE(tree.link(a, b));
  REQUIRE(tree.link(c, b));
  CHECK(tree.find(b)->links == std::set<ChannelId>{a, c});
  CHECK(tree.all_links(a) == std::set<ChannelId>{a, b, c});
  CHECK(tree.all_links(d) == std::set<ChannelId>{d});
  REQUIRE(tree.unlink(b, a));
  CHECK(tree.find(a)->links.empty());
  CHECK(tree.all_links(a) == std::set<ChannelId>{a});
  CHECK(tree.all_links(c) == std::set<ChannelId>{b, c});
}

TEST_CASE("can_nest applies Murmur's nesting limit to new and moved channels") {
  ChannelTree tree;
  ChannelId deepest = kRootChannel;
  for (int i = 0; i < 3; ++i) deepest = make(tree, deepest, "L" + std::to_string(i));
  CHECK(tree.level(deepest) == 3);
  CHECK(tree.can_nest(deepest, std::nullopt, 4));       // the new one would be level 4
  CHECK_FALSE(tree.can_nest(deepest, std::nullopt, 3));  // but not within 3
  const ChannelId other = make(tree, 0, "Other");
  make(tree, other, "Child");  // other's subtree is 1 high
  CHECK(tree.subtree_height(other) == 1);
  CHECK_FALSE(tree.can_nest(deepest, other, 4));  // 3 + 1 = 4 is not < 4
  CHECK(tree.can_nest(deepest, other, 5));
}

TEST_CASE("paths find channels by name segments") {
  ChannelTree tree;
  const ChannelId a = make(tree, 0, "Plenary");
  const ChannelId b = make(tree, a, "Room 1");
  CHECK(tree.find_path("Plenary/Room 1") == b);
  CHECK(tree.find_path("/Plenary//Room 1/") == b);
  CHECK(tree.find_path("") == kRootChannel);
  CHECK_FALSE(tree.find_path("Plenary/Room 2"));
  CHECK(tree.find_path("Room 1", a) == b);
  CHECK(tree.path_of(b) == "Plenary/Room 1");
  CHECK(tree.path_of(kRootChannel).empty());
  CHECK(tree.find_child(a, "Room 1")->id == b);
}

TEST_CASE("every change bumps the revision") {
  ChannelTree tree;
  auto revision = tree.revision();
  const ChannelId a = make(tree, 0, "A");
  CHECK(tree.revision() > revision);
  revision = tree.revision();
  REQUIRE(tree.set_access(a, false, {}, {}));
  CHECK(tree.revision() > revision);
  revision = tree.revision();
  tree.forget_session(42);  // nothing to forget: no change
  CHECK(tree.revision() == revision);
}

TEST_CASE("set_access keeps temporary group members, forget_* clean up") {
  ChannelTree tree;
  const ChannelId a = make(tree, 0, "A");
  REQUIRE(tree.set_temporary_member(a, "speakers", 5, true));
  REQUIRE(tree.add_group_member(a, "speakers", 12));
  ChannelGroup speakers;
  speakers.name = "speakers";
  AclEntry named;
  named.user_id = 12;
  REQUIRE(tree.set_access(a, true, {named}, {speakers}));
  CHECK(tree.find(a)->groups.at("speakers").temporary == std::set<SessionId>{5});
  CHECK(tree.find(a)->groups.at("speakers").add.empty());
  tree.forget_session(5);
  CHECK(tree.find(a)->groups.at("speakers").temporary.empty());
  REQUIRE(tree.add_group_member(a, "speakers", 12));
  tree.forget_user(12);
  CHECK(tree.find(a)->groups.at("speakers").add.empty());
  CHECK(tree.find(a)->acls.empty());
}

TEST_CASE("from_channels builds a tree from stored channels in any order") {
  Channel root;
  root.id = 0;
  root.name = "stored root";
  root.description = "welcome";
  Channel child;
  child.id = 3;
  child.parent = 8;  // its parent comes later in the list
  child.name = "Child";
  child.links = {5};
  Channel parent;
  parent.id = 8;
  parent.parent = 0;
  parent.name = "Parent";
  Channel other;
  other.id = 5;
  other.parent = 0;
  other.name = "Other";
  auto tree = ChannelTree::from_channels({child, root, parent, other}, "Plenum");
  REQUIRE(tree.has_value());
  CHECK(tree->size() == 4);
  CHECK(tree->root().name == "Plenum");
  CHECK(tree->root().description == "welcome");
  CHECK(tree->find(8)->children == std::vector<ChannelId>{3});
  CHECK(tree->find(5)->links == std::set<ChannelId>{3});
  CHECK(tree->breadth_first() == std::vector<ChannelId>{0, 5, 8, 3});

  Channel orphan;
  orphan.id = 4;
  orphan.parent = 77;
  CHECK(ChannelTree::from_channels({orphan}).error() == StateError::UnknownParent);
  Channel loop_a;
  loop_a.id = 1;
  loop_a.parent = 2;
  Channel loop_b;
  loop_b.id = 2;
  loop_b.parent = 1;
  CHECK(ChannelTree::from_channels({loop_a, loop_b}).error() == StateError::UnknownParent);
  CHECK(ChannelTree::from_channels({other, other}).error() == StateError::DuplicateChannelId);
}

}  // TEST_SUITE
