// VoicePlane: the voice thread. Owns its io_context (concurrency hint 1), the UDP socket on the
// TCP listener's address and port, the Outbox and the VoiceRelay with every VoiceSession
// (STYLE.md §3). The control plane talks to it only through the posting methods below; it talks
// back through ControlLink. Everything inside runs on the voice thread.
#pragma once

#include "protocol/bytes.hpp"
#include "protocol/crypt_state_ocb2.hpp"
#include "server/log/logger.hpp"
#include "server/voice/outbox.hpp"
#include "server/voice/routing_snapshot.hpp"
#include "server/voice/udp_socket.hpp"
#include "server/voice/voice_commands.hpp"
#include "server/voice/voice_counters.hpp"
#include "server/voice/voice_relay.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace plenum::server::voice {

class VoicePlane {
 public:
  // How often changed decrypt counters go to the control plane (clients ping every 5 s).
  static constexpr std::chrono::seconds kStatsInterval{1};

  VoicePlane(VoiceSettings settings, log::Logger& logger, ControlLink& link);
  // Stops the thread and waits for it.
  ~VoicePlane();
  VoicePlane(const VoicePlane&) = delete;
  VoicePlane& operator=(const VoicePlane&) = delete;

  // Binds the UDP socket (before start()); returns the bound endpoint. Throws.
  boost::asio::ip::udp::endpoint bind(const boost::asio::ip::udp::endpoint& endpoint);
  void start();
  // Any thread, idempotent, does not wait: the thread ends after its current batch.
  void stop();
  // Waits for the thread to end (after stop()).
  void join();

  // Control -> voice messages. Any thread; they reach the voice thread in call order, and
  // before any datagram that was sent after the call returned (see run_commands).
  void add_session(AddVoiceSession add);
  void remove_session(SessionId session);
  void set_decrypt_iv(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce);
  void request_encrypt_iv(SessionId session);
  void publish(std::shared_ptr<const RoutingSnapshot> snapshot);
  void tunnel_voice(SessionId session, protocol::Bytes packet);

  // The counters when the thread ended (what the shutdown log line shows).
  VoiceCounters final_counters() const;

 private:
  boost::asio::awaitable<void> receive_loop();
  boost::asio::awaitable<void> stats_loop();
  void run();
  void flush();
  // Any thread: queues a command and wakes the voice thread for it.
  void enqueue(std::function<void()> command);
  // Voice thread: runs the queued commands. The receive loop calls it after every recvmmsg that
  // returned datagrams and before it handles them. A read completion queued before a command
  // drains datagrams sent after it (a client's first ping after ServerSync, voice after a
  // UserState confirmation); through the io_context queue alone, the command would run only
  // after them, and the first ping would be dropped as coming from nobody.
  void run_commands();

  // Passed by argument.
  log::Logger& logger_;
  ControlLink& link_;
  // Allocated by this; voice thread after start().
  boost::asio::io_context io_{1};
  UdpSocket socket_;
  VoiceCounters counters_;
  Outbox outbox_;
  VoiceRelay relay_;
  boost::asio::steady_timer stats_timer_;
  std::vector<CryptStatsReport> reports_;
  bool stopping_ = false;
  std::vector<std::function<void()>> running_commands_;
  // Others.
  std::mutex commands_mutex_;  // guards queued_commands_; held for a push or a swap
  std::vector<std::function<void()>> queued_commands_;
  // Set with the first queued command; lets the receive loop skip the mutex when none wait.
  std::atomic<bool> commands_pending_{false};
  std::thread thread_;
  mutable std::mutex final_mutex_;  // guards final_counters_, written once as the thread ends
  VoiceCounters final_counters_;
};

}  // namespace plenum::server::voice
