// Moving from Murmur (docs/operator-guide.md §7): Debian's real murmurd builds a server through
// the protocol (channels, a link, an ACL with a group, a certificate user with a comment, a
// ban; SuperUser's password by `murmurd -supw`), `plenum-server --import-murmur` copies its
// database, and Plenum then shows a client the same tree and lets both users log in.
#include "tests/integration/server_fixture.hpp"
#include "tests/support/murmur_process.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace plenum::test {
namespace {

constexpr const char* kAdminPassword = "murmur-admin-pw";
constexpr std::uint32_t kWrite = 0x1, kMuteDeafen = 0x10;

std::unique_ptr<MumbleTestClient> connect_as(const ServerUnderTest& server, const std::string& name,
                                             const std::string& password,
                                             std::optional<protocol::TlsIdentity> identity = std::nullopt) {
  ClientOptions options;
  options.port = server.port();
  options.identity = std::move(identity);
  auto client = std::make_unique<MumbleTestClient>(options);
  client->connect(deadline_in(kStep));
  HandshakeRequest request;
  request.username = name;
  request.password = password;
  request.udp_ping = false;
  const auto handshake = client->handshake(request, deadline_in(kStep));
  REQUIRE_MESSAGE(handshake.synced(), server.name() << ": " << handshake.describe());
  return client;
}

std::uint32_t make_channel(MumbleTestClient& admin, std::uint32_t parent, const std::string& name,
                           const std::string& description, std::int32_t position) {
  MumbleProto::ChannelState request;
  request.set_parent(parent);
  request.set_name(name);
  request.set_description(description);
  request.set_position(position);
  admin.send(request, deadline_in(kStep));
  const auto created = admin.wait_for<MumbleProto::ChannelState>(
      [&](const MumbleProto::ChannelState& s) { return s.has_channel_id() && s.name() == name; },
      deadline_in(kStep));
  REQUIRE_MESSAGE(created.has_value(), "murmur did not create " << name);
  return created->channel_id();
}

MumbleProto::ACL query_acl(MumbleTestClient& client, std::uint32_t channel) {
  MumbleProto::ACL query;
  query.set_channel_id(channel);
  query.set_query(true);
  client.send(query, deadline_in(kStep));
  const auto reply = client.wait_for<MumbleProto::ACL>(
      [&](const MumbleProto::ACL& a) { return a.channel_id() == channel; }, deadline_in(kStep));
  REQUIRE_MESSAGE(reply.has_value(), "no ACL reply for channel " << channel);
  return *reply;
}

// The channel's own entries (not inherited) as "group|user:grant/deny" strings, and its own
// groups as "name:+members-removed".
std::multiset<std::string> own_rules(const MumbleProto::ACL& acl) {
  std::multiset<std::string> rules;
  for (const auto& rule : acl.acls()) {
    if (rule.inherited()) continue;
    const std::string who = rule.has_user_id() ? "user " + std::to_string(rule.user_id()) : rule.group();
    rules.insert(who + ":" + std::to_string(rule.grant()) + "/" + std::to_string(rule.deny()) +
                 (rule.apply_here() ? " here" : "") + (rule.apply_subs() ? " subs" : ""));
  }
  return rules;
}

std::multiset<std::string> own_groups(const MumbleProto::ACL& acl) {
  std::multiset<std::string> groups;
  for (const auto& group : acl.groups()) {
    if (group.inherited() && group.add().empty() && group.remove().empty()) continue;
    std::string text = group.name() + ":";
    for (const auto id : group.add()) text += "+" + std::to_string(id);
    for (const auto id : group.remove()) text += "-" + std::to_string(id);
    groups.insert(text);
  }
  return groups;
}

// A channel as a client sees it, without the root's name (Plenum's follows registerName).
struct SeenChannel {
  std::uint32_t parent = 0;
  std::string name;
  std::string description;
  std::int32_t position = 0;
  std::set<std::uint32_t> links;
  bool operator==(const SeenChannel&) const = default;
};

std::map<std::uint32_t, SeenChannel> tree_of(const ServerModel& model) {
  std::map<std::uint32_t, SeenChannel> tree;
  for (const auto& [id, state] : model.channels) {
    SeenChannel& seen = tree[id];
    seen.parent = state.parent();
    seen.name = id == 0 ? "" : state.name();
    seen.description = state.description();
    seen.position = state.position();
    // A live model has the login's `links` plus later `links_add` deltas (Murmur echoes the
    // request); links are symmetric, while the echo names one side only.
    seen.links.insert(state.links().begin(), state.links().end());
    seen.links.insert(state.links_add().begin(), state.links_add().end());
  }
  for (auto& [id, seen] : tree) {
    for (const auto other : seen.links) {
      if (tree.contains(other)) tree[other].links.insert(id);
    }
  }
  return tree;
}

std::string password_hash_in(const std::filesystem::path& database, std::uint32_t user) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT password_hash FROM users WHERE user_id = ?1", -1, &statement,
                             nullptr) == SQLITE_OK);
  sqlite3_bind_int64(statement, 1, user);
  std::string hash;
  if (sqlite3_step(statement) == SQLITE_ROW) {
    hash = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return hash;
}

ExitStatus run_import(const std::vector<std::string>& args, std::string& output) {
  ProcessOptions process;
  process.program = default_plenum_server_binary();
  process.args = args;
  ChildProcess child{process};
  const auto status = child.wait(deadline_in(std::chrono::seconds(30)));
  REQUIRE_MESSAGE(status.has_value(), "the import did not finish: " << child.output());
  output = child.output();
  return *status;
}

// What murmurd holds at the end of murmur_with_a_plenary(), as its admin saw it.
struct MurmurPicture {
  std::filesystem::path database;
  std::map<std::uint32_t, SeenChannel> tree;
  std::uint32_t plenary = 0;
  std::uint32_t carol = 0;  // carol's user id
  std::multiset<std::string> plenary_rules;
  std::multiset<std::string> plenary_groups;
};

MurmurPicture murmur_with_a_plenary(MurmurProcess& murmur) {
  MurmurPicture picture;
  murmur.set_superuser_password(kAdminPassword);
  murmur.start();
  auto admin = connect_as(murmur, "SuperUser", kAdminPassword);
  picture.plenary = make_channel(*admin, 0, "Plenary", "The main room", 5);
  const std::uint32_t lobby = make_channel(*admin, 0, "Lobby", "", -2);
  const std::uint32_t breakout = make_channel(*admin, picture.plenary, "Breakout A", "Small groups", 0);
  (void)breakout;
  MumbleProto::ChannelState link;
  link.set_channel_id(picture.plenary);
  link.add_links_add(lobby);
  admin->send(link, deadline_in(kStep));
  const auto linked = admin->wait_for<MumbleProto::ChannelState>(
      [&](const MumbleProto::ChannelState& s) {
        const auto& added = s.links_add();
        const auto& all = s.links();
        return std::find(added.begin(), added.end(), lobby) != added.end() ||
               std::find(all.begin(), all.end(), lobby) != all.end();
      },
      deadline_in(kStep));
  REQUIRE_MESSAGE(linked.has_value(), "murmur did not link the plenary and the lobby");

  // carol registers her certificate and sets a comment (stored for registered users).
  auto carol = connect_as(murmur, "carol", "", test_identity(31));
  MumbleProto::UserState self;
  self.set_session(carol->session());
  self.set_user_id(0);
  carol->send(self, deadline_in(kStep));
  const auto registered = carol->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) { return s.session() == carol->session() && s.has_user_id(); },
      deadline_in(kStep));
  REQUIRE_MESSAGE(registered.has_value(), "murmur did not register carol");
  picture.carol = registered->user_id();
  MumbleProto::UserState comment;
  comment.set_session(carol->session());
  comment.set_comment("Chair of the plenary");
  carol->send(comment, deadline_in(kStep));
  const auto commented = carol->wait_for<MumbleProto::UserState>(
      [&](const MumbleProto::UserState& s) { return s.session() == carol->session() && s.has_comment(); },
      deadline_in(kStep));
  REQUIRE_MESSAGE(commented.has_value(), "murmur did not take carol's comment");

  // The plenary's ACL: a `chairs` group with carol, who may mute; carol may also edit it.
  MumbleProto::ACL acl;
  acl.set_channel_id(picture.plenary);
  acl.set_inherit_acls(true);
  auto* group = acl.add_groups();
  group->set_name("chairs");
  group->set_inherited(false);
  group->set_inherit(true);
  group->set_inheritable(true);
  group->add_add(picture.carol);
  auto* chairs = acl.add_acls();
  chairs->set_group("chairs");
  chairs->set_inherited(false);
  chairs->set_grant(kMuteDeafen);
  chairs->set_deny(0);
  auto* own = acl.add_acls();
  own->set_user_id(picture.carol);
  own->set_inherited(false);
  own->set_apply_subs(false);
  own->set_grant(kWrite);
  own->set_deny(0);
  admin->send(acl, deadline_in(kStep));
  const auto stored_acl = query_acl(*admin, picture.plenary);
  picture.plenary_rules = own_rules(stored_acl);
  picture.plenary_groups = own_groups(stored_acl);
  REQUIRE(picture.plenary_rules.size() == 2);

  MumbleProto::BanList bans;
  auto* ban = bans.add_bans();
  const std::string address{"\0\0\0\0\0\0\0\0\0\0\xff\xff\xc6\x33\x64\x00", 16};
  ban->set_address(address);
  ban->set_mask(120);
  ban->set_reason("disrupted the last plenary");
  ban->set_duration(0);
  admin->send(bans, deadline_in(kStep));
  MumbleProto::BanList ask;
  ask.set_query(true);
  admin->send(ask, deadline_in(kStep));
  const auto listed = admin->wait_for<MumbleProto::BanList>(
      [](const MumbleProto::BanList& list) { return list.bans_size() == 1; }, deadline_in(kStep));
  REQUIRE_MESSAGE(listed.has_value(), "murmur did not keep the ban");

  picture.tree = tree_of(admin->model());
  REQUIRE(picture.tree.size() == 4);
  carol.reset();
  admin.reset();
  murmur.stop();
  picture.database = murmur.data_dir() / "murmur.sqlite";
  return picture;
}

MurmurOptions murmur_options() {
  MurmurOptions options;
  options.settings.extra_ini = {{"messageburst", "100"}, {"messagelimit", "100"}};
  return options;
}

TEST_CASE("a database written by murmurd imports, and Plenum serves the same tree to both users") {
  MurmurProcess murmur{murmur_options()};
  const MurmurPicture picture = murmur_with_a_plenary(murmur);

  PlenumOptions options = integration_options();
  options.log_level = "info";
  PlenumProcess plenum{options};
  std::string output;
  const ExitStatus status = run_import(
      {"--import-murmur", picture.database.string(), "--data-dir", plenum.data_dir().string()}, output);
  CHECK_MESSAGE(status.exit_code == 0, output);
  CHECK_MESSAGE(output.find("4 channels, 1 links, ") != std::string::npos, output);
  CHECK_MESSAGE(output.find("2 users (1 with a password), 1 bans") != std::string::npos, output);

  plenum.start();
  auto admin = connect_as(plenum, "SuperUser", kAdminPassword);
  CHECK(tree_of(admin->model()) == picture.tree);
  const auto plenary_acl = query_acl(*admin, picture.plenary);
  CHECK(own_rules(plenary_acl) == picture.plenary_rules);
  CHECK(own_groups(plenary_acl) == picture.plenary_groups);
  MumbleProto::BanList ask;
  ask.set_query(true);
  admin->send(ask, deadline_in(kStep));
  const auto bans = admin->wait_for<MumbleProto::BanList>([](const MumbleProto::BanList&) { return true; },
                                                          deadline_in(kStep));
  REQUIRE(bans.has_value());
  REQUIRE(bans->bans_size() == 1);
  CHECK(bans->bans(0).mask() == 120);
  CHECK(bans->bans(0).reason() == "disrupted the last plenary");

  auto carol = connect_as(plenum, "carol", "", test_identity(31));
  const auto* seen = carol->model().user(carol->session());
  REQUIRE(seen != nullptr);
  CHECK(seen->user_id() == picture.carol);
  CHECK(seen->comment() == "Chair of the plenary");

  // SuperUser's Murmur hash verified once, then replaced by Plenum's own.
  REQUIRE_MESSAGE(
      plenum.process()->wait_for_line("imported password hash upgraded", deadline_in(kStep)).has_value(),
      plenum.log());
  carol.reset();
  admin.reset();
  plenum.stop();
  CHECK(password_hash_in(plenum.data_dir() / "plenum.sqlite", 0).starts_with("$pbkdf2-sha256$"));
  plenum.start();
  connect_as(plenum, "SuperUser", kAdminPassword);
}

TEST_CASE("the import refuses a used Plenum database and a file that is not Murmur's") {
  MurmurProcess murmur{murmur_options()};
  const MurmurPicture picture = murmur_with_a_plenary(murmur);
  PlenumProcess plenum{integration_options()};
  std::string output;
  const std::vector<std::string> args{"--import-murmur", picture.database.string(), "--data-dir",
                                      plenum.data_dir().string()};
  REQUIRE(run_import(args, output).exit_code == 0);
  const ExitStatus again = run_import(args, output);
  CHECK(again.exit_code == 2);
  CHECK_MESSAGE(output.find("refusing to import") != std::string::npos, output);

  // A Plenum database is not a Murmur one: clear message, nothing written to the new target.
  const auto fresh = plenum.data_dir() / "fresh";
  const ExitStatus foreign = run_import(
      {"--import-murmur", (plenum.data_dir() / "plenum.sqlite").string(), "--data-dir", fresh.string()}, output);
  CHECK(foreign.exit_code == 2);
  CHECK_MESSAGE(output.find("is not a Murmur database") != std::string::npos, output);
  CHECK_FALSE(std::filesystem::exists(fresh / "plenum.sqlite"));
}

}  // namespace
}  // namespace plenum::test
