// The voice socket on real loopback sockets: what receive_batch reports besides the bytes.
#include "server/voice/udp_socket.hpp"

#include <doctest/doctest.h>

#include <boost/asio/ip/address.hpp>

#include <thread>

namespace plenum::server::voice {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using asio::ip::udp;

TEST_SUITE("voice.socket") {
  TEST_CASE("a received datagram says how long it waited in the kernel's queue") {
    asio::io_context io;
    UdpSocket socket{io};
    const udp::endpoint server = [&] {
      socket.bind({asio::ip::make_address("127.0.0.1"), 0});
      return socket.local_endpoint();
    }();
    udp::socket client{io, udp::v4()};
    const std::array<std::byte, 5> payload{std::byte{1}, std::byte{2}, std::byte{3},
                                           std::byte{4}, std::byte{5}};
    // Turning receive timestamps on is deferred inside the kernel (a static key flipped by a
    // work item), so the first datagrams after the very first SO_TIMESTAMPNS socket on a fresh
    // machine may carry no stamp (the kernel then stamps them as they are read); until it takes
    // effect, send again.
    std::span<const Datagram> batch;
    for (int round = 0; round < 20; ++round) {
      client.send_to(asio::buffer(payload), server);
      std::this_thread::sleep_for(50ms);
      batch = {};
      for (int attempt = 0; attempt < 100 && batch.empty(); ++attempt) {
        batch = socket.receive_batch();
        if (batch.empty()) std::this_thread::sleep_for(10ms);
      }
      REQUIRE(batch.size() == 1);
      if (batch[0].waited >= 45ms) break;
    }
    CHECK(batch[0].bytes.size() == payload.size());
    CHECK(batch[0].from.port() == client.local_endpoint().port());
    // At least the time we slept before reading (a lower bound holds however loaded the host).
    CHECK(batch[0].waited >= 45ms);
    CHECK(batch[0].waited < 60s);
  }
}

}  // namespace
}  // namespace plenum::server::voice
