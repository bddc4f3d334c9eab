// VoiceSender -> VoiceReceiver round trips through real Opus: frame numbering, the §8.2
// bitrate rule, decoding, loss concealment and mixing.
#include "client-cli/core/voice_receiver.hpp"
#include "client-cli/core/voice_sender.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <vector>

namespace plenum::client {
namespace {

using namespace std::chrono_literals;
using Clock = VoiceReceiver::Clock;

std::array<float, protocol::codec::kFrameSamples> tone_frame(std::size_t index, double hz) {
  std::array<float, protocol::codec::kFrameSamples> frame{};
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const double t = static_cast<double>(index * protocol::codec::kFrameSamples + i) / protocol::codec::kSampleRate;
    frame[i] = static_cast<float>(0.3 * std::sin(2.0 * std::numbers::pi * hz * t));
  }
  return frame;
}

double energy(const std::array<float, protocol::codec::kFrameSamples>& frame) {
  double sum = 0.0;
  for (const float s : frame) {
    sum += static_cast<double>(s) * s;
  }
  return sum / protocol::codec::kFrameSamples;
}

struct Packet {
  std::uint64_t frame_number;
  protocol::Bytes opus;
  bool terminator;
};

std::vector<Packet> encode_tone(VoiceSender& sender, std::size_t frames, double hz) {
  std::vector<Packet> out;
  for (std::size_t i = 0; i < frames; ++i) {
    const auto frame = tone_frame(i, hz);
    const auto voice = sender.encode(frame, i + 1 == frames);
    REQUIRE(voice.has_value());
    out.push_back({voice->frame_number, {voice->opus.begin(), voice->opus.end()}, voice->terminator});
  }
  return out;
}

void deliver(VoiceReceiver& receiver, std::uint32_t session, const Packet& packet,
             Clock::time_point at) {
  receiver.on_voice({session, packet.frame_number, packet.opus, packet.terminator, VoicePath::Udp},
                    at);
}

TEST_SUITE("client-cli") {
  TEST_CASE("fit_bitrate follows Mumble's bandwidth rule for 20 ms packets") {
    CHECK(packet_overhead_bytes(VoicePath::Udp) == 37);  // 20 + 8 + 4 + 1 + 2 + 2 (§8.2)
    CHECK(packet_overhead_bytes(VoicePath::Tcp) == 80);  // 20 + 20 + 29 + 6 + 1 + 2 + 2
    CHECK(fit_bitrate(40000, 72000, VoicePath::Udp) == 40000);  // 54800 b/s fits (§8.2 example)
    CHECK(fit_bitrate(72000, 72000, VoicePath::Udp) == 57000);  // 57000 + 14800 = 71800
    CHECK(fit_bitrate(72000, 72000, VoicePath::Tcp) == 40000);  // 40000 + 32000 = 72000
    CHECK(fit_bitrate(40000, 72000, VoicePath::Tcp) == 40000);  // the default fits both paths
    CHECK(fit_bitrate(40000, 10000, VoicePath::Udp) == kMinBitrate);
    CHECK(fit_bitrate(40000, 0, VoicePath::Tcp) == 40000);
  }

  TEST_CASE("the sender refits its bitrate when voice moves between UDP and the tunnel") {
    VoiceSender sender(64000);
    // Voice starts in the tunnel (voice_path.hpp) and moves to UDP when a ping comes back.
    CHECK(sender.fit(72000, VoicePath::Tcp));
    CHECK(sender.bitrate() == 40000);
    CHECK_FALSE(sender.fit(72000, VoicePath::Tcp));  // nothing changed, encoder untouched
    CHECK(sender.fit(72000, VoicePath::Udp));
    CHECK(sender.bitrate() == 57000);
    CHECK(sender.fit(72000, VoicePath::Tcp));  // UDP lost: back into the tunnel
    CHECK(sender.bitrate() == 40000);
    CHECK(sender.requested_bitrate() == 64000);
    // The packets follow: at 40 kb/s a 20 ms Opus frame is at most 100 bytes, at 57 kb/s more.
    const auto tunnel_packets = encode_tone(sender, 20, 440.0);
    sender.fit(72000, VoicePath::Udp);
    const auto udp_packets = encode_tone(sender, 20, 440.0);
    std::size_t tunnel_bytes = 0;
    std::size_t udp_bytes = 0;
    for (std::size_t i = 5; i < 20; ++i) {
      tunnel_bytes += tunnel_packets[i].opus.size();
      udp_bytes += udp_packets[i].opus.size();
    }
    CHECK(tunnel_bytes <= 15 * 100);
    CHECK(udp_bytes > tunnel_bytes);
  }

  TEST_CASE("sender numbers packets in 10 ms units and marks the last one") {
    VoiceSender sender(32000);
    CHECK(sender.fit(30000, VoicePath::Udp));
    CHECK(sender.bitrate() == 15000);
    const auto packets = encode_tone(sender, 3, 440.0);
    CHECK(packets[0].frame_number == 0);
    CHECK(packets[1].frame_number == 2);
    CHECK(packets[2].frame_number == 4);
    CHECK_FALSE(packets[1].terminator);
    CHECK(packets[2].terminator);
    CHECK(protocol::codec::opus_packet_samples(packets[0].opus) == protocol::codec::kFrameSamples);
  }

  TEST_CASE("receiver decodes a speaker's packets and is silent before and after") {
    VoiceSender sender;
    const auto packets = encode_tone(sender, 25, 440.0);
    VoiceReceiver receiver(protocol::codec::JitterConfig{40ms, 200ms});
    Clock::time_point now{};
    std::array<float, protocol::codec::kFrameSamples> out{};
    CHECK_FALSE(receiver.render(out, now));
    CHECK(energy(out) == 0.0);
    double heard = 0.0;
    for (std::size_t i = 0; i < packets.size() + 10; ++i) {
      if (i < packets.size()) {
        deliver(receiver, 7, packets[i], now);
      }
      receiver.render(out, now);
      if (i >= 5 && i < 20) {
        heard += energy(out);
      }
      now += 20ms;
    }
    CHECK(heard / 15.0 > 0.02);  // a 0.3 sine has mean power 0.045
    CHECK_FALSE(receiver.render(out, now));
    CHECK(receiver.stats().packets == packets.size());
    CHECK(receiver.stats().jitter.lost == 0);
    CHECK(receiver.stats().invalid == 0);
  }

  TEST_CASE("receiver conceals a lost packet and mixes two speakers") {
    VoiceSender alice;
    VoiceSender bob;
    const auto a = encode_tone(alice, 20, 300.0);
    const auto b = encode_tone(bob, 20, 700.0);
    VoiceReceiver receiver;
    Clock::time_point now{};
    std::array<float, protocol::codec::kFrameSamples> out{};
    double mixed = 0.0;
    for (std::size_t i = 0; i < 30; ++i) {
      if (i < 20) {
        if (i != 10) {
          deliver(receiver, 1, a[i], now);  // alice's packet 10 is lost
        }
        deliver(receiver, 2, b[i], now);
      }
      receiver.render(out, now);
      if (i >= 5 && i < 18) {
        mixed += energy(out);
        CHECK(receiver.talking(1));
        CHECK(receiver.talking(2));
      }
      now += 20ms;
    }
    CHECK(mixed / 13.0 > 0.05);  // two speakers: more than one tone's power
    const ReceiveStats stats = receiver.stats();
    CHECK(stats.jitter.lost == 1);
    CHECK(stats.jitter.concealed == 1);
    receiver.forget(1);
    CHECK(receiver.stats().jitter.lost == 1);  // counters outlive the speaker
  }

  TEST_CASE("receiver drops garbage and ignores everything while deafened") {
    VoiceReceiver receiver;
    const protocol::Bytes garbage{std::byte{0xFF}, std::byte{0xFF}, std::byte{0xFF}};
    receiver.on_voice({3, 0, garbage, false, VoicePath::Tcp}, Clock::time_point{});
    CHECK(receiver.stats().invalid == 1);
    receiver.set_deafened(true);
    receiver.on_voice({3, 2, garbage, false, VoicePath::Tcp}, Clock::time_point{});
    CHECK(receiver.stats().packets == 1);
  }
}

}  // namespace
}  // namespace plenum::client
