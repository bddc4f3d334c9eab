// VoiceShard: one voice thread. Owns its io_context (concurrency hint 1), its UDP socket (one of
// the SO_REUSEPORT group when the plane has several shards), its Outbox and its VoiceRelay
// (STYLE.md §3). The VoicePlane creates the shards and posts the control plane's commands to
// them; other shards reach it through the ShardMesh, whose rings it drains when woken through
// its eventfd. Everything inside runs on the shard's thread.
#pragma once

#include "protocol/crypt_state_ocb2.hpp"
#include "server/log/logger.hpp"
#include "server/voice/outbox.hpp"
#include "server/voice/routing_snapshot.hpp"
#include "server/voice/shard_mesh.hpp"
#include "server/voice/udp_socket.hpp"
#include "server/voice/voice_commands.hpp"
#include "server/voice/voice_counters.hpp"
#include "server/voice/voice_relay.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace plenum::server::voice {

class VoiceShard {
 public:
  // How often changed decrypt counters go to the control plane (clients ping every 5 s).
  static constexpr std::chrono::seconds kStatsInterval{1};

  // `mesh`: the plane's, shared with the other shards; `index`: this shard's place in it.
  // `engine`: this shard's ring to the audio engine (the plane's EngineFeed).
  VoiceShard(VoiceSettings settings, log::Logger& logger, ControlLink& link, ShardMesh& mesh,
             std::size_t index, EngineRing* engine = nullptr);
  ~VoiceShard();
  VoiceShard(const VoiceShard&) = delete;
  VoiceShard& operator=(const VoiceShard&) = delete;

  boost::asio::ip::udp::endpoint bind(const boost::asio::ip::udp::endpoint& endpoint, bool reuse_port);
  void start();
  void stop();
  void join();
  // Any thread: another shard published into an empty ring towards this one.
  void wake() noexcept;

  // Any thread; run on the shard's thread in call order, before any datagram received after the
  // call returned (see run_commands).
  void add_session(const AddVoiceSession& add, std::shared_ptr<HomeSlot> home);
  void remove_session(SessionId session);
  void set_decrypt_iv(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce);
  void request_encrypt_iv(SessionId session);
  void publish(std::shared_ptr<const RoutingSnapshot> snapshot);
  void update_settings(const VoiceSettings& settings);
  void tunnel_voice(SessionId session, protocol::Bytes packet);
  void publish_selection(std::shared_ptr<const audio::SelectionSnapshot> selection);
  void deliver_mix(std::shared_ptr<const std::vector<audio::ChannelTick>> ticks);

  VoiceCounters final_counters() const;

 private:
  boost::asio::awaitable<void> receive_loop();
  boost::asio::awaitable<void> shard_loop();
  boost::asio::awaitable<void> stats_loop();
  void run();
  void flush();
  void drain_mesh();
  void enqueue(std::function<void()> command);
  // Runs the queued commands. The receive loop calls it after every recvmmsg that returned
  // datagrams and before it handles them. A read completion queued before a command drains
  // datagrams sent after it (a client's first ping after ServerSync, voice after a UserState
  // confirmation); through the io_context queue alone, the command would run only after them,
  // and the first ping would be dropped as coming from nobody.
  void run_commands();

  // Passed by argument.
  log::Logger& logger_;
  ControlLink& link_;
  ShardMesh& mesh_;
  std::size_t index_;
  // Allocated by this; the shard's thread after start().
  boost::asio::io_context io_{1};
  UdpSocket socket_;
  VoiceCounters counters_;
  Outbox outbox_;
  VoiceRelay relay_;
  boost::asio::steady_timer stats_timer_;
  // Readable when another shard has published into an empty ring towards this one.
  boost::asio::posix::stream_descriptor wake_;
  std::vector<CryptStatsReport> reports_;
  bool stopping_ = false;
  std::vector<std::function<void()>> running_commands_;
  // Others.
  int wake_fd_ = -1;                 // written by other shards' threads, closed by wake_
  std::mutex commands_mutex_;        // guards queued_commands_; held for a push or a swap
  std::vector<std::function<void()>> queued_commands_;
  // Set with the first queued command; lets the receive loop skip the mutex when none wait.
  std::atomic<bool> commands_pending_{false};
  std::thread thread_;
  mutable std::mutex final_mutex_;  // guards final_counters_, written once as the thread ends
  VoiceCounters final_counters_;
};

}  // namespace plenum::server::voice
