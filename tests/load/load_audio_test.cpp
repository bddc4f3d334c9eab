// Unit tests of plenum-load's real-Opus pieces: the speakers' signal layout and loops, their
// Opus encoding, tone presence (Goertzel survey), onset detection, the mix stream's gap and
// lateness count, and the per-mode payload-rate accounting with its JSON.
#include "protocol/codec/opus_codec.hpp"
#include "tests/load/listener_tally.hpp"
#include "tests/load/load_report.hpp"
#include "tests/load/mix_decoding.hpp"
#include "tests/load/mix_stream_stats.hpp"
#include "tests/load/opus_loops.hpp"
#include "tests/load/speaker_signals.hpp"
#include "tests/load/tone_analysis.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <vector>

namespace plenum::load {
namespace {

constexpr std::size_t kFrame = protocol::codec::kFrameSamples;

std::vector<float> tones(const std::vector<std::pair<double, double>>& hz_dbfs, std::size_t samples) {
  std::vector<float> pcm(samples, 0.0F);
  for (const auto& [hz, dbfs] : hz_dbfs) {
    const double a = std::pow(10.0, dbfs / 20.0);
    for (std::size_t i = 0; i < samples; ++i) {
      pcm[i] += static_cast<float>(a * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / 48000));
    }
  }
  return pcm;
}

SignalLayout layout_of(std::uint32_t speakers, std::uint32_t noise = 0) {
  SignalLayout layout;
  layout.speakers = speakers;
  layout.noise_speakers = noise;
  return layout;
}

}  // namespace

TEST_SUITE("load") {
  TEST_CASE("Signal layout: an onset speaker, distinct tones at spread levels, noise last") {
    for (const std::uint32_t speakers : {1U, 2U, 10U, 120U}) {
      const auto specs = layout_signals(layout_of(speakers, speakers > 2 ? 2 : 0));
      REQUIRE(specs.size() == speakers);
      CHECK(specs[0].kind == SignalSpec::Kind::Onset);
      CHECK(specs[0].level_dbfs == -10);
      const auto frequencies = detectable_frequencies(specs);
      CHECK(frequencies[0] == kOnsetHz);
      std::set<double> distinct;
      double previous_level = 0;
      for (std::size_t k = 1; k < specs.size(); ++k) {
        if (specs[k].kind == SignalSpec::Kind::Noise) {
          CHECK(k + 2 >= specs.size());
          CHECK(frequencies[k] == 0);
          continue;
        }
        INFO(speakers << " speakers, speaker " << k << " at " << specs[k].frequency_hz);
        CHECK(std::abs(specs[k].frequency_hz - kOnsetHz) >= 150);
        CHECK(std::abs(specs[k].frequency_hz - kOnsetCarrierHz) >= 75);
        CHECK(specs[k].frequency_hz >= 300);
        CHECK(specs[k].frequency_hz <= 3600);
        CHECK(specs[k].level_dbfs <= -16 + 1e-9);  // 6 dB under the onset speaker
        CHECK(specs[k].level_dbfs >= -40 - 1e-9);
        if (k > 1) {
          CHECK(specs[k].level_dbfs <= previous_level);
        }
        previous_level = specs[k].level_dbfs;
        distinct.insert(specs[k].frequency_hz);
      }
      const std::size_t tone_speakers = speakers > 2 ? speakers - 3 : speakers - 1;
      CHECK(distinct.size() == tone_speakers);
      if (tone_speakers > 0) {
        // The tones are at least 20 Hz apart: the survey resolves 5 Hz.
        std::vector<double> sorted(distinct.begin(), distinct.end());
        for (std::size_t i = 1; i < sorted.size(); ++i) {
          CHECK(sorted[i] - sorted[i - 1] >= 20);
        }
      }
    }
  }

  TEST_CASE("Signal loops: tone level, onset burst only in its last frames, noise RMS") {
    const SignalSpec tone{SignalSpec::Kind::Tone, 440, -20};
    const auto pcm = signal_loop(tone, 0);
    CHECK(pcm.size() == kToneLoopFrames * kFrame);
    CHECK(tone_dbfs(std::span<const float>(pcm).first(48000), 440) == doctest::Approx(-20).epsilon(0.01));
    // Integer frequency, 1 s loop: the sample after the end is the first one.
    CHECK(std::abs(pcm.front() - static_cast<float>(0.1 * std::sin(2 * std::numbers::pi * 440 * 48000 / 48000.0))) < 1e-4);

    const SignalSpec onset{SignalSpec::Kind::Onset, 0, -10};
    const auto bursts = signal_loop(onset, 0);
    CHECK(bursts.size() == kOnsetLoopFrames * kFrame);
    const std::span<const float> all(bursts);
    CHECK(rms_dbfs(all.subspan((kOnsetFrame - 1) * kFrame, kFrame)) < -100);  // silent before
    CHECK(tone_dbfs(all.subspan(kOnsetFrame * kFrame, kFrame), kOnsetHz) == doctest::Approx(-10).epsilon(0.01));

    const SignalSpec noise{SignalSpec::Kind::Noise, 0, -50};
    const auto hiss = signal_loop(noise, 3);
    CHECK(rms_dbfs(hiss) == doctest::Approx(-50).epsilon(0.01));
    CHECK(signal_loop(noise, 4) != hiss);
  }

  TEST_CASE("Opus loops: one packet per 20 ms frame, and a tone survives the round trip") {
    const auto specs = layout_signals(layout_of(3));
    const auto loops = encode_loops(specs, 24000);
    REQUIRE(loops.size() == 3);
    CHECK(loops[0].marks_onsets);
    CHECK_FALSE(loops[1].marks_onsets);
    CHECK(loops[0].frames.size() == kOnsetLoopFrames);
    CHECK(loops[1].frames.size() == kToneLoopFrames);
    protocol::codec::OpusVoiceDecoder decoder;
    ToneSurvey survey(detectable_frequencies(specs));
    std::vector<float> out(protocol::codec::kMaxFrameSamples);
    for (int turn = 0; turn < 3; ++turn) {
      for (const auto& packet : loops[1].frames) {
        CHECK(protocol::codec::opus_packet_samples(packet) == kFrame);
        const auto n = decoder.decode(packet, out);
        REQUIRE(n == kFrame);
        if (turn > 0) {
          survey.add(std::span<const float>(out).first(n));
        }
      }
    }
    const auto levels = survey.levels_dbfs();
    const auto present = survey.present();
    INFO("speaker 1 at " << specs[1].frequency_hz << " Hz, " << specs[1].level_dbfs << " dBFS; decoded "
                         << levels[1] << "; speaker 2 " << levels[2]);
    CHECK(present[1]);
    CHECK_FALSE(present[0]);
    CHECK_FALSE(present[2]);
    CHECK(levels[1] == doctest::Approx(specs[1].level_dbfs).epsilon(0.15));
  }

  TEST_CASE("ToneSurvey: the mixed tones present, the others absent, noise no tone") {
    // 12 tones 25 Hz apart; 4 of them in the signal at levels 8 dB apart, plus low noise.
    std::vector<double> frequencies;
    for (int i = 0; i < 12; ++i) {
      frequencies.push_back(1500 + 25.0 * i);
    }
    frequencies.push_back(0);  // a noise speaker is never surveyed
    auto pcm = tones({{1500, -12}, {1550, -20}, {1600, -15}, {1775, -28}}, 48000 * 2);
    std::uint32_t state = 1;
    for (float& s : pcm) {
      state = state * 1664525U + 1013904223U;
      s += static_cast<float>(0.003 * (static_cast<double>(state >> 8) / (1U << 24) - 0.5));
    }
    ToneSurvey survey(frequencies);
    for (std::size_t at = 0; at < pcm.size(); at += kFrame) {
      survey.add(std::span<const float>(pcm).subspan(at, kFrame));
    }
    CHECK(survey.blocks() == 10);
    const auto present = survey.present();
    const auto levels = survey.levels_dbfs();
    const std::set<std::size_t> expected{0, 2, 4, 11};
    for (std::size_t f = 0; f < frequencies.size(); ++f) {
      INFO(frequencies[f] << " Hz: " << levels[f] << " dBFS");
      CHECK(present[f] == expected.contains(f));
    }
    CHECK(levels[0] == doctest::Approx(-12).epsilon(0.05));
    CHECK(levels[11] == doctest::Approx(-28).epsilon(0.05));

    ToneSurvey silent(frequencies);
    silent.add(std::vector<float>(ToneSurvey::kBlockSamples, 0.0F));
    CHECK(std::none_of(silent.present().begin(), silent.present().end(), [](bool p) { return p; }));
  }

  TEST_CASE("OnsetDetector: fires once per burst after a quiet stretch, despite other tones") {
    // Other mixed tones 150 Hz and more from the onset tone, as loud as the burst.
    const auto background = tones({{850, -16}, {1160, -16}, {2000, -16}}, kFrame * 100);
    const auto burst = tones({{kOnsetHz, -16}}, kFrame * 100);
    std::vector<std::size_t> fired;
    OnsetDetector detector(kOnsetHz);
    for (std::size_t f = 0; f < 100; ++f) {
      std::vector<float> frame(background.begin() + static_cast<std::ptrdiff_t>(f * kFrame),
                               background.begin() + static_cast<std::ptrdiff_t>((f + 1) * kFrame));
      // Bursts in frames 30..49 and 80..99, starting 5 ms into frames 30 and 80.
      const bool on = (f >= 30 && f < 50) || f >= 80;
      const std::size_t from = (f == 30 || f == 80) ? 240 : 0;
      for (std::size_t i = from; on && i < kFrame; ++i) {
        frame[i] += burst[f * kFrame + i];
      }
      if (detector.add(frame)) {
        fired.push_back(f);
      }
    }
    CHECK(fired == std::vector<std::size_t>{30, 80});

    // Codec spikes 25 dB under the bursts in the quiet stretch neither fire nor hide the onset.
    OnsetDetector spiky(kOnsetHz);
    const auto spike = tones({{kOnsetHz, -41}}, kFrame);
    const auto loud = tones({{kOnsetHz, -16}}, kFrame);
    const std::vector<float> quiet(kFrame, 0.0F);
    std::vector<std::size_t> spiky_fired;
    for (std::size_t f = 0; f < 60; ++f) {
      const bool on = (f >= 5 && f < 15) || f >= 40;
      const bool spiking = !on && f % 9 == 0;
      if (spiky.add(on ? loud : spiking ? spike : quiet)) {
        spiky_fired.push_back(f);
      }
    }
    CHECK(spiky_fired == std::vector<std::size_t>{40});  // frame 5 had no quiet stretch before

    // A burst that starts before the detector has seen a quiet stretch is not an onset.
    OnsetDetector early(kOnsetHz);
    CHECK_FALSE(early.add(std::span<const float>(burst).first(kFrame)));
    CHECK_FALSE(early.add(std::vector<float>(100, 0.0F)));  // not a 20 ms frame: ignored
  }

  TEST_CASE("MixDecoding: decodes a mix, measures its level, sees the onset") {
    const auto specs = layout_signals(layout_of(2));
    const auto loops = encode_loops(specs, 24000);
    MixDecoding decoding(detectable_frequencies(specs), kOnsetHz);
    std::vector<std::size_t> onsets;
    for (std::size_t i = 0; i < 2 * kOnsetLoopFrames; ++i) {
      if (decoding.add(loops[0].frames[i % kOnsetLoopFrames], true)) {
        onsets.push_back(i);
      }
    }
    // The first turn's burst follows a stretch of carrier only: both onsets are found, within
    // one frame of the marked one (the codec delays by a few ms).
    REQUIRE(onsets.size() == 2);
    CHECK(onsets[0] >= kOnsetFrame);
    CHECK(onsets[0] <= kOnsetFrame + 1);
    CHECK(onsets[1] - onsets[0] == kOnsetLoopFrames);
    CHECK(decoding.level_dbfs() < -10);
    CHECK(decoding.level_dbfs() > -20);
    CHECK(decoding.survey().present()[0]);
    CHECK(decoding.undecodable() == 0);
    const std::array<std::byte, 1> junk{std::byte{0xFF}};
    CHECK_FALSE(decoding.add(junk, true));
    CHECK(decoding.undecodable() == 1);
  }

  TEST_CASE("MixStreamStats: gaps are lost frames, late arrivals late, terminators reset") {
    constexpr std::uint64_t ms = 1'000'000;
    MixStreamStats stats;
    stats.add(100, 2, false, 0);
    stats.add(102, 2, false, 20 * ms);
    stats.add(108, 2, false, 80 * ms);   // 104, 106 lost; on time for its place
    stats.add(110, 2, false, 145 * ms);  // due at 100 ms: 45 ms late
    stats.add(112, 2, false, 160 * ms);  // early after a late one: fine
    stats.add(111, 2, false, 161 * ms);  // behind: reordered, not lost
    CHECK(stats.frames() == 6);
    CHECK(stats.lost() == 2);
    CHECK(stats.late() == 1);
    CHECK(stats.reordered() == 1);
    stats.add(114, 2, true, 180 * ms);  // end of a transmission
    stats.add(400, 2, false, 5000 * ms);  // resumes later: no gap, not late
    CHECK(stats.lost() == 2);
    CHECK(stats.late() == 1);
    stats.add(404, 0, false, 5040 * ms);  // an unreadable packet counts as 20 ms
    CHECK(stats.lost() == 3);

    // A sender whose frame numbers count packets, not 10 ms units.
    MixStreamStats packets;
    packets.add(7, 2, false, 0);
    packets.add(8, 2, false, 20 * ms);
    packets.add(9, 2, false, 40 * ms);
    packets.add(12, 2, false, 100 * ms);  // 10 and 11 lost
    CHECK(packets.lost() == 2);
    CHECK(packets.reordered() == 0);
    CHECK(packets.late() == 0);
  }

  TEST_CASE("Payload rate: encrypted bytes per listener, per mode, speakers left out") {
    CHECK(kbit_per_s(3000, 1.0) == doctest::Approx(24.0));
    CHECK(kbit_per_s(3000, 0) == 0);
    std::vector<ListenerTally> tallies(5);
    tallies[0].speaker = true;  // a speaker hears everything: not a listener row
    tallies[0].payload_bytes = 1'000'000;
    tallies[1].mode = tallies[2].mode = ListenerMode::Mix;
    tallies[1].switched = tallies[2].switched = true;
    tallies[1].confirmed = true;
    tallies[1].payload_bytes = 20'000;  // 16 kbit/s over 10 s
    tallies[2].payload_bytes = 30'000;  // 24 kbit/s
    tallies[1].streams = tallies[2].streams = 1;
    tallies[1].packets = 500;
    tallies[2].packets = 490;
    tallies[2].mix.add(0, 2, false, 0);
    tallies[2].mix.add(4, 2, false, 40'000'000);
    tallies[3].payload_bytes = tallies[4].payload_bytes = 100'000;
    tallies[3].streams = 3;
    tallies[4].streams = 4;
    const auto modes = summarize_modes(tallies, 10.0);
    REQUIRE(modes.size() == 2);
    const ModeReport& mix = modes.at(ListenerMode::Mix);
    CHECK(mix.listeners == 2);
    CHECK(mix.switched == 2);
    CHECK(mix.confirmed == 1);
    CHECK(mix.down_kbit_s_mean == doctest::Approx(20.0));
    CHECK(mix.down_kbit_s_max == doctest::Approx(24.0));
    CHECK(mix.packets_per_listener == doctest::Approx(495));
    CHECK(mix.mix_frames == 2);
    CHECK(mix.mix_lost == 1);
    CHECK(mix.mix_lost_ratio == doctest::Approx(1.0 / 3));
    const ModeReport& all = modes.at(ListenerMode::All);
    CHECK(all.listeners == 2);
    CHECK(all.down_kbit_s_mean == doctest::Approx(80.0));
    CHECK(all.streams_mean == doctest::Approx(3.5));
    CHECK(all.streams_max == 4);

    LoadReport report;
    ModeSection section;
    section.mode = "mix";
    section.counts = mix;
    section.tones_present_hz = {1000, 1523};
    section.tones_present_speakers = {0, 3};
    section.onset_latency_us.p99 = 41000;
    report.modes.push_back(section);
    const std::string json = to_json(report);
    for (const char* key : {"\"listener_modes\": {", "\"mix\": {\"listeners\": 2", "\"down_kbit_s_mean\": 20.00",
                            "\"mix_lost_ratio\": 0.333333", "\"tones_present_hz\": [1000, 1523]",
                            "\"tones_present_speakers\": [0, 3]", "\"p99\": 41000"}) {
      CHECK_MESSAGE(json.find(key) != std::string::npos, key);
    }
    CHECK(parse_listener_mode("topk") == ListenerMode::Topk);
    CHECK_FALSE(parse_listener_mode("loud"));
  }
}

}  // namespace plenum::load
