// MetricsBoard: the latest counters of each plane, for the Prometheus endpoint. Each owner
// copies its own counters in on its own thread (the control plane and every voice shard once a
// second, the engine once a second, the store after each batch); the exposer's thread only ever
// reads the board, never a plane's state. Owned by the Server; any thread, under its mutex.
#pragma once

#include "protocol/control_message.hpp"
#include "server/audio/engine_frames.hpp"
#include "server/store/store_counters.hpp"
#include "server/voice/voice_counters.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace plenum::server::metrics {

// What the control plane knows: levels of its state and counters of its messages. No user names,
// addresses or per-user values (DESIGN.md §5): only sums and client versions.
struct ControlReading {
  std::uint64_t users = 0;
  std::uint64_t channels = 0;
  std::uint64_t mix_listeners = 0;  // users whose listener mode resolves to `mix`
  // Connected users by client version ("1.5.0", "unknown"), each label a sum over sessions.
  std::map<std::string, std::uint64_t> sessions_by_version;
  // Messages received from clients, by type (protocol::MessageType's value as index).
  std::array<std::uint64_t, protocol::kMessageTypeCount> messages_received{};
  std::uint64_t messages_rate_limited = 0;  // text, state, ACL edits over messagelimit
  std::uint64_t login_failures = 0;         // wrong password or server password
};

struct MetricsReading {
  ControlReading control;
  voice::VoiceCounters voice;    // summed over the voice shards
  audio::EngineCounters engine;
  store::StoreCounters store;
};

class MetricsBoard {
 public:
  explicit MetricsBoard(std::size_t voice_shards) : voice_(voice_shards) {}

  void publish_control(ControlReading reading);
  // `shard`: the voice shard's index (0..voice_shards-1); others are ignored.
  void publish_voice(std::size_t shard, const voice::VoiceCounters& counters);
  void publish_engine(const audio::EngineCounters& counters);
  void publish_store(const store::StoreCounters& counters);

  MetricsReading read() const;

 private:
  mutable std::mutex mutex_;  // guards every member below
  ControlReading control_;
  std::vector<voice::VoiceCounters> voice_;
  audio::EngineCounters engine_;
  store::StoreCounters store_;
};

}  // namespace plenum::server::metrics
