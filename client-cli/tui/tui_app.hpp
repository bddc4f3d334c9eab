// TuiApp: plenum-cli's interactive mode. Wires the Connection (reconnecting with backoff), the
// voice sender and receiver on a 20 ms clock, the keyboard and the Screen, all on one
// io_context run by the calling thread. The microphone and speaker are a live AudioDevice;
// --play replaces the microphone (looped) and --record the speaker.
#pragma once

#include "client-cli/audio_io/local_audio.hpp"
#include "client-cli/core/cli_options.hpp"
#include "client-cli/core/connection.hpp"
#include "client-cli/core/voice_receiver.hpp"
#include "client-cli/core/voice_sender.hpp"
#include "client-cli/tui/input_line.hpp"
#include "client-cli/tui/screen.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plenum::client {

struct TuiConfig {
  ConnectionConfig connection;
  LocalAudioConfig audio{std::nullopt, std::nullopt, TransmitMode::PushToTalk, AudioBackend::Pulse};
  ListenerMode mode = ListenerMode::All;  // for Plenum; shown, not sent yet
  int bitrate_bps = kDefaultBitrate;
};

class TuiApp final : private ConnectionListener {
 public:
  using Clock = std::chrono::steady_clock;

  // Reads --play, creates --record; throws std::runtime_error before touching the terminal.
  explicit TuiApp(TuiConfig config);
  ~TuiApp() override;

  // Runs until q, SIGINT/SIGTERM or a final disconnect; returns the exit code.
  int run();

 private:
  void on_joined() override;
  void on_voice(const ReceivedVoice& voice) override;
  void on_event(const std::string& text) override;
  void on_disconnected(const Disconnect& why, bool will_retry) override;

  boost::asio::awaitable<void> audio_loop();
  void tick();
  void wait_for_keys();
  void handle_key(int key);
  void handle_typing_key(int key);
  void join_selected();
  void toggle_mute();
  void toggle_deaf();
  void quit(int exit_code);
  void add_chat(std::string line);
  void schedule_draw();
  void draw();
  std::string status_text();
  bool may_transmit() const;

  // Passed by argument.
  TuiConfig config_;

  // Allocated by this. io_ first: everything below registers with it.
  boost::asio::io_context io_{1};
  boost::asio::signal_set stop_signals_;
  boost::asio::signal_set resize_signal_;
  boost::asio::posix::stream_descriptor keyboard_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer draw_timer_;
  Connection connection_;
  VoiceReceiver receiver_;
  VoiceSender sender_;
  LocalAudio local_;
  std::optional<Screen> screen_;
  std::array<float, protocol::codec::kFrameSamples> mix_{};

  // Others.
  InputLine input_;
  std::deque<std::string> chat_;
  std::vector<TreeLine> tree_;
  std::size_t selected_ = 0;
  std::string state_ = "connecting";
  bool typing_ = false;
  bool help_ = false;
  bool talk_ = false;  // push-to-talk toggled on (or transmission enabled in other modes)
  bool transmitting_ = false;
  bool self_mute_ = false;
  bool self_deaf_ = false;
  bool draw_scheduled_ = false;
  bool quitting_ = false;
  bool audio_started_ = false;
  int exit_code_ = 0;
};

}  // namespace plenum::client
