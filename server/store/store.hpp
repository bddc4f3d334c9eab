// Store: the database writer behind the control plane. It owns the Database and one thread,
// the store thread, which alone touches the Database from construction to destruction. Any
// thread may post writes; posting never waits for the disk.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/log/logger.hpp"
#include "server/store/database.hpp"
#include "server/store/records.hpp"

namespace plenum::server::store {

class Store {
 public:
  // Runs on the store thread, inside the batch's transaction.
  using Write = std::function<void(Database&)>;

  // `database` was opened (and loaded) by the caller; from here on only the store thread
  // uses it. `logger` must outlive the Store.
  Store(std::unique_ptr<Database> database, log::Logger& logger);
  // Applies every write posted so far, then closes the database.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Writes run in the order posted, batched into one transaction per wake-up. A write that
  // throws is rolled back alone, logged and counted; the others still commit. Returns the
  // write's number (1, 2, ...): it is durable once finished() reaches it.
  std::uint64_t post(Write write);
  // Called on the store thread after each batch's commit with the number of writes finished
  // so far (committed or failed, in order). Lets the control plane hold a confirmation until
  // the change it confirms is on disk. Empty: nobody is told.
  void set_finished_listener(std::function<void(std::uint64_t finished)> listener);
  // Blocks until every write posted before the call has been committed or has failed, and the
  // finished listener has heard it.
  void flush();

  // Typed writes: each copies its arguments and posts the matching Database call.
  void upsert_channel(ChannelRecord channel);
  void remove_channel(ChannelId id);
  void set_channel_links(ChannelId channel, std::vector<ChannelId> linked);
  void replace_channel_acl(ChannelId channel, std::vector<AclRecord> acls,
                           std::vector<GroupRecord> groups);
  void upsert_user(RegisteredUser user);
  void set_last_channel(UserId user, std::optional<ChannelId> channel);
  void remove_user(UserId user);
  void replace_bans(std::vector<BanRecord> bans);
  void set_setting(std::string key, std::string value);

  std::uint64_t writes_committed() const noexcept { return committed_.load(); }
  std::uint64_t writes_failed() const noexcept { return failed_.load(); }

 private:
  void run();
  void apply(std::vector<Write>& batch);

  // Allocated by this; touched only by the store thread.
  std::unique_ptr<Database> database_;
  // Passed by argument.
  log::Logger& logger_;

  // Guards queue_, posted_, finished_, stopping_ and finished_listener_ between posting threads and the store thread.
  std::mutex mutex_;
  std::condition_variable wake_;              // the store thread waits for work
  std::condition_variable finished_changed_;  // flush() waits for progress
  std::vector<Write> queue_;
  std::uint64_t posted_ = 0;    // writes ever posted
  std::uint64_t finished_ = 0;  // writes committed or failed
  bool stopping_ = false;
  std::function<void(std::uint64_t)> finished_listener_;

  std::atomic<std::uint64_t> committed_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace plenum::server::store
