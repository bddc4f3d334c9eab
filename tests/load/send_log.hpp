// SendLog: when each speaker sent each of its recent packets, so a listener can take a
// forwarded packet's latency from its sender session and frame number (real Opus carries no
// timestamp of ours). Valid for forwarded packets (`all`, `topk`), whose frame numbers the
// server passes on untouched; a mix has its own. Also the marked onsets' send times. One per
// run, owned by LoadRun, on the generator's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace plenum::load {

struct SentPacket {
  std::uint32_t speaker = 0;  // index into the run's speakers
  std::uint64_t sent_ns = 0;  // probe_clock_ns() at send
  bool in_window = false;
};

class SendLog {
 public:
  // 10 s of 20 ms packets per speaker: a packet later than that counts as lost anyway.
  static constexpr std::size_t kHistory = 512;

  explicit SendLog(std::uint32_t speakers = 0);

  // Which speaker a server session is (learnt from each client's ServerSync).
  void add_session(std::uint32_t session, std::uint32_t speaker);
  std::optional<std::uint32_t> speaker_of(std::uint32_t session) const;
  bool is_ours(std::uint32_t session) const { return all_sessions_.contains(session); }
  void add_client_session(std::uint32_t session) { all_sessions_.insert(session); }

  void record(std::uint32_t speaker, std::uint64_t sequence, std::uint64_t sent_ns, bool in_window);
  // The send of `sequence` by `speaker`, if it is still in the history.
  std::optional<SentPacket> find(std::uint32_t speaker, std::uint64_t sequence) const;

  // Marked onsets (the onset speaker's first burst frame), in send order.
  void record_onset(std::uint64_t sent_ns, bool in_window) { onsets_.push_back({0, sent_ns, in_window}); }
  // The latest onset sent at or before `at_ns`, if any.
  std::optional<SentPacket> onset_before(std::uint64_t at_ns) const;

 private:
  struct Slot {
    std::uint64_t sequence = UINT64_MAX;
    std::uint64_t sent_ns = 0;
    bool in_window = false;
  };
  std::vector<std::vector<Slot>> history_;  // per speaker, by sequence % kHistory
  std::unordered_map<std::uint32_t, std::uint32_t> speakers_;  // session -> speaker
  std::unordered_set<std::uint32_t> all_sessions_;      // every client of this run
  std::vector<SentPacket> onsets_;
};

}  // namespace plenum::load
