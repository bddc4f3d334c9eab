#include "server/voice/voice_shard.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

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

VoiceShard::VoiceShard(VoiceSettings settings, log::Logger& logger, ControlLink& link,
                       ShardMesh& mesh, std::size_t index, EngineRing* engine)
    : logger_{logger},
      link_{link},
      mesh_{mesh},
      index_{index},
      socket_{io_},
      outbox_{kSendBatch,
              [this](std::span<const OutgoingDatagram> datagrams) { return socket_.send_batch(datagrams); },
              counters_},
      relay_{settings, outbox_, link, counters_, Clock::now(), mesh.size() > 1 ? &mesh : nullptr, index,
             engine},
      stats_timer_{io_},
      wake_{io_} {
  if (mesh.size() > 1) {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) throw boost::system::system_error(errno, boost::system::system_category(), "eventfd");
    wake_.assign(wake_fd_);
  }
}

VoiceShard::~VoiceShard() {
  stop();
  join();
}

udp::endpoint VoiceShard::bind(const udp::endpoint& endpoint, bool reuse_port) {
  socket_.bind(endpoint, reuse_port);
  return socket_.local_endpoint();
}

void VoiceShard::start() {
  asio::co_spawn(io_, receive_loop(), asio::detached);
  asio::co_spawn(io_, stats_loop(), asio::detached);
  if (wake_.is_open()) asio::co_spawn(io_, shard_loop(), asio::detached);
  thread_ = std::thread([this] { run(); });
}

void VoiceShard::run() {
  const std::string name = mesh_.size() > 1 ? "plenum-voice-" + std::to_string(index_) : "plenum-voice";
  pthread_setname_np(pthread_self(), name.c_str());
  io_.run();
  if (mesh_.size() > 1) logger_.debug("voice shard {}: stopped: {}", index_, counters_.summary());
  const std::lock_guard lock{final_mutex_};
  final_counters_ = counters_;
}

void VoiceShard::stop() {
  asio::post(io_, [this] {
    stopping_ = true;
    socket_.close();
    stats_timer_.cancel();
    boost::system::error_code ignored;
    wake_.cancel(ignored);
  });
}

void VoiceShard::join() {
  if (thread_.joinable()) thread_.join();
}

void VoiceShard::wake() noexcept {
  const std::uint64_t one = 1;
  // EAGAIN only when the counter is near 2^64: it is readable then anyway.
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof(one));
}

VoiceCounters VoiceShard::final_counters() const {
  const std::lock_guard lock{final_mutex_};
  return final_counters_;
}

asio::awaitable<void> VoiceShard::receive_loop() {
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

asio::awaitable<void> VoiceShard::shard_loop() {
  while (!stopping_) {
    auto [error] = co_await wake_.async_wait(asio::posix::stream_descriptor::wait_read, use_tuple);
    if (error || stopping_) co_return;
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(wake_fd_, &count, sizeof(count));
    drain_mesh();
  }
}

asio::awaitable<void> VoiceShard::stats_loop() {
  while (!stopping_) {
    stats_timer_.expires_after(kStatsInterval);
    auto [error] = co_await stats_timer_.async_wait(use_tuple);
    if (error || stopping_) co_return;
    reports_.clear();
    relay_.collect_stats(reports_);
    if (!reports_.empty()) link_.report_crypt_stats(reports_);
  }
}

void VoiceShard::drain_mesh() {
  run_commands();
  const auto now = Clock::now();
  mesh_.drain(index_, [&](const ShardMessage& message) { relay_.on_shard_message(message, now); });
  flush();
}

void VoiceShard::flush() {
  outbox_.flush_udp();
  if (outbox_.has_tunnel()) link_.deliver_tunnel(outbox_.take_tunnel());
}

void VoiceShard::enqueue(std::function<void()> command) {
  const std::lock_guard lock{commands_mutex_};
  queued_commands_.push_back(std::move(command));
  if (commands_pending_.exchange(true, std::memory_order_release)) return;  // a wake-up is queued
  asio::post(io_, [this] {
    run_commands();
    flush();
  });
}

void VoiceShard::run_commands() {
  if (!commands_pending_.load(std::memory_order_acquire)) return;
  {
    const std::lock_guard lock{commands_mutex_};
    running_commands_.swap(queued_commands_);
    commands_pending_.store(false, std::memory_order_relaxed);
  }
  for (auto& command : running_commands_) command();
  running_commands_.clear();
}

void VoiceShard::add_session(const AddVoiceSession& add, std::shared_ptr<HomeSlot> home) {
  enqueue([this, add, home = std::move(home)]() mutable {
    relay_.add_session(add, std::move(home), Clock::now());
  });
}

void VoiceShard::remove_session(SessionId session) {
  enqueue([this, session] { relay_.remove_session(session); });
}

void VoiceShard::set_decrypt_iv(SessionId session, const protocol::CryptStateOCB2::Nonce& nonce) {
  enqueue([this, session, nonce] { relay_.set_decrypt_iv(session, nonce); });
}

void VoiceShard::request_encrypt_iv(SessionId session) {
  enqueue([this, session] { relay_.send_encrypt_iv(session); });
}

void VoiceShard::publish(std::shared_ptr<const RoutingSnapshot> snapshot) {
  enqueue([this, snapshot = std::move(snapshot)]() mutable { relay_.set_snapshot(std::move(snapshot)); });
}

void VoiceShard::update_settings(const VoiceSettings& settings) {
  enqueue([this, settings] { relay_.update_settings(settings); });
}

void VoiceShard::tunnel_voice(SessionId session, protocol::Bytes packet) {
  enqueue([this, session, packet = std::move(packet)] {
    relay_.on_tunnel(session, packet, Clock::now());
  });
}

void VoiceShard::publish_selection(std::shared_ptr<const audio::SelectionSnapshot> selection) {
  enqueue([this, selection = std::move(selection)]() mutable { relay_.set_selection(std::move(selection)); });
}

void VoiceShard::deliver_mix(std::shared_ptr<const std::vector<audio::ChannelTick>> ticks) {
  enqueue([this, ticks = std::move(ticks)] {
    for (const audio::ChannelTick& tick : *ticks) relay_.on_mix(tick);
  });
}

}  // namespace plenum::server::voice
