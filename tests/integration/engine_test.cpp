// The audio engine through the real server: speakers send real Opus tones at distinct levels, and
// a `mix` listener decodes one stream holding the k loudest tones (a selected speaker's own tone
// left out of what it hears), a `topk` listener gets the original packets of exactly the k
// loudest, and a noise-only microphone is neither forwarded nor mixed.
#include "tests/integration/server_fixture.hpp"
#include "tests/support/test_audio.hpp"

#include "protocol/codec/opus_codec.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <thread>

namespace plenum::test {
namespace {

using namespace std::chrono_literals;
using protocol::Bytes;
namespace codec = protocol::codec;

constexpr std::size_t kFrame = codec::kFrameSamples;
constexpr auto kTick = 20ms;

// Speech-like bursts: 600 ms of tone, 200 ms of silence, so that a speaker's noise floor sees
// the pauses real speech has (a steady tone would look like a fan to the gate).
std::vector<Bytes> speech_like(double hz, double dbfs, std::size_t ticks) {
  return encode_opus(tone_bursts(hz, dbfs, ticks * kFrame, 600, 200), 20);
}

struct Talker {
  LoggedIn login;
  double hz = 0;  // 0: noise
  std::vector<Bytes> frames;
};

// What one listener received in the last `window` ticks of a run: packets by sender, and the
// decoded audio of one sender's stream (the mix user's).
struct Received {
  std::map<std::uint32_t, std::size_t> packets_by_sender;
  std::vector<float> decoded;
};

// Every talker sends `ticks` frames in real time; each listener drains its voice every tick.
std::vector<Received> run(std::vector<Talker>& talkers, std::vector<MumbleTestClient*> listeners,
                          std::size_t ticks, std::size_t window, std::uint32_t decode_sender) {
  std::vector<Received> received(listeners.size());
  std::vector<codec::OpusVoiceDecoder> decoders(listeners.size());
  std::array<float, codec::kMaxFrameSamples> pcm{};
  auto next = Clock::now();
  for (std::size_t tick = 0; tick < ticks + 10; ++tick) {
    if (tick < ticks) {
      for (Talker& talker : talkers) {
        protocol::VoicePacket packet;
        packet.frame_number = tick * 2;
        packet.opus = talker.frames[tick % talker.frames.size()];
        talker.login.client->send_opus(packet, VoicePath::Udp, deadline_in(kStep));
      }
    }
    next += kTick;
    std::this_thread::sleep_until(next);
    for (std::size_t i = 0; i < listeners.size(); ++i) {
      while (auto voice = listeners[i]->receive_voice(deadline_in(0ms))) {
        const auto packet = listeners[i]->decode(*voice);
        REQUIRE(packet.has_value());
        if (tick + window < ticks) continue;
        ++received[i].packets_by_sender[packet->sender_session];
        if (packet->sender_session != decode_sender) continue;
        const std::size_t samples = decoders[i].decode(packet->opus, pcm);
        received[i].decoded.insert(received[i].decoded.end(), pcm.begin(),
                                   pcm.begin() + static_cast<std::ptrdiff_t>(samples));
      }
    }
  }
  return received;
}

PlenumOptions engine_options(const std::string& mode, std::uint32_t k,
                             const std::string& transmit = "any") {
  PlenumOptions options = integration_options();
  options.settings.bandwidth_bps = 72000;
  options.settings.extra_ini.emplace_back("plenary.mode", mode);
  options.settings.extra_ini.emplace_back("plenary.topk", std::to_string(k));
  options.settings.extra_ini.emplace_back("plenary.transmit", transmit);
  return options;
}

bool mentions(const MumbleProto::TextMessage& message, std::string_view words) {
  return message.message().find(words) != std::string::npos;
}

}  // namespace

TEST_SUITE("engine") {
  // No ';' in test names: CTest's discovered names end there, and the test would not run.
  TEST_CASE("a mix listener hears the k loudest tones in one stream, a selected speaker not itself") {
    auto server = start_plenum(engine_options("mix", 3));
    // Six talkers 7 dB apart (more than the selector's 6 dB swap margin, so the set settles on
    // the loudest whatever order their first packets arrive in); the three loudest (400, 700,
    // 1000 Hz) must be in the mix.
    const std::vector<std::pair<double, double>> tones{
        {400, -10}, {700, -17}, {1000, -24}, {1300, -31}, {1600, -38}, {1900, -45}};
    constexpr std::size_t kTicks = 200;  // 4 s
    std::vector<Talker> talkers;
    for (std::size_t i = 0; i < tones.size(); ++i) {
      talkers.push_back({join_voice(*server, "talker" + std::to_string(i)), tones[i].first,
                         speech_like(tones[i].first, tones[i].second, kTicks)});
    }
    LoggedIn listener = join_voice(*server, "listener");
    const auto* mix_user = listener.client->model().user_named("Plenary mix");
    REQUIRE_MESSAGE(mix_user != nullptr, "no mix user in a mix channel");
    CHECK(mix_user->plenum_mix_user());
    CHECK(listener.handshake.model.server_sync->plenum_features() != 0);

    const auto got = run(talkers, {listener.client.get(), talkers[0].login.client.get()}, kTicks,
                         100, mix_user->session());
    for (const Received& heard : got) {
      // Only the mix user's stream: nobody's own packets reach a mix listener.
      CHECK(heard.packets_by_sender.size() == 1);
      CHECK(heard.packets_by_sender.contains(mix_user->session()));
      REQUIRE(heard.decoded.size() >= 80 * kFrame);
    }
    std::map<double, double> level;
    for (const auto& [hz, dbfs] : tones) level[hz] = tone_power(got[0].decoded, hz);
    const double weakest_in = std::min({level[400], level[700], level[1000]});
    const double loudest_out = std::max({level[1300], level[1600], level[1900]});
    INFO("mix levels 400..1900 Hz: " << level[400] << " " << level[700] << " " << level[1000] << " "
                                     << level[1300] << " " << level[1600] << " " << level[1900]);
    CHECK(weakest_in > -45);
    CHECK(weakest_in - loudest_out > 15);
    // Even loudness: the selected tones, 14 dB apart at the microphones, come out closer.
    CHECK(std::max({level[400], level[700], level[1000]}) - weakest_in < 9);

    // The loudest talker is selected and listens in mix: its N-1 mix lacks its own tone.
    const double own = tone_power(got[1].decoded, 400);
    const double others = std::min(tone_power(got[1].decoded, 700), tone_power(got[1].decoded, 1000));
    INFO("talker0 hears 400 Hz at " << own << ", the others at >= " << others);
    CHECK(others - own > 15);
  }

  TEST_CASE("a topk listener gets the packets of exactly the k loudest, a noise-only microphone "
            "neither forwarded nor selected") {
    auto server = start_plenum(engine_options("topk", 4));
    // 7 s: the noisy microphone's floor rises from the initial -60 dBFS to within the gate's
    // margin of its -42 dBFS noise in about 3 s (NoiseFloorTuning), then the hangover and the
    // selector's release pass; the last 1.5 s are judged.
    constexpr std::size_t kTicks = 350;
    std::vector<Talker> talkers;
    const std::vector<std::pair<double, double>> tones{{400, -15}, {700, -20}, {1000, -25}};
    for (std::size_t i = 0; i < tones.size(); ++i) {
      talkers.push_back({join_voice(*server, "talker" + std::to_string(i)), tones[i].first,
                         speech_like(tones[i].first, tones[i].second, kTicks)});
    }
    // A fan or a street: steady noise, louder than the channel's gate threshold (-50 dBFS) and
    // the initial noise floor's margin, so only the adaptive floor can close the gate on it.
    talkers.push_back({join_voice(*server, "noisy"), 0, encode_opus(white_noise(-42, kTicks * kFrame, 7), 20)});
    LoggedIn listener = join_voice(*server, "listener");

    const auto got = run(talkers, {listener.client.get()}, kTicks, 75, 0);
    std::set<std::uint32_t> heard;
    for (const auto& [sender, packets] : got[0].packets_by_sender) heard.insert(sender);
    std::set<std::uint32_t> expected;
    for (std::size_t i = 0; i < tones.size(); ++i) expected.insert(talkers[i].login.client->session());
    CHECK(heard == expected);
    CHECK_FALSE(heard.contains(talkers.back().login.client->session()));
  }

  TEST_CASE("legacy UDP, protobuf UDP and tunnel-only mix listeners all play the mix") {
    auto server = start_plenum(engine_options("mix", 4));
    constexpr std::size_t kTicks = 150;  // 3 s
    std::vector<Talker> talkers;
    talkers.push_back({join_voice(*server, "low"), 400, speech_like(400, -15, kTicks)});
    talkers.push_back({join_voice(*server, "high"), 1000, speech_like(1000, -22, kTicks)});
    LoggedIn legacy = join_voice(*server, "legacy", true, {1, 3, 4});
    LoggedIn modern = join_voice(*server, "modern", true, {1, 5, 0});
    LoggedIn tunnel = join_voice(*server, "tunnel", false, {1, 5, 0});
    REQUIRE(legacy.client->udp_format() == protocol::UdpFormat::Legacy);
    REQUIRE(modern.client->udp_format() == protocol::UdpFormat::Protobuf);
    const auto* mix_user = legacy.client->model().user_named("Plenary mix");
    REQUIRE(mix_user != nullptr);
    const std::vector<MumbleTestClient*> listeners{legacy.client.get(), modern.client.get(),
                                                   tunnel.client.get()};
    const auto got = run(talkers, listeners, kTicks, 75, mix_user->session());
    for (std::size_t i = 0; i < got.size(); ++i) {
      INFO("listener " << i);
      CHECK(got[i].packets_by_sender.size() == 1);
      REQUIRE(got[i].decoded.size() >= 50 * kFrame);
      CHECK(tone_power(got[i].decoded, 400) > -40);
      CHECK(tone_power(got[i].decoded, 1000) > -40);
    }
    // The tunnel-only listener got the mix over TCP, the others over UDP.
    CHECK(tunnel.client->stats().tunnel_received > 50);
    CHECK(tunnel.client->stats().udp_received == 0);
    CHECK(legacy.client->stats().udp_received > 50);
    CHECK(modern.client->stats().udp_received > 50);
  }

  TEST_CASE("a push-to-talk channel suggests push-to-talk, and stops an open noise-only microphone") {
    auto server = start_plenum(engine_options("mix", 4, "ptt"));
    LoggedIn noisy = join_voice(*server, "noisy");
    const auto is_ptt = [](const MumbleProto::SuggestConfig& m) { return m.has_push_to_talk() && m.push_to_talk(); };
    CHECK(noisy.client->wait_for<MumbleProto::SuggestConfig>(is_ptt, deadline_in(kStep)).has_value());
    // A later joiner is told on joining.
    LoggedIn listener = join_voice(*server, "listener");
    CHECK(listener.client->wait_for<MumbleProto::SuggestConfig>(is_ptt, deadline_in(kStep)).has_value());

    // A microphone left open on steady noise: the gate closes once the floor has risen to it
    // (about 3 s), and 8 s later the engine calls it an open microphone and tells its owner once.
    constexpr std::size_t kMaxTicks = 1000;  // 20 s
    const auto noise = encode_opus(white_noise(-42, 250 * kFrame, 11), 20);
    std::optional<MumbleProto::TextMessage> told;
    auto next = Clock::now();
    for (std::size_t tick = 0; tick < kMaxTicks && !told; ++tick) {
      protocol::VoicePacket packet;
      packet.frame_number = tick * 2;
      packet.opus = noise[tick % noise.size()];
      noisy.client->send_opus(packet, VoicePath::Udp, deadline_in(kStep));
      next += kTick;
      std::this_thread::sleep_until(next);
      told = noisy.client->wait_for<MumbleProto::TextMessage>(
          [](const MumbleProto::TextMessage& m) { return mentions(m, "microphone"); }, deadline_in(0ms));
      while (listener.client->receive_voice(deadline_in(0ms))) {
      }
    }
    REQUIRE_MESSAGE(told.has_value(), "no open-microphone notice in 20 s");
    CHECK(mentions(*told, "push-to-talk"));
    // Told once: more of the same noise brings no second notice.
    for (std::size_t tick = 0; tick < 50; ++tick) {
      protocol::VoicePacket packet;
      packet.frame_number = (kMaxTicks + tick) * 2;
      packet.opus = noise[tick % noise.size()];
      noisy.client->send_opus(packet, VoicePath::Udp, deadline_in(kStep));
      std::this_thread::sleep_for(kTick);
    }
    CHECK_FALSE(noisy.client
                    ->wait_for<MumbleProto::TextMessage>(
                        [](const MumbleProto::TextMessage& m) { return mentions(m, "microphone"); },
                        deadline_in(200ms))
                    .has_value());
  }
}

}  // namespace plenum::test
