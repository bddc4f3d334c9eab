#include "tests/load/proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace plenum::load {
namespace {

std::optional<std::string> read_proc_file(pid_t pid, const char* name) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/" + name);
  if (!file) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

double seconds_of(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

std::optional<ProcessCpu> parse_stat_cpu(std::string_view stat, long ticks_per_second) {
  // Field 2 (comm) is in parentheses and may hold spaces or ')': fields restart after the
  // last ')'. utime and stime are fields 14 and 15, i.e. the 12th and 13th after comm.
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) {
    return std::nullopt;
  }
  std::istringstream fields{std::string(stat.substr(close + 1))};
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int index = 3; index <= 15; ++index) {
    if (!(fields >> field)) {
      return std::nullopt;
    }
    auto* target = index == 14 ? &utime : index == 15 ? &stime : nullptr;
    if (target != nullptr) {
      const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), *target);
      if (error != std::errc{} || end != field.data() + field.size()) {
        return std::nullopt;
      }
    }
  }
  const auto ticks = static_cast<double>(ticks_per_second);
  return ProcessCpu{static_cast<double>(utime) / ticks, static_cast<double>(stime) / ticks};
}

std::optional<std::uint64_t> parse_status_rss_kib(std::string_view status) {
  constexpr std::string_view kKey = "VmRSS:";
  const auto at = status.find(kKey);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  std::istringstream line{std::string(status.substr(at + kKey.size()))};
  std::uint64_t kib = 0;
  std::string unit;
  if (!(line >> kib >> unit) || unit != "kB") {
    return std::nullopt;
  }
  return kib;
}

std::optional<double> parse_host_busy_cpu_seconds(std::string_view proc_stat,
                                                  long ticks_per_second) {
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is
  // already inside user and nice.
  if (proc_stat.substr(0, 4) != "cpu " || ticks_per_second <= 0) {
    return std::nullopt;
  }
  std::istringstream fields{std::string(proc_stat.substr(4, proc_stat.find('\n')))};
  unsigned long long busy = 0;
  for (int index = 0; index < 8; ++index) {
    unsigned long long value = 0;
    if (!(fields >> value)) {
      return std::nullopt;
    }
    const bool idle = index == 3 || index == 4;
    busy += idle ? 0 : value;
  }
  return static_cast<double>(busy) / static_cast<double>(ticks_per_second);
}

std::optional<double> host_busy_cpu_seconds() {
  std::ifstream file("/proc/stat");
  std::string line;
  if (!std::getline(file, line)) {
    return std::nullopt;
  }
  return parse_host_busy_cpu_seconds(line, ::sysconf(_SC_CLK_TCK));
}

std::optional<ProcessCpu> process_cpu(pid_t pid) {
  const auto stat = read_proc_file(pid, "stat");
  return stat ? parse_stat_cpu(*stat, ::sysconf(_SC_CLK_TCK)) : std::nullopt;
}

std::optional<std::uint64_t> process_rss_kib(pid_t pid) {
  const auto status = read_proc_file(pid, "status");
  return status ? parse_status_rss_kib(*status) : std::nullopt;
}

double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

std::uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return 0;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::uint64_t>(limit.rlim_cur);
}

}  // namespace plenum::load
