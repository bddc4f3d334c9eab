#include "client-cli/tui/tui_app.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>

namespace plenum::client {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr auto kTick = 20ms;
// Redraws are coalesced; talking markers and pings refresh at this rate anyway.
constexpr auto kDrawInterval = 100ms;
constexpr std::size_t kChatLines = 500;
constexpr int kMaxKeysPerWake = 64;

}  // namespace

TuiApp::TuiApp(TuiConfig config)
    : config_(std::move(config)),
      stop_signals_(io_, SIGINT, SIGTERM),
      resize_signal_(io_, SIGWINCH),
      keyboard_(io_, ::dup(STDIN_FILENO)),
      tick_timer_(io_),
      draw_timer_(io_),
      connection_(io_, config_.connection, *this),
      sender_(config_.bitrate_bps),
      local_(config_.audio) {
  talk_ = config_.audio.transmit != TransmitMode::PushToTalk;
}

TuiApp::~TuiApp() = default;

int TuiApp::run() {
  screen_.emplace();
  add_chat(fmt::format("connecting to {} as {} ...", connection_.server_name(),
                       config_.connection.username));
  if (local_.has_device()) {
    add_chat(fmt::format("audio: {} for {}", to_string(config_.audio.audio),
                         !config_.audio.play && !config_.audio.record ? "microphone and speaker"
                         : !config_.audio.play                        ? "the microphone"
                                                          : "the speaker"));
  } else if (!local_.device_error().empty()) {
    add_chat(fmt::format("audio: {}; running without audio (--play/--record FILE work)",
                         local_.device_error()));
  } else if (!local_.has_play()) {
    add_chat("no audio device (--audio none): transmit with --play FILE, hear with --record FILE");
  }
  stop_signals_.async_wait([this](boost::system::error_code error, int) {
    if (!error) {
      quit(0);
    }
  });
  std::function<void()> wait_resize = [this, &wait_resize] {
    resize_signal_.async_wait([this, &wait_resize](boost::system::error_code error, int) {
      if (error || quitting_) {
        return;
      }
      screen_->resize();
      draw();
      wait_resize();
    });
  };
  wait_resize();
  wait_for_keys();
  asio::co_spawn(io_, connection_.run(), [this](const std::exception_ptr& failure) {
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& error) {
        add_chat(fmt::format("error: {}", error.what()));
      }
      exit_code_ = 1;
    }
    quit(exit_code_);
  });
  asio::co_spawn(io_, audio_loop(), asio::detached);
  draw();
  io_.run();
  screen_.reset();
  if (exit_code_ != 0 && !chat_.empty()) {
    std::fprintf(stderr, "plenum-cli: %s\n", chat_.back().c_str());
  }
  return exit_code_;
}

void TuiApp::quit(int exit_code) {
  if (quitting_) {
    return;
  }
  quitting_ = true;
  exit_code_ = exit_code;
  stop_signals_.cancel();
  resize_signal_.cancel();
  keyboard_.cancel();
  tick_timer_.cancel();
  draw_timer_.cancel();
  connection_.stop();
  local_.close_recording();
}

void TuiApp::on_joined() {
  state_ = "connected";
  sender_.fit(connection_.max_bandwidth(), connection_.path());
  add_chat(fmt::format("connected to {} as {}", connection_.server_name(),
                       config_.connection.username));
  if (self_mute_ || self_deaf_) {
    connection_.set_self_mute_deaf(self_mute_, self_deaf_);
  }
}

void TuiApp::on_voice(const ReceivedVoice& voice) { receiver_.on_voice(voice, Clock::now()); }

void TuiApp::on_event(const std::string& text) {
  if (!text.empty()) {
    add_chat(text);
    return;
  }
  schedule_draw();
}

void TuiApp::on_disconnected(const Disconnect& why, bool will_retry) {
  if (quitting_) {
    return;
  }
  add_chat(will_retry ? fmt::format("disconnected: {}; reconnecting", why.reason)
                      : fmt::format("disconnected: {}", why.reason));
  state_ = will_retry ? "reconnecting" : "disconnected";
  if (!will_retry) {
    exit_code_ = 1;
  }
  draw();
}

asio::awaitable<void> TuiApp::audio_loop() {
  auto deadline = Clock::now();
  while (!quitting_) {
    deadline = std::max(deadline + kTick, Clock::now() - 1s);
    tick_timer_.expires_at(deadline);
    auto [error] = co_await tick_timer_.async_wait(kAwait);
    if (error || quitting_) {
      co_return;
    }
    tick();
  }
}

void TuiApp::tick() {
  if (const auto failure = local_.take_device_failure()) {
    add_chat(fmt::format("audio: {}; running without audio", *failure));
  }
  // The microphone is drained every tick, so talking starts with fresh audio.
  std::array<float, protocol::codec::kFrameSamples> frame{};
  const bool captured = !local_.has_play() && local_.capture(frame);
  if ((may_transmit() || transmitting_) && (captured || local_.has_play())) {
    bool last = false;  // --play loops in the TUI
    local_.next_play_frame(frame, /*loop=*/true, last);
    const bool speech = may_transmit() && local_.is_speech(frame);
    // The path can change under way (UDP found, or lost to the tunnel): refit every packet.
    sender_.fit(connection_.max_bandwidth(), connection_.path());
    if (auto voice = sender_.encode(frame, !speech)) {
      connection_.send_voice(*voice);
    }
    transmitting_ = speech;
  }
  receiver_.render(mix_, Clock::now());
  local_.output(mix_);
}

bool TuiApp::may_transmit() const {
  return talk_ && !self_mute_ && !self_deaf_ && (local_.has_play() || local_.has_device()) &&
         connection_.joined();
}

void TuiApp::wait_for_keys() {
  keyboard_.async_wait(asio::posix::stream_descriptor::wait_read,
                       [this](boost::system::error_code error) {
                         if (error || quitting_) {
                           return;
                         }
                         // Bounded: a key source that never runs dry must not stall the clock.
                         for (int n = 0; n < kMaxKeysPerWake && !quitting_; ++n) {
                           const int key = screen_->read_key();
                           if (key == Keys::kNone) {
                             break;
                           }
                           handle_key(key);
                         }
                         if (!quitting_) {
                           draw();
                           wait_for_keys();
                         }
                       });
}

void TuiApp::handle_key(int key) {
  if (help_) {
    help_ = false;
    return;
  }
  if (typing_) {
    handle_typing_key(key);
    return;
  }
  const std::size_t rows = tree_.size();
  switch (key) {
    case 'q': quit(0); break;
    case '?': help_ = true; break;
    case 't':
    case ' ':
      talk_ = !talk_;
      break;
    case 'm': toggle_mute(); break;
    case 'd': toggle_deaf(); break;
    case 'i':
    case '/': typing_ = true; break;
    case 'k': selected_ = selected_ > 0 ? selected_ - 1 : 0; break;
    case 'j': selected_ = rows > 0 ? std::min(selected_ + 1, rows - 1) : 0; break;
    case '\r': join_selected(); break;
    default:
      if (key == Keys::kHelp) {
        help_ = true;
      } else if (key == Keys::kUp) {
        selected_ = selected_ > 0 ? selected_ - 1 : 0;
      } else if (key == Keys::kDown) {
        selected_ = rows > 0 ? std::min(selected_ + 1, rows - 1) : 0;
      } else if (key == Keys::kEnter) {
        join_selected();
      }
      // Keys::kResize: resizeterm() in the SIGWINCH handler queues it; the redraw after
      // every batch of keys is all it needs (resizing again would queue another).
  }
}

void TuiApp::handle_typing_key(int key) {
  if (key == Keys::kEscape) {
    typing_ = false;
    input_.clear();
  } else if (key == Keys::kEnter || key == '\r') {
    typing_ = false;
    const std::string text = input_.take();
    const UserEntry* self = connection_.view().own_user();
    if (!text.empty() && self != nullptr && connection_.joined()) {
      connection_.send_text(self->channel_id, text);
      add_chat(fmt::format("{}: {}", config_.connection.username, text));
    }
  } else if (key == Keys::kBackspace || key == 127 || key == 8) {
    input_.backspace();
  } else if (key >= 0 && key < 256) {
    input_.type(static_cast<char>(key));
  }
}

void TuiApp::join_selected() {
  if (selected_ >= tree_.size()) {
    return;
  }
  const TreeLine& line = tree_[selected_];
  std::uint32_t channel = line.id;
  if (line.kind == TreeLine::Kind::User) {
    const UserEntry* user = connection_.view().user(line.id);
    if (user == nullptr) {
      return;
    }
    channel = user->channel_id;
  }
  connection_.join_channel(channel);
}

void TuiApp::toggle_mute() {
  self_mute_ = !self_mute_;
  if (!self_mute_) {
    self_deaf_ = false;  // Mumble: unmuting also undeafens
  }
  receiver_.set_deafened(self_deaf_);
  connection_.set_self_mute_deaf(self_mute_, self_deaf_);
}

void TuiApp::toggle_deaf() {
  self_deaf_ = !self_deaf_;
  self_mute_ = self_deaf_ || self_mute_;
  receiver_.set_deafened(self_deaf_);
  connection_.set_self_mute_deaf(self_mute_, self_deaf_);
}

void TuiApp::add_chat(std::string line) {
  chat_.push_back(std::move(line));
  while (chat_.size() > kChatLines) {
    chat_.pop_front();
  }
  schedule_draw();
}

void TuiApp::schedule_draw() {
  if (draw_scheduled_ || quitting_) {
    return;
  }
  draw_scheduled_ = true;
  draw_timer_.expires_after(kDrawInterval);
  draw_timer_.async_wait([this](boost::system::error_code error) {
    draw_scheduled_ = false;
    if (!error && !quitting_) {
      draw();
    }
  });
}

std::string TuiApp::status_text() {
  const ConnectionStats& stats = connection_.stats();
  const ReceiveStats received = receiver_.stats();
  const double expected = static_cast<double>(received.jitter.received + received.jitter.lost);
  const double loss = expected > 0 ? 100.0 * static_cast<double>(received.jitter.lost) / expected
                                   : 0.0;
  const auto ping = connection_.path() == VoicePath::Udp && stats.udp_ping_ms ? stats.udp_ping_ms
                                                                              : stats.tcp_ping_ms;
  const TransmitMode transmit = config_.audio.transmit;
  std::string talk = transmit == TransmitMode::PushToTalk
                         ? fmt::format("PTT {}", talk_ ? "ON" : "off")
                         : fmt::format("{} {}", to_string(transmit), talk_ ? "on" : "off");
  return fmt::format(" {} {} | ping {} | loss {:.1f}% | {} kbit/s | {} | mode {} | {}{}{}",
                     connection_.server_name(), state_,
                     ping ? fmt::format("{:.1f} ms", *ping) : std::string("-"), loss,
                     sender_.bitrate() / 1000, to_string(connection_.path()),
                     to_string(config_.mode), talk, self_mute_ ? " | muted" : "",
                     self_deaf_ ? " | deaf" : "");
}

void TuiApp::draw() {
  if (!screen_ || quitting_) {
    return;
  }
  tree_ = tree_lines(connection_.view(), [this](std::uint32_t session) {
    return session == connection_.view().own_session() ? transmitting_
                                                       : receiver_.talking(session);
  });
  if (!tree_.empty()) {
    selected_ = std::min(selected_, tree_.size() - 1);
  }
  ScreenContent content;
  content.tree = tree_;
  content.selected = selected_;
  content.chat = chat_;
  content.typing = typing_;
  content.input = input_.tail(static_cast<std::size_t>(std::max(screen_->columns() - 3, 1)));
  content.status = status_text();
  content.help = help_;
  screen_->draw(content);
  // Markers and the status line change without events; keep them fresh.
  schedule_draw();
}

}  // namespace plenum::client
