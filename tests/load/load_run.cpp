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
  client_context_.emplace(LoadClientContext{io_, tls_, endpoints.begin()->endpoint(), counters_, scratch_});

  LoadReport report;
  report.label = options_.label;
  report.server = target_.name;
  report.clients = options_.clients;
  report.connect_only = options_.connect_only;
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

void LoadRun::start_speaking() {
  for (const auto& client : clients_) {
    if (speakers_.size() < options_.speakers && client->state() == LoadClient::State::Ready) {
      speakers_.push_back(client.get());
    }
  }
  sequences_.assign(speakers_.size(), 0);
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
      Probe probe;
      probe.speaker = speakers_[k]->index();
      probe.sequence = sequences_[k]++;
      probe.in_window = in_window_;
      probe.sent_ns = probe_clock_ns();
      speakers_[k]->send_probe(probe);
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
    start_speaking();
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
  run_for(options_.duration);
  in_window_ = false;
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
  std::uint64_t listeners = report.connected > 0 ? report.connected - 1 : 0;
  std::uint32_t disconnected = 0;
  for (const auto& client : clients_) {
    disconnected += client->disconnected() ? 1U : 0U;
  }
  if (disconnected > 0) {
    progress(fmt::format("{}: {} clients lost the server during the run", target_.name, disconnected));
  }
  report.sent = counters_.window_sent;
  report.expected = counters_.window_sent * listeners;
  report.deliveries = counters_.window_deliveries;
  report.tunnel_deliveries = counters_.tunnel_deliveries;
  report.foreign_voice = counters_.foreign_voice;
  report.decrypt_failures = counters_.decrypt_failures;
  report.send_errors = counters_.send_errors;
  report.late_ticks = counters_.late_ticks;
  const LatencyHistogram& latency = counters_.latency;
  report.latency_us.p50 = static_cast<double>(latency.percentile(0.50).count());
  report.latency_us.p90 = static_cast<double>(latency.percentile(0.90).count());
  report.latency_us.p99 = static_cast<double>(latency.percentile(0.99).count());
  report.latency_us.max =
      static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(latency.max()).count());
}

}  // namespace plenum::load
