#include "server/store/murmur_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "server/store/password_hash.hpp"
#include "server/store/sqlite.hpp"
#include "server/store/store_error.hpp"

namespace plenum::server::store {

namespace {

// Murmur's ServerDB::ChannelInfo and ServerDB::UserInfo keys (ServerDB.h, 1.3 to 1.5).
enum ChannelInfoKey : std::int64_t { kDescription = 0, kPosition = 1, kMaxUsers = 2 };
enum UserInfoKey : std::int64_t { kComment = 2, kCertHash = 3 };

constexpr const char* kMurmurTables[] = {"servers", "channels", "channel_info", "channel_links",
                                         "acl",     "groups",   "group_members", "users",
                                         "user_info", "bans"};

struct CloseDb {
  void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
};
using Connection = std::unique_ptr<sqlite3, CloseDb>;

class Reader {
 public:
  Reader(const std::filesystem::path& file, std::int64_t server_id)
      : file_{file}, server_id_{server_id} {}

  MurmurServer read() {
    open();
    check_shape();
    read_channels();
    read_channel_info();
    order_channels();
    read_links();
    read_acls();
    read_groups();
    read_users();
    read_bans();
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(std::string_view problem) const {
    throw StoreError{fmt::format("import: {}: {}", file_.string(), problem)};
  }

  void open() {
    std::error_code error;
    if (!std::filesystem::is_regular_file(file_, error)) fail("no such file");
    sqlite3* raw = nullptr;
    const int result = sqlite3_open_v2(file_.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    db_.reset(raw);
    if (result != SQLITE_OK) fail(fmt::format("cannot open: {}", sqlite3_errstr(result)));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 2000);
    // The first read: a file that is not a database fails here.
    const int check = sqlite3_exec(raw, "PRAGMA schema_version", nullptr, nullptr, nullptr);
    if (check != SQLITE_OK) fail(fmt::format("is not an SQLite database ({})", sqlite3_errmsg(raw)));
    Statement quick{raw, "PRAGMA quick_check(1)"};
    quick.start();
    const std::string verdict = quick.next_row() ? quick.text(0) : std::string{"no answer"};
    quick.start();
    if (verdict != "ok") fail(fmt::format("is damaged (integrity check: {})", verdict));
  }

  void check_shape() {
    Statement table{db_.get(), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1"};
    for (const char* name : kMurmurTables) {
      if (!table.start().bind(1, std::string_view{name}).next_row()) {
        fail(fmt::format("is not a Murmur database (no table \"{}\")", name));
      }
      table.start();
    }
    Statement server{db_.get(), "SELECT server_id FROM servers ORDER BY server_id"};
    std::vector<std::int64_t> ids;
    server.start();
    while (server.next_row()) ids.push_back(server.int64(0));
    if (std::find(ids.begin(), ids.end(), server_id_) == ids.end()) {
      std::string known;
      for (const auto id : ids) known += (known.empty() ? "" : ", ") + std::to_string(id);
      fail(fmt::format("has no virtual server {} (it has: {}); pick one with --server-id",
                       server_id_, known.empty() ? "none" : known));
    }
  }

  // A statement over this server's rows: ?1 is the server id, bound by start_rows().
  Statement query(std::string_view sql) { return Statement{db_.get(), sql}; }
  void start_rows(Statement& rows) const { rows.start().bind(1, server_id_); }

  std::uint32_t id_of(std::int64_t value, std::string_view what) const {
    if (value < 0 || value > 0xFFFF'FFFFLL) fail(fmt::format("{} {} is out of range", what, value));
    return static_cast<std::uint32_t>(value);
  }

  void read_channels() {
    auto rows = query(
        "SELECT channel_id, parent_id, name, inheritacl FROM channels WHERE server_id = ?1 "
        "ORDER BY channel_id");
    start_rows(rows);
    while (rows.next_row()) {
      ChannelRecord channel;
      channel.id = id_of(rows.int64(0), "channel id");
      if (!rows.is_null(1)) channel.parent = id_of(rows.int64(1), "parent channel id");
      channel.name = rows.is_null(2) ? std::string{} : rows.text(2);
      channel.inherit_acls = rows.is_null(3) || rows.int64(3) != 0;
      channels_.emplace(channel.id, std::move(channel));
    }
    const auto root = channels_.find(0);
    if (root == channels_.end()) fail("has no root channel (channel 0) in this server");
    root->second.parent.reset();
  }

  void read_channel_info() {
    auto rows = query("SELECT channel_id, key, value FROM channel_info WHERE server_id = ?1");
    start_rows(rows);
    while (rows.next_row()) {
      const auto it = channels_.find(id_of(rows.int64(0), "channel id"));
      if (it == channels_.end() || rows.is_null(1) || rows.is_null(2)) continue;
      const std::string value = rows.text(2);
      switch (rows.int64(1)) {
        case kDescription: it->second.description = value; break;
        case kPosition: it->second.position = number<std::int32_t>(value, "channel position"); break;
        case kMaxUsers: it->second.max_users = number<std::uint32_t>(value, "channel max users"); break;
        default: break;
      }
    }
  }

  template <class T>
  T number(const std::string& text, std::string_view what) const {
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
      fail(fmt::format("{} \"{}\" is not a number", what, text));
    }
    return value;
  }

  // Parents before children, so the foreign keys hold at every insert; anything not reachable
  // from the root (a missing parent, a cycle) stops the import.
  void order_channels() {
    std::multimap<std::uint32_t, std::uint32_t> children;
    for (const auto& [id, channel] : channels_) {
      if (id == 0) continue;
      if (!channel.parent || !channels_.contains(*channel.parent)) {
        fail(fmt::format("channel {} has no parent in this server", id));
      }
      children.emplace(*channel.parent, id);
    }
    std::vector<std::uint32_t> order{0};
    for (std::size_t i = 0; i < order.size(); ++i) {
      const auto [first, last] = children.equal_range(order[i]);
      for (auto it = first; it != last; ++it) order.push_back(it->second);
    }
    if (order.size() != channels_.size()) fail("its channels do not form a tree (a parent cycle)");
    for (const auto id : order) out_.state.channels.push_back(channels_.at(id));
  }

  void read_links() {
    std::set<std::pair<std::uint32_t, std::uint32_t>> links;
    auto rows = query("SELECT channel_id, link_id FROM channel_links WHERE server_id = ?1");
    start_rows(rows);
    while (rows.next_row()) {
      const auto a = id_of(rows.int64(0), "linked channel id");
      const auto b = id_of(rows.int64(1), "linked channel id");
      // Murmur stores each link in both directions; a link to a removed channel is dropped.
      if (a == b || !channels_.contains(a) || !channels_.contains(b)) continue;
      links.emplace(std::min(a, b), std::max(a, b));
    }
    for (const auto& [a, b] : links) out_.state.links.push_back(LinkRecord{a, b});
  }

  void read_acls() {
    auto rows = query(
        "SELECT channel_id, priority, user_id, group_name, apply_here, apply_sub, grantpriv, "
        "revokepriv FROM acl WHERE server_id = ?1 ORDER BY channel_id, priority");
    start_rows(rows);
    std::map<std::uint32_t, std::uint32_t> next_priority;
    while (rows.next_row()) {
      const auto channel = id_of(rows.int64(0), "ACL channel id");
      if (!channels_.contains(channel)) continue;
      AclRecord acl;
      acl.channel_id = channel;
      // Renumbered 0, 1, ... per channel: only the order matters (Murmur's ChanACL list).
      acl.priority = next_priority[channel]++;
      if (!rows.is_null(2) && rows.int64(2) >= 0) acl.user_id = id_of(rows.int64(2), "ACL user id");
      if (!acl.user_id) acl.group = rows.is_null(3) ? std::string{} : rows.text(3);
      acl.apply_here = rows.is_null(4) || rows.int64(4) != 0;
      acl.apply_subs = rows.is_null(5) || rows.int64(5) != 0;
      acl.grant = rows.is_null(6) ? 0U : static_cast<std::uint32_t>(rows.int64(6));
      acl.deny = rows.is_null(7) ? 0U : static_cast<std::uint32_t>(rows.int64(7));
      out_.state.acls.push_back(std::move(acl));
    }
  }

  void read_groups() {
    std::map<std::int64_t, GroupRecord> by_id;
    auto rows = query(
        "SELECT group_id, channel_id, name, inherit, inheritable FROM groups WHERE server_id = "
        "?1 ORDER BY channel_id, name");
    start_rows(rows);
    while (rows.next_row()) {
      const auto channel = id_of(rows.int64(1), "group channel id");
      if (!channels_.contains(channel) || rows.is_null(2)) continue;
      GroupRecord group;
      group.channel_id = channel;
      group.name = rows.text(2);
      group.inherit = rows.is_null(3) || rows.int64(3) != 0;
      group.inheritable = rows.is_null(4) || rows.int64(4) != 0;
      by_id.emplace(rows.int64(0), std::move(group));
    }
    auto members = query("SELECT group_id, user_id, addit FROM group_members WHERE server_id = ?1");
    start_rows(members);
    while (members.next_row()) {
      const auto it = by_id.find(members.int64(0));
      if (it == by_id.end()) continue;
      const auto user = id_of(members.int64(1), "group member id");
      const bool add = members.is_null(2) || members.int64(2) != 0;
      (add ? it->second.add : it->second.remove).insert(user);
      ++out_.group_members;
    }
    for (auto& [id, group] : by_id) out_.state.groups.push_back(std::move(group));
    std::sort(out_.state.groups.begin(), out_.state.groups.end(),
              [](const GroupRecord& a, const GroupRecord& b) {
                return std::tie(a.channel_id, a.name) < std::tie(b.channel_id, b.name);
              });
  }

  void read_users() {
    auto rows = query(
        "SELECT user_id, name, pw, salt, kdfiterations FROM users WHERE server_id = ?1 "
        "ORDER BY user_id");
    start_rows(rows);
    std::map<std::string, std::uint32_t> by_folded_name;
    while (rows.next_row()) {
      RegisteredUser user;
      user.user_id = id_of(rows.int64(0), "user id");
      user.name = rows.is_null(1) ? std::string{} : rows.text(1);
      if (user.name.empty()) fail(fmt::format("user {} has no name", user.user_id));
      // Plenum's user names are unique regardless of ASCII case; Murmur's are not.
      std::string folded = user.name;
      for (char& c : folded) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      if (const auto [it, fresh] = by_folded_name.emplace(folded, user.user_id); !fresh) {
        fail(fmt::format("users {} and {} have names that differ only in case (\"{}\"); rename one "
                         "in Murmur first",
                         it->second, user.user_id, user.name));
      }
      const std::string pw = rows.is_null(2) ? std::string{} : rows.text(2);
      const std::string salt = rows.is_null(3) ? std::string{} : rows.text(3);
      const std::int64_t iterations = rows.is_null(4) ? 0 : rows.int64(4);
      try {
        user.password_hash = murmur_password_hash(pw, salt, iterations);
      } catch (const std::invalid_argument&) {
        fail(fmt::format("user {} has a password hash Murmur itself could not check", user.user_id));
      }
      if (!user.password_hash.empty()) ++out_.users_with_password;
      users_.emplace(user.user_id, out_.state.users.size());
      out_.state.users.push_back(std::move(user));
    }
    auto info = query(
        "SELECT user_id, key, value FROM user_info WHERE server_id = ?1 AND key IN (2, 3)");
    start_rows(info);
    while (info.next_row()) {
      const auto it = users_.find(id_of(info.int64(0), "user id"));
      if (it == users_.end() || info.is_null(2)) continue;
      RegisteredUser& user = out_.state.users[it->second];
      const std::string value = info.text(2);
      if (info.int64(1) == kComment && !value.empty()) user.comment = value;
      if (info.int64(1) == kCertHash) user.cert_hash = value;
    }
  }

  void read_bans() {
    // `start` is a QDateTime Qt wrote as ISO 8601 text; strftime turns it into unix seconds.
    auto rows = query(
        "SELECT base, mask, name, hash, reason, CAST(strftime('%s', start) AS INTEGER), duration "
        "FROM bans WHERE server_id = ?1");
    start_rows(rows);
    while (rows.next_row()) {
      const std::vector<std::uint8_t> base = rows.is_null(0) ? std::vector<std::uint8_t>{} : rows.blob(0);
      const std::int64_t mask = rows.is_null(1) ? -1 : rows.int64(1);
      // Murmur's Ban::isValid: a 16-byte address and a mask of 8..128 bits; it loads no other.
      if (base.size() != 16 || mask < 8 || mask > 128) continue;
      BanRecord ban;
      BanAddress address;
      std::copy(base.begin(), base.end(), address.bytes.begin());
      address.mask_bits = static_cast<std::uint8_t>(mask);
      ban.address = address;
      if (!rows.is_null(2) && !rows.text(2).empty()) ban.name = rows.text(2);
      ban.cert_hash = rows.is_null(3) ? std::string{} : rows.text(3);
      ban.reason = rows.is_null(4) ? std::string{} : rows.text(4);
      ban.start = rows.is_null(5) ? 0 : rows.int64(5);
      ban.duration = rows.is_null(6) ? 0U : static_cast<std::uint32_t>(std::max<std::int64_t>(0, rows.int64(6)));
      out_.state.bans.push_back(std::move(ban));
    }
  }

  const std::filesystem::path& file_;
  std::int64_t server_id_;
  Connection db_;
  std::map<std::uint32_t, ChannelRecord> channels_;
  std::map<std::uint32_t, std::size_t> users_;  // user id -> index in out_.state.users
  MurmurServer out_;
};

}  // namespace

MurmurServer read_murmur_database(const std::filesystem::path& file, std::int64_t server_id) {
  return Reader{file, server_id}.read();
}

}  // namespace plenum::server::store
