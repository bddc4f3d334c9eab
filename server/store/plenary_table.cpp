#include "server/store/plenary_table.hpp"

namespace plenum::server::store {

namespace {

std::optional<std::int64_t> as_int(const std::optional<std::uint32_t>& value) {
  if (!value) return std::nullopt;
  return static_cast<std::int64_t>(*value);
}

}  // namespace

PlenaryTable::PlenaryTable(sqlite3* db)
    : upsert_{db,
              "INSERT INTO channel_plenary (channel_id, mode, topk, mix_bitrate, gate_db, transmit, "
              "moderated, queue, time_limit) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
              "ON CONFLICT (channel_id) DO UPDATE SET mode = excluded.mode, topk = excluded.topk, "
              "mix_bitrate = excluded.mix_bitrate, gate_db = excluded.gate_db, transmit = "
              "excluded.transmit, moderated = excluded.moderated, queue = excluded.queue, "
              "time_limit = excluded.time_limit"},
      remove_{db, "DELETE FROM channel_plenary WHERE channel_id = ?1"},
      select_{db,
              "SELECT channel_id, mode, topk, mix_bitrate, gate_db, transmit, moderated, queue, "
              "time_limit FROM channel_plenary ORDER BY channel_id"} {}

void PlenaryTable::upsert(const PlenaryRecord& record) {
  upsert_.start()
      .bind(1, record.channel_id)
      .bind(2, record.mode)
      .bind(3, as_int(record.topk))
      .bind(4, as_int(record.mix_bitrate_bps))
      .bind(5, as_int(record.gate_db))
      .bind(6, record.transmit)
      .bind(7, std::int64_t{record.moderated ? 1 : 0})
      .bind(8, record.queue)
      .bind(9, std::int64_t{record.time_limit_s})
      .run();
}

void PlenaryTable::remove(ChannelId channel) { remove_.start().bind(1, channel).run(); }

std::vector<PlenaryRecord> PlenaryTable::load() {
  std::vector<PlenaryRecord> records;
  select_.start();
  while (select_.next_row()) {
    PlenaryRecord& record = records.emplace_back();
    record.channel_id = select_.uint32(0);
    if (!select_.is_null(1)) record.mode = select_.text(1);
    if (!select_.is_null(2)) record.topk = select_.uint32(2);
    if (!select_.is_null(3)) record.mix_bitrate_bps = select_.uint32(3);
    if (!select_.is_null(4)) record.gate_db = select_.uint32(4);
    if (!select_.is_null(5)) record.transmit = select_.text(5);
    record.moderated = select_.boolean(6);
    record.queue = select_.text(7);
    record.time_limit_s = select_.uint32(8);
  }
  return records;
}

}  // namespace plenum::server::store
