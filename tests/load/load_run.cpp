#include "tests/load/load_run.hpp"

#include "tests/load/proc_stats.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <openssl/ssl.h>

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <stdexcept>

namespace plenum::load {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr auto kSlot = std::chrono::milliseconds(1);
constexpr auto kKeepaliveTick = std::chrono::seconds(1);
constexpr std::uint64_t kKeepaliveSpread = 10;  // each client pings every 10 ticks (10 s)
// Lets the server finish the login broadcasts before RSS is read.
constexpr auto kSettleAfterConnect = std::chrono::milliseconds(1000);

double seconds_between(LoadRun::Clock::time_point from, LoadRun::Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

std::uint64_t probe_clock_ns() noexcept {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(now.tv_nsec);
}

LoadRun::LoadRun(LoadOptions options, ServerTarget target)
    : options_(std::move(options)),
      target_(std::move(target)),
      tls_(asio::ssl::context::tls_client),
      keepalive_(io_),
      speaker_timer_(io_) {
  // Mumble servers present self-signed certificates; a load client trusts anything.
  tls_.set_verify_mode(asio::ssl::verify_none);
  SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
}

LoadRun::~LoadRun() {
  for (auto& client : clients_) {
    client->close();
  }
}

std::optional<ProcessCpu> LoadRun::server_cpu() const {
  return target_.pid ? process_cpu(*target_.pid) : std::nullopt;
}

void LoadRun::progress(const std::string& line) const {
  if (!options_.quiet) {
    std::cerr << "plenum-load: " << line << std::endl;
  }
}

void LoadRun::run_until(const std::function<bool()>& done, Clock::time_point deadline) {
  while (!done() && Clock::now() < deadline) {
    io_.restart();
    io_.run_one_until(deadline);
  }
}

void LoadRun::run_for(Clock::duration duration) {
  const auto until = Clock::now() + duration;
  run_until([] { return false; }, until);
}

LoadReport LoadRun::run() {
  raise_open_file_limit();
  asio::ip::tcp::resolver resolver(io_);
  const auto endpoints = resolver.resolve(target_.host, std::to_string(target_.port));
  if (endpoints.empty()) {
    throw std::runtime_error("cannot resolve " + target_.host);
  }
  client_context_.emplace(
      LoadClientContext{io_, tls_, endpoints.begin()->endpoint(), counters_, scratch_, send_log_});

  LoadReport report;
  report.label = options_.label;
  report.server = target_.name;
  report.clients = options_.clients;
  report.connect_only = options_.connect_only;
  report.speaker_bitrate_bps = options_.speaker_bitrate_bps;
  report.listener_mode = options_.listener_mode;
  report.mode_by = options_.mode_by;
  if (target_.pid) {
    report.rss_kib_before = process_rss_kib(*target_.pid).value_or(0);
  }
  start_keepalive();
  connect_all(report);
  run_for(kSettleAfterConnect);
  if (target_.pid) {
    report.rss_kib_after = process_rss_kib(*target_.pid).value_or(0);
  }
  measure_window(report);
  collect(report);
  for (auto& client : clients_) {
    client->close();
  }
  io_.restart();
  io_.poll();
  finish_report(report);
  return report;
}

void LoadRun::connect_all(LoadReport& report) {
  const auto cpu_before = server_cpu();
  const auto started = Clock::now();
  clients_.reserve(options_.clients);
  while (in_flight_ < options_.connect_concurrency && next_client_ < options_.clients) {
    start_next_client();
  }
  // Every client settles by its own timeout; the extra margin only guards against a bug.
  const auto batches = options_.clients / options_.connect_concurrency + 1;
  const auto deadline = started + options_.connect_timeout * (batches + 1);
  run_until([this] { return settled_ == options_.clients; }, deadline);
  report.connect_s = seconds_between(started, Clock::now());
  const auto cpu_after = server_cpu();
  if (cpu_before && cpu_after) {
    report.server_cpu_connect_s = cpu_after->total() - cpu_before->total();
  }
  for (const auto& client : clients_) {
    if (client->state() == LoadClient::State::Ready) {
      ++report.connected;
    }
  }
  report.connect_failures = options_.clients - report.connected;
  progress(fmt::format("{}: {}/{} clients connected in {:.1f} s", target_.name, report.connected,
                       options_.clients, report.connect_s));
  for (const auto& [reason, count] : failures_) {
    progress(fmt::format("  {} x {}", count, reason));
  }
}

void LoadRun::start_next_client() {
  const std::uint32_t index = next_client_++;
  ++in_flight_;
  clients_.push_back(std::make_unique<LoadClient>(
      *client_context_, index, fmt::format("{}-{}", options_.name_prefix, index)));
  LoadClient* client = clients_.back().get();
  client->start(options_.connect_timeout, [this, client] {
    --in_flight_;
    ++settled_;
    if (client->state() == LoadClient::State::Failed) {
      ++failures_[client->failure()];
    }
    // Post rather than recurse: the settling client is still inside its own handler.
    asio::post(io_, [this] {
      while (in_flight_ < options_.connect_concurrency && next_client_ < options_.clients) {
        start_next_client();
      }
    });
  });
}

void LoadRun::start_keepalive() {
  keepalive_.expires_after(kKeepaliveTick);
  keepalive_.async_wait([this](error_code ec) {
    if (!ec) {
      on_keepalive();
      start_keepalive();
    }
  });
}

void LoadRun::on_keepalive() {
  const std::uint64_t phase = keepalive_tick_++ % kKeepaliveSpread;
  for (std::size_t i = static_cast<std::size_t>(phase); i < clients_.size(); i += kKeepaliveSpread) {
    clients_[i]->send_tcp_ping();
  }
}

void LoadRun::prepare_voice(LoadReport& report) {
  for (const auto& client : clients_) {
    if (speakers_.size() < options_.speakers && client->state() == LoadClient::State::Ready) {
      speakers_.push_back(client.get());
    }
  }
  const auto speakers = static_cast<std::uint32_t>(speakers_.size());
  SignalLayout layout;
  layout.speakers = speakers;
  layout.noise_speakers = std::min(options_.noise_speakers, speakers);
  layout.loudest_dbfs = options_.loudest_dbfs;
  layout.quietest_dbfs = options_.quietest_dbfs;
  layout.noise_dbfs = options_.noise_dbfs;
  layout.onset_silent = options_.onset_silent;
  signals_ = layout_signals(layout);
  report.noise_speakers = layout.noise_speakers;
  const auto started = Clock::now();
  loops_ = encode_loops(signals_, options_.speaker_bitrate_bps);
  progress(fmt::format("{}: {} speakers' Opus loops encoded in {:.1f} s", target_.name, speakers,
                       seconds_between(started, Clock::now())));
  send_log_ = SendLog(speakers);
  for (const auto& client : clients_) {
    if (client->state() == LoadClient::State::Ready) {
      send_log_.add_client_session(client->session());
    }
  }
  for (std::uint32_t k = 0; k < speakers; ++k) {
    send_log_.add_session(speakers_[k]->session(), k);
    speakers_[k]->tally().speaker = true;
  }
  sequences_.assign(speakers, 0);
  window_sent_by_.assign(speakers, 0);
}

void LoadRun::switch_modes(LoadReport& report) {
  const ListenerMode mode = parse_listener_mode(options_.listener_mode).value_or(ListenerMode::All);
  const bool by_config = options_.mode_by == "config";
  // Against any server, all-mode runs without --mix-listeners send nothing (Murmur's runs and
  // the forwarding scenarios stay as they were).
  const bool by_command = !by_config && (mode != ListenerMode::All || options_.mode_listeners);
  std::uint32_t left = options_.mode_listeners.value_or(options_.clients);
  std::uint32_t decoders = options_.decode_listeners;
  const auto frequencies = detectable_frequencies(signals_);
  for (const auto& client : clients_) {
    if (client->state() != LoadClient::State::Ready) {
      continue;
    }
    ListenerTally& tally = client->tally();
    if (by_config) {
      tally.mode = mode;
    } else if (by_command && !tally.speaker && left > 0) {
      --left;
      tally.mode = mode;
      tally.switched = true;
      ++report.mode_switched;
      client->send_channel_text("/mode " + options_.listener_mode);
    }
    if (tally.mode == ListenerMode::All) {
      ++all_mode_clients_;
    }
    if (tally.mode == ListenerMode::Mix && !tally.speaker && decoders > 0) {
      --decoders;
      client->decode_mix(std::make_unique<MixDecoding>(frequencies, kOnsetHz));
    }
  }
}

void LoadRun::await_modes(LoadReport& report) {
  // A mix listener's mode shows with its first mix frame; a switched one's with the reply.
  const auto awaited = [](const LoadClient& c) {
    return c.state() == LoadClient::State::Ready &&
           (c.tally().switched || c.tally().mode == ListenerMode::Mix);
  };
  for (const auto& client : clients_) {
    report.mode_awaited += awaited(*client) ? 1U : 0U;
  }
  if (report.mode_awaited == 0) {
    return;
  }
  const auto started = Clock::now();
  const auto confirmed = [&] {
    std::uint32_t n = 0;
    for (const auto& client : clients_) {
      n += awaited(*client) && client->tally().confirmed ? 1U : 0U;
    }
    return n;
  };
  // Polled every 50 ms: counting 500 clients per event would cost more than the events.
  auto next_check = Clock::now();
  run_until(
      [&] {
        if (Clock::now() < next_check) {
          return false;
        }
        next_check = Clock::now() + std::chrono::milliseconds(50);
        return confirmed() == report.mode_awaited;
      },
      started + options_.mode_timeout);
  report.mode_confirmed = confirmed();
  report.mode_wait_s = seconds_between(started, Clock::now());
  progress(fmt::format("{}: {}/{} listeners in mode {} after {:.1f} s", target_.name,
                       report.mode_confirmed, report.mode_awaited, options_.listener_mode,
                       report.mode_wait_s));
}

void LoadRun::start_speaking() {
  schedule_.emplace(static_cast<std::uint32_t>(speakers_.size()));
  speaking_since_ = Clock::now();
  next_slot_ = 0;
  on_speaker_tick();
}

void LoadRun::on_speaker_tick() {
  // Absolute deadlines; a tick that wakes late sends every slot it missed, and one that is
  // more than a whole frame late skips ahead (counted) rather than bursting.
  const auto now_slot = static_cast<std::uint64_t>((Clock::now() - speaking_since_) / kSlot);
  if (now_slot >= next_slot_ + SpeakerSchedule::kSlots) {
    counters_.late_ticks += now_slot - next_slot_;
    next_slot_ = now_slot;
  }
  for (; next_slot_ <= now_slot; ++next_slot_) {
    for (const std::uint32_t k : schedule_->due(next_slot_)) {
      const OpusLoop& loop = loops_[k];
      const std::uint64_t sequence = sequences_[k]++;
      const std::size_t frame = static_cast<std::size_t>(sequence % loop.frames.size());
      const std::uint64_t sent_ns = probe_clock_ns();
      if (!speakers_[k]->send_voice(loop.frames[frame], sequence)) {
        continue;
      }
      send_log_.record(k, sequence, sent_ns, in_window_);
      if (in_window_) {
        ++counters_.window_sent;
        ++window_sent_by_[k];
      }
      if (loop.marks_onsets && frame == kOnsetFrame) {
        send_log_.record_onset(sent_ns, in_window_);
        onsets_sent_ += in_window_ ? 1U : 0U;
      }
    }
  }
  speaker_timer_.expires_at(speaking_since_ + kSlot * static_cast<std::int64_t>(next_slot_));
  speaker_timer_.async_wait([this](error_code ec) {
    if (!ec) {
      on_speaker_tick();
    }
  });
}

void LoadRun::measure_window(LoadReport& report) {
  if (!options_.connect_only && options_.speakers > 0) {
    prepare_voice(report);
    switch_modes(report);
    start_speaking();
    await_modes(report);
    report.speakers = static_cast<std::uint32_t>(speakers_.size());
    progress(fmt::format("{}: {} speakers, warming up", target_.name, speakers_.size()));
    run_for(options_.warmup);
  }
  const auto cpu_before = server_cpu();
  const double own_before = own_cpu_seconds();
  const auto host_before = host_busy_cpu_seconds();
  const auto started = Clock::now();
  in_window_ = true;
  counters_.counting = true;
  counters_.window_open = true;
  run_for(options_.duration);
  in_window_ = false;
  counters_.window_open = false;
  report.window_s = seconds_between(started, Clock::now());
  const auto cpu_after = server_cpu();
  report.generator_cpu_s = own_cpu_seconds() - own_before;
  const auto host_after = host_busy_cpu_seconds();
  if (cpu_before && cpu_after) {
    report.server_cpu_s = cpu_after->total() - cpu_before->total();
  }
  if (host_before && host_after) {
    report.host_other_cpu_s =
        std::max(0.0, *host_after - *host_before - report.server_cpu_s - report.generator_cpu_s);
  }
  speaker_timer_.cancel();
  run_for(options_.cooldown);
  counters_.counting = false;
}

void LoadRun::collect(LoadReport& report) {
  std::uint32_t disconnected = 0;
  for (const auto& client : clients_) {
    disconnected += client->disconnected() ? 1U : 0U;
  }
  if (disconnected > 0) {
    progress(fmt::format("{}: {} clients lost the server during the run", target_.name, disconnected));
  }
  // Every all-mode client should hear every speaker's packets but its own.
  std::uint64_t own = 0;
  for (std::size_t k = 0; k < speakers_.size(); ++k) {
    own += speakers_[k]->tally().mode == ListenerMode::All ? window_sent_by_[k] : 0;
  }
  report.sent = counters_.window_sent;
  report.expected = counters_.window_sent * all_mode_clients_ - own;
  report.deliveries = counters_.window_deliveries;
  report.tunnel_deliveries = counters_.tunnel_deliveries;
  report.foreign_voice = counters_.foreign_voice;
  report.decrypt_failures = counters_.decrypt_failures;
  report.send_errors = counters_.send_errors;
  report.late_ticks = counters_.late_ticks;
  report.unmatched_voice = counters_.unmatched_voice;
  report.mix_packets = counters_.mix_packets;
  report.mode_replies = counters_.mode_replies;
  report.mode_reply_sample = counters_.mode_reply_sample;
  report.latency_us = summarize(counters_.latency);
  collect_modes(report);
}

void LoadRun::collect_modes(LoadReport& report) {
  std::vector<ListenerTally> tallies;
  tallies.reserve(clients_.size());
  for (const auto& client : clients_) {
    tallies.push_back(client->tally());
  }
  for (const auto& [mode, counts] : summarize_modes(tallies, report.window_s)) {
    ModeSection section;
    section.mode = to_string(mode);
    section.counts = counts;
    section.deliveries = mode == ListenerMode::All ? counters_.window_deliveries : counters_.topk_deliveries;
    section.latency_us = summarize(mode == ListenerMode::All ? counters_.latency : counters_.topk_latency);
    if (mode == ListenerMode::Mix) {
      collect_mix(section);
    }
    report.modes.push_back(std::move(section));
  }
}

void LoadRun::collect_mix(ModeSection& section) {
  section.onsets_sent = onsets_sent_;
  section.onsets_measured = counters_.mix_onset_latency.count();
  section.onset_latency_us = summarize(counters_.mix_onset_latency);
  std::vector<std::uint32_t> votes(signals_.size(), 0);
  double level_sum = 0;
  for (const auto& client : clients_) {
    const MixDecoding* decoding = client->decoding();
    if (decoding == nullptr || decoding->survey().blocks() == 0) {
      continue;
    }
    ++section.decoded_listeners;
    level_sum += decoding->level_dbfs();
    const auto present = decoding->survey().present();
    for (std::size_t k = 0; k < present.size() && k < votes.size(); ++k) {
      votes[k] += present[k] ? 1U : 0U;
    }
  }
  if (section.decoded_listeners == 0) {
    return;
  }
  section.decoded_level_dbfs = level_sum / section.decoded_listeners;
  const auto frequencies = detectable_frequencies(signals_);
  for (std::uint32_t k = 0; k < votes.size(); ++k) {
    if (2 * votes[k] >= section.decoded_listeners) {
      section.tones_present_speakers.push_back(k);
      section.tones_present_hz.push_back(frequencies[k]);
    }
  }
}

}  // namespace plenum::load
