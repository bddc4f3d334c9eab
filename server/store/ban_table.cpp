#include "server/store/ban_table.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "server/store/store_error.hpp"

namespace plenum::server::store {

BanTable::BanTable(sqlite3* db)
    : db_{db},
      delete_all_{db, "DELETE FROM bans"},
      insert_{db,
              "INSERT INTO bans (address, mask_bits, cert_hash, name, reason, start, duration) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      select_{db,
              "SELECT address, mask_bits, cert_hash, name, reason, start, duration FROM bans "
              "ORDER BY id"} {}

void BanTable::replace(std::span<const BanRecord> bans) {
  Savepoint savepoint{db_};
  delete_all_.start().run();
  for (const BanRecord& ban : bans) {
    insert_.start();
    if (ban.address) {
      insert_.bind_blob(1, ban.address->bytes).bind(2, std::int64_t{ban.address->mask_bits});
    }
    insert_.bind(3, ban.cert_hash)
        .bind(4, ban.name)
        .bind(5, ban.reason)
        .bind(6, ban.start)
        .bind(7, ban.duration)
        .run();
  }
  savepoint.release();
}

std::vector<BanRecord> BanTable::load() {
  std::vector<BanRecord> bans;
  select_.start();
  while (select_.next_row()) {
    BanRecord& ban = bans.emplace_back();
    if (!select_.is_null(0)) {
      const std::vector<std::uint8_t> bytes = select_.blob(0);  // 16 bytes: CHECK in the schema
      const std::uint32_t mask = select_.is_null(1) ? 128 : select_.uint32(1);
      if (bytes.size() != 16 || mask > 128) {
        throw StoreError{fmt::format("store: {}: malformed address ban in row {}",
                                     sqlite3_db_filename(db_, "main"), bans.size())};
      }
      BanAddress& address = ban.address.emplace();
      std::copy(bytes.begin(), bytes.end(), address.bytes.begin());
      address.mask_bits = static_cast<std::uint8_t>(mask);
    }
    ban.cert_hash = select_.text(2);
    if (!select_.is_null(3)) ban.name = select_.text(3);
    ban.reason = select_.text(4);
    ban.start = select_.int64(5);
    ban.duration = select_.uint32(6);
  }
  return bans;
}

}  // namespace plenum::server::store
