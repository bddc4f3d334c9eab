// --import-murmur: copies one Murmur virtual server (murmur_reader.hpp) into a new or empty
// Plenum database, in one transaction. Startup thread only; the server is not running.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace plenum::server::store {

struct ImportSummary {
  std::size_t channels = 0;  // the root included
  std::size_t links = 0;
  std::size_t acl_entries = 0;
  std::size_t groups = 0;
  std::size_t group_members = 0;
  std::size_t users = 0;  // SuperUser included
  std::size_t users_with_password = 0;
  std::size_t bans = 0;

  // "12 channels, 5 links, 40 ACL entries, 9 groups (23 members), 31 users (18 with a
  // password), 2 bans"
  std::string describe() const;
};

// Reads `murmur_file` completely before it opens `target`, so a file that fails to read writes
// nothing and creates nothing. `target` must be new, or a Plenum database that holds no more
// than a fresh server writes (the root channel and SuperUser without a password); anything
// else throws StoreError that says what it holds. Every failure is a StoreError with one line.
ImportSummary import_murmur(const std::filesystem::path& murmur_file, std::int64_t server_id,
                            const std::filesystem::path& target);

}  // namespace plenum::server::store
