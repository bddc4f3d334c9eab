#include "server/metrics/process_memory.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace plenum::server::metrics {

std::optional<std::uint64_t> resident_bytes_from_statm(std::string_view statm, std::uint64_t page_size) {
  // "size resident shared text lib data dt", in pages.
  const auto first_space = statm.find(' ');
  if (first_space == std::string_view::npos) return std::nullopt;
  const std::string_view rest = statm.substr(first_space + 1);
  std::uint64_t pages = 0;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), pages);
  if (error != std::errc{} || end == rest.data()) return std::nullopt;
  return pages * page_size;
}

std::optional<std::uint64_t> resident_memory_bytes() {
  std::ifstream in{"/proc/self/statm"};
  const std::string statm{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (statm.empty() || page_size <= 0) return std::nullopt;
  return resident_bytes_from_statm(statm, static_cast<std::uint64_t>(page_size));
}

}  // namespace plenum::server::metrics
