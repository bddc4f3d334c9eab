// docs/operator-guide.md §3 is the operator's reference for every config key: this keeps its
// table in step with config_keys() (name, default, reload behaviour), so neither can drift.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "server/config/config_keys.hpp"
#include "server/config/reload_plan.hpp"

using namespace plenum::server::config;

namespace {

// The rows of §3's key table: "| `key` | default | SIGHUP | meaning |", by key.
std::map<std::string, std::vector<std::string>> key_rows() {
  std::ifstream in{std::string{PLENUM_SOURCE_DIR} + "/docs/operator-guide.md"};
  REQUIRE(in);
  std::map<std::string, std::vector<std::string>> rows;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) in_section = line.starts_with("## 3. ");
    if (!in_section || !line.starts_with("| `")) continue;
    std::vector<std::string> cells;
    std::istringstream cells_in{line.substr(1)};
    std::string cell;
    while (std::getline(cells_in, cell, '|')) {
      const auto first = cell.find_first_not_of(' ');
      const auto last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
    }
    if (cells.size() < 4 || cells[0].size() < 3 || cells[0].back() != '`') continue;
    rows[cells[0].substr(1, cells[0].size() - 2)] = cells;
  }
  return rows;
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("the operator guide documents every config key with its default and reload rule") {
    const auto rows = key_rows();
    const ServerConfig defaults;
    for (const ConfigKey& key : config_keys()) {
      INFO("key: ", key.name);
      const auto row = rows.find(std::string{key.name});
      REQUIRE(row != rows.end());
      const std::vector<std::string>& cells = row->second;
      CHECK(cells[2] == (reloadable(key.name) ? "yes" : "restart"));
      // Patterns hold '|' and backslashes, which a Markdown table cannot show: those rows point
      // at plenum.ini instead.
      if (cells[1] != "see `plenum.ini`") {
        const std::string value = key.format(defaults);
        CHECK(cells[1] == (key.quoted ? "`\"" + value + "\"`" : "`" + value + "`"));
      }
      CHECK_FALSE(cells[3].empty());
    }
  }

  TEST_CASE("the operator guide's key table names no key the server does not know") {
    const auto rows = key_rows();
    CHECK(rows.size() == config_keys().size());
    for (const auto& [name, cells] : rows) {
      INFO("row: ", name);
      CHECK(find_config_key(name) != nullptr);
    }
  }
}
