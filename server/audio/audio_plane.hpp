// AudioPlane: the audio engine's thread (DESIGN.md §7). Owns an io_context (concurrency hint 1),
// the AudioEngine and its tick: every 20 ms on an absolute deadline it drains the speaker frames
// the voice threads queued, runs one engine tick and hands the mixes, the selection and the
// notices to EnginePorts. A tick that starts more than one frame late skips ahead (counted in
// ticks_late) rather than drifting. Everything inside runs on the engine thread; the control
// plane reaches it only through set_snapshot.
#pragma once

#include "server/audio/audio_engine.hpp"
#include "server/audio/engine_frames.hpp"
#include "server/log/logger.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace plenum::server::audio {

// What the engine thread reads from and writes to the other planes. The wiring in Server
// implements it over the voice plane (frames in, mixes and selection out) and the control plane
// (selection, notices); every method is called on the engine thread and must not block.
class EnginePorts {
 public:
  virtual ~EnginePorts() = default;
  // Hands every speaker frame queued since the last call to `take`.
  virtual void drain_frames(const std::function<void(const SpeakerFrame&)>& take) = 0;
  virtual void deliver_mix(std::shared_ptr<const std::vector<ChannelTick>> ticks) = 0;
  virtual void publish_selection(std::shared_ptr<const SelectionSnapshot> selection) = 0;
  virtual void notify(std::vector<EngineNotice> notices) = 0;
};

class AudioPlane {
 public:
  static constexpr std::chrono::milliseconds kTick{20};
  // How often the engine's counters are logged when they changed (the periodic stats line).
  static constexpr std::chrono::seconds kStatsInterval{10};

  AudioPlane(log::Logger& logger, EnginePorts& ports);
  ~AudioPlane();
  AudioPlane(const AudioPlane&) = delete;
  AudioPlane& operator=(const AudioPlane&) = delete;

  void start();
  // Any thread, idempotent, does not wait.
  void stop();
  void join();

  // Any thread: the engine channels to work on (from the routing snapshot).
  void set_snapshot(std::shared_ptr<const EngineSnapshot> snapshot);

  // The counters when the thread ended.
  EngineCounters final_counters() const;

 private:
  boost::asio::awaitable<void> tick_loop();
  EngineCounters counters() const;  // the engine's, with the plane's late ticks
  void run_tick(Clock::time_point now);

  // Passed by argument.
  log::Logger& logger_;
  EnginePorts& ports_;
  // Allocated by this; the engine thread after start().
  boost::asio::io_context io_{1};
  boost::asio::steady_timer timer_;
  AudioEngine engine_;
  TickOutput output_;
  bool stopping_ = false;
  std::uint64_t ticks_late_ = 0;
  EngineCounters logged_{};
  Clock::time_point next_stats_{};
  // Others.
  std::thread thread_;
  mutable std::mutex final_mutex_;  // guards final_counters_, written once as the thread ends
  EngineCounters final_counters_;
};

// "decoded=… concealed=… gated=… mixed=… encoded=… ticks=… late=…" for the log.
std::string summary(const EngineCounters& counters);

}  // namespace plenum::server::audio
