#include "tests/load/send_log.hpp"

#include <algorithm>

namespace plenum::load {

SendLog::SendLog(std::uint32_t speakers) : history_(speakers, std::vector<Slot>(kHistory)) {}

void SendLog::add_session(std::uint32_t session, std::uint32_t speaker) {
  speakers_[session] = speaker;
  add_client_session(session);
}

std::optional<std::uint32_t> SendLog::speaker_of(std::uint32_t session) const {
  const auto it = speakers_.find(session);
  return it == speakers_.end() ? std::nullopt : std::optional(it->second);
}

void SendLog::record(std::uint32_t speaker, std::uint64_t sequence, std::uint64_t sent_ns,
                     bool in_window) {
  if (speaker < history_.size()) {
    history_[speaker][sequence % kHistory] = {sequence, sent_ns, in_window};
  }
}

std::optional<SentPacket> SendLog::find(std::uint32_t speaker, std::uint64_t sequence) const {
  if (speaker >= history_.size()) {
    return std::nullopt;
  }
  const Slot& slot = history_[speaker][sequence % kHistory];
  if (slot.sequence != sequence) {
    return std::nullopt;
  }
  return SentPacket{speaker, slot.sent_ns, slot.in_window};
}

std::optional<SentPacket> SendLog::onset_before(std::uint64_t at_ns) const {
  const auto after = std::upper_bound(onsets_.begin(), onsets_.end(), at_ns,
                                      [](std::uint64_t t, const SentPacket& p) { return t < p.sent_ns; });
  if (after == onsets_.begin()) {
    return std::nullopt;
  }
  return *std::prev(after);
}

}  // namespace plenum::load
