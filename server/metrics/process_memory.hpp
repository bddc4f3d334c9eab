// resident_memory_bytes: the process's resident set size from /proc/self/statm (prometheus-cpp
// has no process collector). Stateless; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace plenum::server::metrics {

std::optional<std::uint64_t> resident_memory_bytes();
// The resident pages (statm's second field) times `page_size`; nullopt when `statm` is not
// "size resident ...".
std::optional<std::uint64_t> resident_bytes_from_statm(std::string_view statm, std::uint64_t page_size);

}  // namespace plenum::server::metrics
