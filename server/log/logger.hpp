// Logger: levelled, privacy-aware log lines on stderr. Shared by every plane; each line is one
// write, so threads never interleave within a line. Personal data (addresses, names, hashes)
// only appears when the operator enabled log_ip / log_names (DESIGN.md §5).
#pragma once

#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace plenum::server::log {

enum class Level : std::uint8_t { Debug, Info, Warn, Error };

std::string_view to_string(Level level) noexcept;

class Logger {
 public:
  Logger(Level threshold, bool log_ip, bool log_names) noexcept
      : threshold_{threshold}, log_ip_{log_ip}, log_names_{log_names} {}

  template <class... Args>
  void log(Level level, fmt::format_string<Args...> format, Args&&... args) {
    if (level < threshold_.load(std::memory_order_relaxed)) return;
    write(level, fmt::format(format, std::forward<Args>(args)...));
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... a) { log(Level::Debug, f, std::forward<Args>(a)...); }
  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... a) { log(Level::Info, f, std::forward<Args>(a)...); }
  template <class... Args>
  void warn(fmt::format_string<Args...> f, Args&&... a) { log(Level::Warn, f, std::forward<Args>(a)...); }
  template <class... Args>
  void error(fmt::format_string<Args...> f, Args&&... a) { log(Level::Error, f, std::forward<Args>(a)...); }

  bool enabled(Level level) const noexcept {
    return level >= threshold_.load(std::memory_order_relaxed);
  }
  // Any thread (a reload on the control thread); lines already being written are unaffected.
  void set_threshold(Level threshold) noexcept {
    threshold_.store(threshold, std::memory_order_relaxed);
  }

  // What a log line may say about a person: the value itself only with the operator's consent.
  std::string_view address(std::string_view ip) const noexcept { return log_ip_ ? ip : "[ip hidden]"; }
  std::string_view name(std::string_view user_name) const noexcept {
    return log_names_ ? user_name : "[name hidden]";
  }

  std::uint64_t lines_written() const noexcept { return lines_.load(std::memory_order_relaxed); }

 private:
  void write(Level level, std::string_view message);

  std::atomic<Level> threshold_;  // log_level; changed by a reload while other threads log
  bool log_ip_;
  bool log_names_;
  std::atomic<std::uint64_t> lines_{0};
};

// Lets a warning that a client can trigger at will through once per interval, and counts the rest,
// so a flood of bad input cannot flood the log. Owned by one executor.
class LogThrottle {
 public:
  explicit LogThrottle(std::chrono::steady_clock::duration interval) noexcept : interval_{interval} {}
  // True when a line may be written now; `suppressed` then holds how many were held back.
  bool allow(std::chrono::steady_clock::time_point now, std::uint64_t& suppressed) noexcept;

 private:
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point next_{};
  std::uint64_t held_back_ = 0;
};

}  // namespace plenum::server::log
