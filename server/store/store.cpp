#include "server/store/store.hpp"

#include <exception>
#include <utility>

#include "server/store/store_error.hpp"

namespace plenum::server::store {

Store::Store(std::unique_ptr<Database> database, log::Logger& logger)
    : database_{std::move(database)}, logger_{logger}, thread_{[this] { run(); }} {}

Store::~Store() {
  {
    const std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::uint64_t Store::post(Write write) {
  std::uint64_t number = 0;
  {
    const std::lock_guard lock{mutex_};
    queue_.push_back(std::move(write));
    number = ++posted_;
  }
  wake_.notify_one();
  return number;
}

void Store::set_finished_listener(std::function<void(std::uint64_t)> listener) {
  const std::lock_guard lock{mutex_};
  finished_listener_ = std::move(listener);
}

void Store::flush() {
  std::unique_lock lock{mutex_};
  const std::uint64_t target = posted_;
  finished_changed_.wait(lock, [&] { return finished_ >= target; });
}

void Store::run() {
  std::vector<Write> batch;
  for (;;) {
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      batch.swap(queue_);
    }
    apply(batch);
    // The listener hears a batch before flush() can see it finished, so that a flush() caller
    // knows the listener has been told.
    std::function<void(std::uint64_t)> listener;
    std::uint64_t finished = 0;
    {
      const std::lock_guard lock{mutex_};
      finished = finished_ + batch.size();
      listener = finished_listener_;
    }
    if (listener) listener(finished);
    {
      const std::lock_guard lock{mutex_};
      finished_ = finished;
    }
    finished_changed_.notify_all();
    batch.clear();
  }
}

void Store::apply(std::vector<Write>& batch) {
  std::uint64_t committed = 0;
  std::uint64_t failed = 0;
  try {
    Savepoint transaction = database_->savepoint();
    for (Write& write : batch) {
      try {
        Savepoint one = database_->savepoint();
        write(*database_);
        one.release();
        ++committed;
      } catch (const std::exception& error) {
        ++failed;
        logger_.error("store: write failed: {}", error.what());
      } catch (...) {
        ++failed;
        logger_.error("store: write failed with an unknown exception");
      }
      if (!database_->in_transaction()) {
        throw StoreError{"SQLite rolled the transaction back"};
      }
    }
    transaction.release();
  } catch (const std::exception& error) {
    // The transaction itself failed (disk full, I/O error): nothing of the batch is stored.
    committed = 0;
    failed = batch.size();
    logger_.error("store: {} writes lost: {}", batch.size(), error.what());
  }
  committed_ += committed;
  failed_ += failed;
}

void Store::upsert_channel(ChannelRecord channel) {
  post([channel = std::move(channel)](Database& db) { db.upsert_channel(channel); });
}

void Store::remove_channel(ChannelId id) {
  post([id](Database& db) { db.remove_channel(id); });
}

void Store::set_channel_links(ChannelId channel, std::vector<ChannelId> linked) {
  post([channel, linked = std::move(linked)](Database& db) {
    db.set_channel_links(channel, linked);
  });
}

void Store::replace_channel_acl(ChannelId channel, std::vector<AclRecord> acls,
                                std::vector<GroupRecord> groups) {
  post([channel, acls = std::move(acls), groups = std::move(groups)](Database& db) {
    db.replace_channel_acl(channel, acls, groups);
  });
}

void Store::upsert_user(RegisteredUser user) {
  post([user = std::move(user)](Database& db) { db.upsert_user(user); });
}

void Store::set_last_channel(UserId user, std::optional<ChannelId> channel) {
  post([user, channel](Database& db) { db.set_last_channel(user, channel); });
}

void Store::remove_user(UserId user) {
  post([user](Database& db) { db.remove_user(user); });
}

void Store::replace_bans(std::vector<BanRecord> bans) {
  post([bans = std::move(bans)](Database& db) { db.replace_bans(bans); });
}

void Store::set_setting(std::string key, std::string value) {
  post([key = std::move(key), value = std::move(value)](Database& db) {
    db.set_setting(key, value);
  });
}

}  // namespace plenum::server::store
