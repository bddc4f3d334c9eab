// Resource readings of a process (the server under test, by pid, all threads) from /proc,
// and of the load generator itself (getrusage). Plain functions, any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace plenum::load {

// CPU of every thread of a process, in seconds, split as the kernel accounts it. On loopback
// most of a voice server's cost is system time: the kernel delivers each datagram into the
// receiver's socket (and wakes it) in the sender's context.
struct ProcessCpu {
  double user_s = 0;
  double system_s = 0;
  double total() const noexcept { return user_s + system_s; }
};

// nullopt when the process is gone.
std::optional<ProcessCpu> process_cpu(pid_t pid);
// VmRSS of `pid` in KiB; nullopt when the process is gone.
std::optional<std::uint64_t> process_rss_kib(pid_t pid);

// The parsers behind them, for tests: the contents of /proc/<pid>/stat and /proc/<pid>/status.
// `ticks_per_second` is sysconf(_SC_CLK_TCK).
std::optional<ProcessCpu> parse_stat_cpu(std::string_view stat, long ticks_per_second);
std::optional<std::uint64_t> parse_status_rss_kib(std::string_view status);

// CPU seconds the whole host spent busy (all cores; /proc/stat's first line, idle and iowait
// excluded): what other processes take shows up as the rest after server and generator.
std::optional<double> host_busy_cpu_seconds();
std::optional<double> parse_host_busy_cpu_seconds(std::string_view proc_stat, long ticks_per_second);

// user + system CPU of this process so far, in seconds.
double own_cpu_seconds();

// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the new soft limit.
std::uint64_t raise_open_file_limit();

}  // namespace plenum::load
