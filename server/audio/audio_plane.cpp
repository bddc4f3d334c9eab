#include "server/audio/audio_plane.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <pthread.h>

namespace plenum::server::audio {

namespace asio = boost::asio;

AudioPlane::AudioPlane(log::Logger& logger, EnginePorts& ports)
    : logger_{logger}, ports_{ports}, timer_{io_} {}

AudioPlane::~AudioPlane() {
  stop();
  join();
}

void AudioPlane::start() {
  asio::co_spawn(io_, tick_loop(), asio::detached);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "plenum-audio");
    io_.run();
    const std::lock_guard lock{final_mutex_};
    final_counters_ = counters();
  });
}

void AudioPlane::stop() {
  asio::post(io_, [this] {
    stopping_ = true;
    timer_.cancel();
  });
}

void AudioPlane::join() {
  if (!thread_.joinable()) return;
  thread_.join();
  logger_.info("audio: stopped: {}", summary(final_counters()));
}

void AudioPlane::set_snapshot(std::shared_ptr<const EngineSnapshot> snapshot) {
  asio::post(io_, [this, snapshot = std::move(snapshot)]() mutable {
    engine_.set_snapshot(std::move(snapshot));
  });
}

EngineCounters AudioPlane::counters() const {
  EngineCounters out = engine_.counters();
  out.ticks_late = ticks_late_;
  return out;
}

EngineCounters AudioPlane::final_counters() const {
  const std::lock_guard lock{final_mutex_};
  return final_counters_;
}

asio::awaitable<void> AudioPlane::tick_loop() {
  Clock::time_point deadline = Clock::now();
  next_stats_ = deadline + kStatsInterval;
  while (!stopping_) {
    deadline += kTick;
    timer_.expires_at(deadline);
    auto [error] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (error || stopping_) co_return;  // cancelled: stop()
    const Clock::time_point now = Clock::now();
    if (now - deadline > kTick) {
      // More than a frame behind (the machine was busy): skip the missed ticks instead of running
      // them back to back, which would only send stale audio late.
      ++ticks_late_;
      deadline = now;
    }
    run_tick(now);
  }
}

void AudioPlane::run_tick(Clock::time_point now) {
  ports_.drain_frames([this](const SpeakerFrame& frame) { engine_.push(frame); });
  engine_.tick(now, output_);
  if (!output_.ticks.empty()) {
    ports_.deliver_mix(std::make_shared<const std::vector<ChannelTick>>(output_.ticks));
  }
  if (output_.selection) ports_.publish_selection(std::move(output_.selection));
  if (!output_.notices.empty()) ports_.notify(std::move(output_.notices));
  output_.notices.clear();
  if (now >= next_stats_) {
    next_stats_ = now + kStatsInterval;
    const EngineCounters now_counters = counters();
    if (now_counters.frames_in != logged_.frames_in || now_counters.ticks_late != logged_.ticks_late) {
      logged_ = now_counters;
      logger_.info("audio: {}", summary(now_counters));
    }
  }
}

std::string summary(const EngineCounters& counters) {
  return fmt::format(
      "in={} decoded={} concealed={} gated={} mixed={} encoded={} ticks={} late={} dropped={}",
      counters.frames_in, counters.frames_decoded, counters.frames_concealed, counters.frames_gated,
      counters.frames_mixed, counters.mixes_encoded, counters.ticks, counters.ticks_late,
      counters.frames_dropped);
}

}  // namespace plenum::server::audio
