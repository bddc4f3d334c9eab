// HeadlessClient: plenum-cli --headless. Connects, joins the channel, transmits --play, writes
// everything heard to --record on a 20 ms clock (silence where nobody speaks, so the file is
// aligned with real time), stops after --duration and writes --stats. Owns its io_context and
// runs everything on the calling thread.
#pragma once

#include "client-cli/audio_io/local_audio.hpp"
#include "client-cli/core/cli_options.hpp"
#include "client-cli/core/connection.hpp"
#include "client-cli/core/session_stats.hpp"
#include "client-cli/core/voice_receiver.hpp"
#include "client-cli/core/voice_sender.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plenum::client {

struct HeadlessConfig {
  ConnectionConfig connection;
  // --play/--record, --transmit, and the live microphone (when no --play) and speaker (when no
  // --record).
  LocalAudioConfig audio;
  std::optional<std::filesystem::path> stats;
  std::optional<double> duration_s;
  int bitrate_bps = kDefaultBitrate;
  protocol::codec::JitterConfig jitter{std::chrono::milliseconds(60), std::chrono::milliseconds(400)};
};

class HeadlessClient final : private ConnectionListener {
 public:
  using Clock = std::chrono::steady_clock;

  // Reads the --play file and creates the --record file; throws std::runtime_error.
  explicit HeadlessClient(HeadlessConfig config);
  ~HeadlessClient() override;

  // Runs to the end. Returns the exit code: 0 after --duration (or the end of --play, or
  // SIGINT/SIGTERM), 1 when the connection failed; the reason is printed on stderr.
  int run();

 private:
  void on_joined() override;
  void on_voice(const ReceivedVoice& voice) override;
  void on_event(const std::string& text) override;
  void on_disconnected(const Disconnect& why, bool will_retry) override;

  boost::asio::awaitable<void> audio_loop();
  void tick(Clock::time_point now);
  void transmit_frame();
  void finish(int exit_code);
  SessionStats snapshot() const;

  // Passed by argument.
  HeadlessConfig config_;

  // Allocated by this. io_ first: everything below registers with it.
  boost::asio::io_context io_{1};
  boost::asio::signal_set signals_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer linger_;
  Connection connection_;
  VoiceReceiver receiver_;
  VoiceSender sender_;
  LocalAudio local_;
  std::array<float, protocol::codec::kFrameSamples> mix_{};

  // Others.
  bool transmitting_ = false;
  bool audio_started_ = false;
  bool finishing_ = false;
  std::uint64_t ticks_ = 0;
  std::uint64_t ticks_late_ = 0;
  std::optional<Clock::time_point> finish_at_;
  std::optional<SessionStats> final_stats_;
  int exit_code_ = 0;
};

}  // namespace plenum::client
