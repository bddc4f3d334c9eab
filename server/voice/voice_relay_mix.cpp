// VoiceRelay's audio-engine half: speaker frames of engine channels copied into the engine's ring,
// and each tick's mix frames sent to the mix listeners this shard acts for, one plaintext encoding
// per (frame, format) and one encryption per listener. The mix's sender is the channel's virtual
// mix user, so every Mumble client plays it like any other speaker.
#include "server/voice/voice_relay.hpp"

#include <algorithm>

namespace plenum::server::voice {

void VoiceRelay::feed_engine(const VoiceSession& speaker, const protocol::VoicePacket& packet,
                             Clock::time_point now) {
  if (engine_ == nullptr || snapshot_->engine.empty()) return;
  const SpeakerRoutes* routes = snapshot_->speaker(speaker.id);
  if (routes == nullptr || snapshot_->engine_route(routes->channel) == nullptr) return;
  audio::SpeakerFrame* frame = engine_->prepare();
  if (frame == nullptr) {
    counters_.drop(DropReason::EngineFull);
    return;
  }
  frame->speaker = speaker.id;
  frame->channel = routes->channel;
  frame->frame_number = packet.frame_number;
  frame->terminator = packet.terminator;
  frame->arrival = now;
  // decode_*_voice bounds the Opus payload by the plaintext, itself at most the slot's size.
  const std::size_t size = std::min(packet.opus.size(), frame->opus.size());
  std::copy_n(packet.opus.begin(), size, frame->opus.begin());
  frame->size = static_cast<std::uint16_t>(size);
  engine_->publish();
  ++counters_.engine_in;
}

void VoiceRelay::on_mix(const audio::ChannelTick& tick) {
  if (!snapshot_ || tick.frame_count == 0) return;
  const EngineRoute* route = snapshot_->engine_route(tick.channel);
  if (route == nullptr || route->mix_user == 0) return;
  for (auto& per_frame : mix_encodings_) {
    for (auto& encoding : per_frame) encoding.state = Encoding::State::Empty;
  }
  const auto frames = std::span(tick.frames).first(std::min(tick.frame_count, tick.frames.size()));
  for (const SessionId id : route->mix_listeners) {
    VoiceSession* receiver = find(id);
    // Every shard gets every tick; each serves the listeners whose crypt state it holds.
    if (receiver == nullptr || !acts_for(*receiver)) continue;
    // A selected speaker hears the mix without itself (its N-1 frame), everyone else the shared one.
    const auto own = std::find_if(frames.begin() + 1, frames.end(),
                                  [id](const audio::MixedFrame& frame) { return frame.excluded == id; });
    const std::size_t index = own == frames.end() ? 0 : static_cast<std::size_t>(own - frames.begin());
    const protocol::ByteView plaintext = mix_encoded(tick, route->mix_user, index, receiver->format);
    if (plaintext.empty()) continue;
    if (owns(*receiver) && receiver->reachable_by_udp()) {
      send_udp(*receiver, plaintext);
    } else {
      outbox_.add_tunnel(id, plaintext);
    }
    ++counters_.mix_out;
  }
}

protocol::ByteView VoiceRelay::mix_encoded(const audio::ChannelTick& tick, SessionId mix_user,
                                           std::size_t frame, protocol::UdpFormat format) {
  Encoding& encoding = mix_encodings_[frame][format == protocol::UdpFormat::Legacy ? 0 : 1];
  if (encoding.state == Encoding::State::Empty) {
    protocol::VoicePacket packet;
    packet.target_or_context = static_cast<std::uint8_t>(protocol::AudioContext::Normal);
    packet.sender_session = mix_user;
    packet.frame_number = tick.frame_number;
    packet.opus = tick.frames[frame].bytes();
    packet.terminator = tick.terminator;
    const auto size = protocol::encode_voice(packet, format, protocol::Direction::ToClient, encoding.bytes);
    encoding.state = size ? Encoding::State::Built : Encoding::State::Failed;
    encoding.size = size ? *size : 0;
    if (size) ++counters_.encodings;
  }
  if (encoding.state != Encoding::State::Built) return {};
  return protocol::ByteView(encoding.bytes.data(), encoding.size);
}

}  // namespace plenum::server::voice
