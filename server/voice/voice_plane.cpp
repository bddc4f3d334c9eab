#include "server/voice/voice_plane.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <pthread.h>

namespace plenum::server::voice {

namespace asio = boost::asio;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Batches drained per wake-up before posted commands get a turn.
constexpr int kBatchesPerTurn = 8;
// Datagrams per sendmmsg.
constexpr std::size_t kSendBatch = 64;

}  // namespace

VoicePlane::VoicePlane(VoiceSettings settings, log::Logger& logger, ControlLink& link)
    : logger_{logger},
      link_{link},
      socket_{io_},
      outbox_{kSendBatch,
              [this](std::span<const OutgoingDatagram> datagrams) { return socket_.send_batch(datagrams); },
              counters_},
      relay_{settings, outbox_, link, counters_, Clock::now()},
      stats_timer_{io_} {}

VoicePlane::~VoicePlane() {
  stop();
  join();
}

udp::endpoint VoicePlane::bind(const udp::endpoint& endpoint) {
  socket_.bind(endpoint);
  return socket_.local_endpoint();
}

void VoicePlane::start() {
  asio::co_spawn(io_, receive_loop(), asio::detached);
  asio::co_spawn(io_, stats_loop(), asio::detached);
  thread_ = std::thread([this] { run(); });
}

void VoicePlane::run() {
  pthread_setname_np(pthread_self(), "plenum-voice");
  io_.run();
  logger_.info("voice: stopped: {}", counters_.summary());
  const std::lock_guard lock{final_mutex_};
  final_counters_ = counters_;
}

void VoicePlane::stop() {
  asio::post(io_, [this] {
    stopping_ = true;
    socket_.close();
    stats_timer_.cancel();
  });
}

void VoicePlane::join() {
  if (thread_.joinable()) thread_.join();
}

VoiceCounters VoicePlane::final_counters() const {
  const std::lock_guard lock{final_mutex_};
  return final_counters_;
}

asio::awaitable<void> VoicePlane::receive_loop() {
  while (!stopping_) {
    auto [error] = co_await socket_.socket().async_wait(udp::socket::wait_read, use_tuple);
    if (error || stopping_) co_return;
    for (int turn = 0; turn < kBatchesPerTurn; ++turn) {
      const auto batch = socket_.receive_batch();
      if (batch.empty()) break;
      run_commands();
      const auto now = Clock::now();
      for (const Datagram& datagram : batch) relay_.on_datagram(datagram, now);
      flush();
      if (batch.size() < UdpSocket::kBatch) break;
    }
  }
}

asio::awaitable<void> VoicePlane::stats_loop() {
  while (!stopping_) {
    stats_timer_.expires_after(kStatsInterval);
    auto [error] = co_await stats_timer_.async_wait(use_tuple);
    if (error || stopping_) co_return;
    reports_.clear();
    relay_.collect_stats(reports_);
    if (!reports_.empty()) link_.report_crypt_stats(reports_);
  }
}

void VoicePlane::flush() {
  outbox_.flush_udp();
  if (outbox_.has_tunnel()) link_.deliver_tunnel(outbox_.take_tunnel());
}

void VoicePlane::enqueue(std::function<void()> command) {
  const std::lock_guard lock{commands_mutex_};
  queued_commands_.push_back(std::move(command));
  if (commands_pending_.exchange(true, std::memory_order_release)) return;  // a wake-up is queued
  asio::post(io_, [this] {
    run_commands();
    flush();
  });
}

void VoicePlane::run_commands() {
  if (!commands_pending_.load(std::memory_order_acquire)) return;
  {
    const std::lock_guard lock{commands_mutex_};
    running_commands_.swap(queued_commands_);
    commands_pending_.store(false, std::memory_order_relaxed);
  }
  for (auto& command : running_commands_) command();
  running_commands_.clear();
}

void VoicePlane::add_session(AddVoiceSession add) {
  enqueue([this, add = std::move(add)] { relay_.add_session(add, Clock::now()); });
}

void VoicePlane::remove_session(SessionId session) {
  enqueue([this, session] { relay_.remove_session(session); });
}

void VoicePlane::set_decrypt_iv(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce) {
  enqueue([this, session, nonce] { relay_.set_decrypt_iv(session, nonce); });
}

void VoicePlane::request_encrypt_iv(SessionId session) {
  enqueue([this, session] { relay_.send_encrypt_iv(session); });
}

void VoicePlane::publish(std::shared_ptr<const RoutingSnapshot> snapshot) {
  enqueue([this, snapshot = std::move(snapshot)]() mutable {
    relay_.set_snapshot(std::move(snapshot));
  });
}

void VoicePlane::tunnel_voice(SessionId session, protocol::Bytes packet) {
  enqueue([this, session, packet = std::move(packet)] {
    relay_.on_tunnel(session, packet, Clock::now());
  });
}

}  // namespace plenum::server::voice
