// LoadRun: one plenum-load run against one server: connect every client (a few at a time),
// read RSS, encode the speakers' Opus loops, put listeners in their mode and await it, warm
// up, measure for the window, cool down, then build the LoadReport. Owns the io_context, which
// runs on the caller's thread only, every LoadClient, and the SendLog they time packets by.
#pragma once

#include "tests/load/load_client.hpp"
#include "tests/load/load_counters.hpp"
#include "tests/load/load_options.hpp"
#include "tests/load/load_report.hpp"
#include "tests/load/opus_loops.hpp"
#include "tests/load/proc_stats.hpp"
#include "tests/load/send_log.hpp"
#include "tests/load/speaker_signals.hpp"
#include "tests/load/speaker_schedule.hpp"

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plenum::load {

struct ServerTarget {
  std::string name;  // for the report
  std::string host;
  std::uint16_t port = 0;
  std::optional<pid_t> pid;  // CPU and RSS readings need it
};

class LoadRun {
 public:
  using Clock = std::chrono::steady_clock;

  LoadRun(LoadOptions options, ServerTarget target);
  ~LoadRun();
  LoadRun(const LoadRun&) = delete;
  LoadRun& operator=(const LoadRun&) = delete;

  // The whole run, blocking. Throws std::runtime_error when the server cannot be resolved.
  LoadReport run();

 private:
  void connect_all(LoadReport& report);
  void start_next_client();
  void start_keepalive();
  void on_keepalive();
  void prepare_voice(LoadReport& report);
  void switch_modes(LoadReport& report);
  void await_modes(LoadReport& report);
  void start_speaking();
  void on_speaker_tick();
  void measure_window(LoadReport& report);
  void collect(LoadReport& report);
  void collect_modes(LoadReport& report);
  void collect_mix(ModeSection& section);
  void run_until(const std::function<bool()>& done, Clock::time_point deadline);
  void run_for(Clock::duration duration);
  void progress(const std::string& line) const;
  std::optional<ProcessCpu> server_cpu() const;

  // Passed by argument.
  LoadOptions options_;
  ServerTarget target_;

  // Allocated by this (the io_context first: clients die before it).
  boost::asio::io_context io_{1};
  boost::asio::ssl::context tls_;
  LoadCounters counters_;
  UdpScratch scratch_;
  SendLog send_log_;
  std::optional<LoadClientContext> client_context_;
  std::vector<std::unique_ptr<LoadClient>> clients_;
  boost::asio::steady_timer keepalive_;
  boost::asio::steady_timer speaker_timer_;

  // Connect phase.
  std::uint32_t next_client_ = 0;
  std::uint32_t in_flight_ = 0;
  std::uint32_t settled_ = 0;
  std::map<std::string, std::uint32_t> failures_;

  // Voice phase.
  std::vector<LoadClient*> speakers_;
  std::vector<std::uint64_t> sequences_;
  std::vector<std::uint64_t> window_sent_by_;  // per speaker
  std::vector<SignalSpec> signals_;
  std::vector<OpusLoop> loops_;
  std::uint64_t all_mode_clients_ = 0;  // connected clients in mode all (deliveries expected)
  std::uint64_t onsets_sent_ = 0;       // in the window
  std::optional<SpeakerSchedule> schedule_;
  Clock::time_point speaking_since_{};
  std::uint64_t next_slot_ = 0;
  bool in_window_ = false;
  std::uint64_t keepalive_tick_ = 0;
};

}  // namespace plenum::load
