#include "client-cli/headless/headless_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <exception>

namespace plenum::client {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr auto kTick = 20ms;
constexpr std::uint64_t kTicksPerSecond = 50;
// Catching up more than this after a stall is pointless: skip, and record silence instead.
constexpr auto kMaxCatchUp = 2s;
// After the last packet, stay this long so the terminator (and a tunnel write) gets out.
constexpr auto kDrain = 500ms;
// Between finishing and closing: lets queued control frames leave.
constexpr auto kLinger = 200ms;

}  // namespace

HeadlessClient::HeadlessClient(HeadlessConfig config)
    : config_(std::move(config)),
      signals_(io_, SIGINT, SIGTERM),
      tick_timer_(io_),
      linger_(io_),
      connection_(io_, config_.connection, *this),
      receiver_(config_.jitter),
      sender_(config_.bitrate_bps),
      local_(config_.audio) {
  if (!local_.device_error().empty()) {
    std::fprintf(stderr, "plenum-cli: audio: %s; continuing without audio\n",
                 local_.device_error().c_str());
  }
}

HeadlessClient::~HeadlessClient() = default;

int HeadlessClient::run() {
  signals_.async_wait([this](boost::system::error_code error, int) {
    if (!error) {
      finish(0);
    }
  });
  asio::co_spawn(io_, connection_.run(), [this](const std::exception_ptr& failure) {
    if (failure && !finishing_) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "plenum-cli: %s\n", error.what());
      }
      exit_code_ = 1;
    }
    signals_.cancel();
    tick_timer_.cancel();
    linger_.cancel();
  });
  io_.run();
  local_.close_recording();
  if (config_.stats) {
    try {
      write_stats(*config_.stats, final_stats_.value_or(snapshot()));
    } catch (const std::exception& error) {
      std::fprintf(stderr, "plenum-cli: %s\n", error.what());
      return 1;
    }
  }
  return exit_code_;
}

void HeadlessClient::on_joined() {
  const std::string channel = connection_.view().channel_path(
      connection_.view().own_user() != nullptr ? connection_.view().own_user()->channel_id : 0);
  std::printf("plenum-cli: joined '%s' on %s as %s (session %u)\n", channel.c_str(),
              connection_.server_name().c_str(), config_.connection.username.c_str(),
              connection_.view().own_session());
  std::fflush(stdout);
  sender_.fit(connection_.max_bandwidth(), connection_.path());
  if (!audio_started_) {
    audio_started_ = true;
    asio::co_spawn(io_, audio_loop(), asio::detached);
  }
}

void HeadlessClient::on_voice(const ReceivedVoice& voice) {
  receiver_.on_voice(voice, Clock::now());
}

void HeadlessClient::on_event(const std::string& text) {
  // Notices and text messages go to stderr; stdout carries only the "joined" line scripts
  // wait for.
  if (!text.empty()) {
    std::fprintf(stderr, "plenum-cli: %s\n", text.c_str());
  }
}

void HeadlessClient::on_disconnected(const Disconnect& why, bool /*will_retry*/) {
  if (!finishing_) {
    std::fprintf(stderr, "plenum-cli: %s\n", why.reason.c_str());
    exit_code_ = 1;
    finishing_ = true;
  }
  signals_.cancel();
  tick_timer_.cancel();
  linger_.cancel();
}

asio::awaitable<void> HeadlessClient::audio_loop() {
  auto deadline = Clock::now();
  while (!finishing_) {
    deadline += kTick;
    const auto now = Clock::now();
    if (now - deadline > kMaxCatchUp) {
      // A stall longer than catching up is worth: keep the recording aligned with silence.
      const auto skipped = static_cast<std::uint64_t>((now - deadline) / kTick);
      ticks_late_ += skipped;
      mix_.fill(0.0F);
      for (std::uint64_t i = 0; i < skipped && local_.recording(); ++i) {
        local_.output(mix_);
      }
      ticks_ += skipped;
      deadline += kTick * static_cast<long>(skipped);
    }
    tick_timer_.expires_at(deadline);
    auto [error] = co_await tick_timer_.async_wait(kAwait);
    if (error || finishing_) {
      co_return;
    }
    tick(Clock::now());
  }
}

void HeadlessClient::tick(Clock::time_point now) {
  if (const auto failure = local_.take_device_failure()) {
    std::fprintf(stderr, "plenum-cli: audio: %s; continuing without audio\n", failure->c_str());
  }
  transmit_frame();
  receiver_.render(mix_, now);
  local_.output(mix_);
  ++ticks_;
  const bool duration_over =
      config_.duration_s &&
      static_cast<double>(ticks_) >= *config_.duration_s * static_cast<double>(kTicksPerSecond);
  if (duration_over || (finish_at_ && now >= *finish_at_)) {
    finish(0);
  }
}

void HeadlessClient::transmit_frame() {
  std::array<float, protocol::codec::kFrameSamples> frame{};
  bool last = false;
  if (config_.audio.play) {
    if (!local_.next_play_frame(frame, /*loop=*/false, last)) {
      return;  // the file is used up
    }
  } else if (!local_.capture(frame)) {
    return;  // no source, or the microphone has no new frame this tick
  }
  if (config_.audio.transmit == TransmitMode::PushToTalk) {
    return;
  }
  const bool speech = local_.is_speech(frame);
  if (speech || transmitting_) {
    // A VAD pause ends the transmission with this frame as its terminator.
    const bool terminator = last || !speech;
    // The path can change under way (UDP found, or lost to the tunnel): refit every packet.
    sender_.fit(connection_.max_bandwidth(), connection_.path());
    if (auto voice = sender_.encode(frame, terminator)) {
      connection_.send_voice(*voice);
    }
    transmitting_ = !terminator;
  }
  if (last && !config_.duration_s) {
    finish_at_ = Clock::now() + kDrain;
  }
}

SessionStats HeadlessClient::snapshot() const {
  SessionStats stats = collect_stats(connection_.stats(), receiver_.stats());
  stats.ticks_late = ticks_late_;
  stats.bitrate_bps = sender_.bitrate();
  return stats;
}

void HeadlessClient::finish(int exit_code) {
  if (finishing_) {
    return;
  }
  finishing_ = true;
  exit_code_ = exit_code;
  final_stats_ = snapshot();
  tick_timer_.cancel();
  signals_.cancel();
  local_.close_recording();
  linger_.expires_after(kLinger);
  linger_.async_wait([this](boost::system::error_code) { connection_.stop(); });
}

}  // namespace plenum::client
