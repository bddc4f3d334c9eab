// The audio engine through the real server: speakers send real Opus tones at distinct levels, and
// a `mix` listener decodes one stream holding the k loudest tones (a selected speaker's own tone
// left out of what it hears), a `topk` listener gets the original packets of exactly the k
// loudest, and a noise-only microphone is neither forwarded nor mixed.
#include "tests/integration/server_fixture.hpp"

#include "protocol/codec/opus_codec.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <numbers>
#include <random>
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
constexpr std::size_t kBurstFrames = 30;
constexpr std::size_t kPauseFrames = 10;

std::vector<float> burst_tone(double hz, double dbfs, std::size_t frames) {
  const double amplitude = std::pow(10.0, dbfs / 20.0) * std::numbers::sqrt2;  // RMS = dbfs
  std::vector<float> pcm(frames * kFrame);
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    const std::size_t frame = i / kFrame;
    if (frame % (kBurstFrames + kPauseFrames) >= kBurstFrames) continue;
    pcm[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / 48000.0));
  }
  return pcm;
}

std::vector<float> noise(double dbfs, std::size_t frames, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<double> gauss(0.0, std::pow(10.0, dbfs / 20.0));
  std::vector<float> pcm(frames * kFrame);
  for (float& sample : pcm) sample = static_cast<float>(gauss(random));
  return pcm;
}

std::vector<Bytes> encode(const std::vector<float>& pcm) {
  codec::OpusVoiceEncoder encoder(32000);
  std::vector<Bytes> out;
  std::array<std::byte, 1024> packet{};
  for (std::size_t at = 0; at + kFrame <= pcm.size(); at += kFrame) {
    const std::size_t size = encoder.encode(std::span(pcm).subspan(at, kFrame), packet);
    REQUIRE(size > 0);
    out.emplace_back(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(size));
  }
  return out;
}

// Power of one frequency in dB relative to full scale (Goertzel over the whole span).
double tone_dbfs(std::span<const float> pcm, double hz) {
  const double coefficient = 2 * std::cos(2 * std::numbers::pi * hz / 48000.0);
  double s1 = 0;
  double s2 = 0;
  for (const float sample : pcm) {
    const double s0 = sample + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  const double rms = std::sqrt(2 * power) / static_cast<double>(pcm.size());
  return 20 * std::log10(rms + 1e-12);
}

struct Talker {
  LoggedIn login;
  double hz = 0;  // 0: noise
  std::vector<Bytes> frames;
};

LoggedIn join_udp(const PlenumProcess& server, const std::string& name) {
  ClientOptions options;
  options.port = server.port();
  auto client = std::make_unique<MumbleTestClient>(options);
  client->connect(deadline_in(kStep));
  HandshakeRequest request;
  request.username = name;
  auto handshake = client->handshake(request, deadline_in(kStep));
  REQUIRE_MESSAGE(handshake.synced(), handshake.describe());
  REQUIRE_MESSAGE(handshake.udp_ping_echo.has_value(), name << ": no UDP ping echo");
  return LoggedIn{std::move(client), std::move(handshake)};
}

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

PlenumOptions engine_options(const std::string& mode, std::uint32_t k) {
  PlenumOptions options = integration_options();
  options.settings.bandwidth_bps = 72000;
  options.settings.extra_ini.emplace_back("plenary.mode", mode);
  options.settings.extra_ini.emplace_back("plenary.topk", std::to_string(k));
  return options;
}

}  // namespace

TEST_SUITE("engine") {
  TEST_CASE("a mix listener hears the k loudest tones in one stream; a selected speaker not itself") {
    auto server = start_plenum(engine_options("mix", 3));
    // Six talkers 5 dB apart; the three loudest (400, 700, 1000 Hz) must be in the mix.
    const std::vector<std::pair<double, double>> tones{
        {400, -12}, {700, -17}, {1000, -22}, {1300, -27}, {1600, -32}, {1900, -37}};
    constexpr std::size_t kTicks = 200;  // 4 s
    std::vector<Talker> talkers;
    for (std::size_t i = 0; i < tones.size(); ++i) {
      talkers.push_back({join_udp(*server, "talker" + std::to_string(i)), tones[i].first,
                         encode(burst_tone(tones[i].first, tones[i].second, kTicks))});
    }
    LoggedIn listener = join_udp(*server, "listener");
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
    for (const auto& [hz, dbfs] : tones) level[hz] = tone_dbfs(got[0].decoded, hz);
    const double weakest_in = std::min({level[400], level[700], level[1000]});
    const double loudest_out = std::max({level[1300], level[1600], level[1900]});
    INFO("mix levels 400..1900 Hz: " << level[400] << " " << level[700] << " " << level[1000] << " "
                                     << level[1300] << " " << level[1600] << " " << level[1900]);
    CHECK(weakest_in > -45);
    CHECK(weakest_in - loudest_out > 15);
    // Even loudness: the selected tones, 10 dB apart at the microphones, come out close.
    CHECK(std::max({level[400], level[700], level[1000]}) - weakest_in < 6);

    // The loudest talker is selected and listens in mix: its N-1 mix lacks its own tone.
    const double own = tone_dbfs(got[1].decoded, 400);
    const double others = std::min(tone_dbfs(got[1].decoded, 700), tone_dbfs(got[1].decoded, 1000));
    INFO("talker0 hears 400 Hz at " << own << ", the others at >= " << others);
    CHECK(others - own > 15);
  }

  TEST_CASE("a topk listener gets the packets of exactly the k loudest; a noise-only microphone "
            "is neither forwarded nor selected") {
    auto server = start_plenum(engine_options("topk", 4));
    constexpr std::size_t kTicks = 250;  // 5 s: the noise floor settles first
    std::vector<Talker> talkers;
    const std::vector<std::pair<double, double>> tones{{400, -15}, {700, -20}, {1000, -25}};
    for (std::size_t i = 0; i < tones.size(); ++i) {
      talkers.push_back({join_udp(*server, "talker" + std::to_string(i)), tones[i].first,
                         encode(burst_tone(tones[i].first, tones[i].second, kTicks))});
    }
    // A fan or a street: steady noise, louder than the channel's gate threshold (-50 dBFS).
    talkers.push_back({join_udp(*server, "noisy"), 0, encode(noise(-35, kTicks, 7))});
    LoggedIn listener = join_udp(*server, "listener");

    const auto got = run(talkers, {listener.client.get()}, kTicks, 50, 0);
    std::set<std::uint32_t> heard;
    for (const auto& [sender, packets] : got[0].packets_by_sender) heard.insert(sender);
    std::set<std::uint32_t> expected;
    for (std::size_t i = 0; i < tones.size(); ++i) expected.insert(talkers[i].login.client->session());
    CHECK(heard == expected);
    CHECK_FALSE(heard.contains(talkers.back().login.client->session()));
  }
}

}  // namespace plenum::test
