#include "server/log/logger.hpp"

#include <fmt/chrono.h>

#include <cstdio>
#include <ctime>

namespace plenum::server::log {

std::string_view to_string(Level level) noexcept {
  switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
  }
  return "?";
}

void Logger::write(Level level, std::string_view message) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  // One fwrite per line: stdio locks the stream per call, so lines from different threads
  // never interleave.
  const std::string line = fmt::format("{:%Y-%m-%dT%H:%M:%SZ} {} {}\n", utc, to_string(level), message);
  std::fwrite(line.data(), 1, line.size(), stderr);
  lines_.fetch_add(1, std::memory_order_relaxed);
}

bool LogThrottle::allow(std::chrono::steady_clock::time_point now, std::uint64_t& suppressed) noexcept {
  if (now < next_) {
    ++held_back_;
    return false;
  }
  next_ = now + interval_;
  suppressed = held_back_;
  held_back_ = 0;
  return true;
}

}  // namespace plenum::server::log
