#include "tests/support/query_ping.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>

namespace plenum::test {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

constexpr auto kResendInterval = std::chrono::milliseconds(100);
constexpr std::size_t kLegacyReplySize = 24;

std::uint32_t read_u32_be(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

std::optional<QueryPingReply> parse_reply(const std::uint8_t* data, std::size_t size,
                                          const std::array<std::uint8_t, 8>& ident) {
  if (size < 12 || !std::equal(ident.begin(), ident.end(), data + 4)) {
    return std::nullopt;
  }
  QueryPingReply reply;
  reply.size = size;
  reply.version_v1 = read_u32_be(data);
  std::copy_n(data + 4, ident.size(), reply.ident.begin());
  if (size >= kLegacyReplySize) {
    reply.users = read_u32_be(data + 12);
    reply.max_users = read_u32_be(data + 16);
    reply.bandwidth_bps = read_u32_be(data + 20);
  }
  return reply;
}

}  // namespace

std::optional<QueryPingReply> query_ping(const std::string& host, std::uint16_t port,
                                         const std::array<std::uint8_t, 8>& ident,
                                         Deadline deadline) {
  asio::io_context io(1);
  udp::socket socket(io, udp::endpoint(udp::v4(), 0));
  socket.connect(udp::endpoint(asio::ip::make_address(host), port));
  asio::steady_timer timer(io);

  std::array<std::uint8_t, 12> request{};
  std::copy(ident.begin(), ident.end(), request.begin() + 4);
  std::array<std::uint8_t, 512> buffer{};
  std::optional<QueryPingReply> reply;
  bool receiving = false;

  while (!reply && Clock::now() < deadline) {
    boost::system::error_code ignored;
    socket.send(asio::buffer(request), 0, ignored);
    bool resend = false;
    timer.expires_at(std::min(deadline, Clock::now() + kResendInterval));
    timer.async_wait([&](boost::system::error_code) { resend = true; });
    io.restart();
    while (!reply && !resend) {
      if (!receiving) {
        receiving = true;
        socket.async_receive(asio::buffer(buffer),
                             [&](boost::system::error_code error, std::size_t size) {
                               receiving = false;
                               if (!error) {
                                 reply = parse_reply(buffer.data(), size, ident);
                               }
                             });
      }
      io.run_one();
    }
  }
  return reply;
}

}  // namespace plenum::test
