// Unit tests of plenum-sendfloor's pieces: flags, the round-robin sendmmsg batch, a small real
// run over loopback (every datagram arrives; no timing is checked) and the JSON.
#include "tests/load/send_floor_batch.hpp"
#include "tests/load/send_floor_options.hpp"
#include "tests/load/send_floor_probe.hpp"
#include "tests/load/send_floor_result.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace plenum::load {
namespace {

std::optional<SendFloorOptions> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "plenum-sendfloor");
  return parse_send_floor_options(static_cast<int>(args.size()), args.data());
}

sockaddr_in6 mapped(std::uint16_t port) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(port);
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return v4_mapped(v4);
}

std::uint16_t port_of(const mmsghdr& message) {
  return ntohs(static_cast<const sockaddr_in6*>(message.msg_hdr.msg_name)->sin6_port);
}

}  // namespace

TEST_SUITE("load") {
  TEST_CASE("sendfloor flags: defaults, values, and the limits") {
    const auto defaults = parse({});
    REQUIRE(defaults);
    CHECK(defaults->receivers == 100);
    CHECK(defaults->batch == 64);
    CHECK(defaults->size == 60);
    CHECK(defaults->pktinfo);

    const auto set = parse({"--receivers", "7", "--datagrams", "1000", "--batch", "32", "--size",
                            "120", "--drain-every", "4", "--no-pktinfo", "--json", "f.json"});
    REQUIRE(set);
    CHECK(set->receivers == 7);
    CHECK(set->datagrams == 1000);
    CHECK(set->batch == 32);
    CHECK(set->size == 120);
    CHECK(set->drain_every == 4);
    CHECK_FALSE(set->pktinfo);
    CHECK(set->json_file == "f.json");

    for (const auto& bad : std::vector<std::vector<const char*>>{
             {"--receivers", "0"}, {"--batch", "0"}, {"--batch", "1025"}, {"--size", "0"},
             {"--size", "9000"}, {"--batch", "64", "--datagrams", "10"}, {"--drain-every", "0"},
             {"--receivers", "many"}, {"--unknown"}}) {
      CHECK_THROWS_AS(parse(bad), std::invalid_argument);
    }
  }

  TEST_CASE("v4_mapped writes ::ffff:a.b.c.d and keeps the port") {
    const sockaddr_in6 address = mapped(4242);
    CHECK(address.sin6_family == AF_INET6);
    CHECK(ntohs(address.sin6_port) == 4242);
    const std::array<std::uint8_t, 16> expected{0,    0,    0,   0, 0, 0, 0, 0, 0, 0,
                                                0xFF, 0xFF, 127, 0, 0, 1};
    CHECK(std::memcmp(address.sin6_addr.s6_addr, expected.data(), expected.size()) == 0);
  }

  TEST_CASE("SendFloorBatch goes round the destinations across batches") {
    const std::vector<sockaddr_in6> destinations{mapped(1), mapped(2), mapped(3)};
    const std::vector<std::byte> payload(60, std::byte{1});
    SendFloorBatch batch(destinations, payload, 4, std::nullopt);
    const auto first = batch.next();
    REQUIRE(first.size() == 4);
    std::vector<std::uint16_t> ports;
    for (const mmsghdr& message : first) ports.push_back(port_of(message));
    CHECK(ports == std::vector<std::uint16_t>{1, 2, 3, 1});
    CHECK(batch.cursor() == 1);
    CHECK(first[0].msg_hdr.msg_iov->iov_base == payload.data());
    CHECK(first[0].msg_hdr.msg_iov->iov_len == 60);
    CHECK(first[0].msg_hdr.msg_namelen == sizeof(sockaddr_in6));
    CHECK(first[0].msg_hdr.msg_control == nullptr);

    ports.clear();
    for (const mmsghdr& message : batch.next()) ports.push_back(port_of(message));
    CHECK(ports == std::vector<std::uint16_t>{2, 3, 1, 2});
  }

  TEST_CASE("SendFloorBatch pins the source address with IPV6_PKTINFO when asked") {
    const std::vector<sockaddr_in6> destinations{mapped(1)};
    const std::vector<std::byte> payload(8, std::byte{1});
    const in6_addr source = mapped(0).sin6_addr;
    SendFloorBatch batch(destinations, payload, 2, source);
    for (mmsghdr& message : batch.next()) {
      cmsghdr* control = CMSG_FIRSTHDR(&message.msg_hdr);
      REQUIRE(control != nullptr);
      CHECK(control->cmsg_level == IPPROTO_IPV6);
      CHECK(control->cmsg_type == IPV6_PKTINFO);
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(control), sizeof(info));
      CHECK(std::memcmp(&info.ipi6_addr, &source, sizeof(source)) == 0);
      CHECK(info.ipi6_ifindex == 0);
    }
  }

  TEST_CASE("SendFloorProbe: every timed datagram reaches a receiver, with and without pktinfo") {
    for (const bool pktinfo : {true, false}) {
      SendFloorOptions options;
      options.receivers = 3;
      options.datagrams = 100;  // rounded up to whole batches
      options.batch = 16;
      options.drain_every = 2;
      options.pktinfo = pktinfo;
      const SendFloorResult result = SendFloorProbe(options).run();
      CHECK(result.datagrams == 112);
      CHECK(result.received == result.datagrams);
      CHECK(result.receivers == 3);
      CHECK(result.pktinfo == pktinfo);
    }
  }

  TEST_CASE("sendfloor JSON carries every field") {
    SendFloorResult result;
    result.datagrams = 1000;
    result.received = 1000;
    result.receivers = 100;
    result.send_cpu_s = 0.003;
    const std::string json = to_json(result);
    for (const char* key : {"\"datagrams\": 1000", "\"received\": 1000", "\"receivers\": 100",
                            "\"batch\"", "\"size\"", "\"pktinfo\"", "\"send_cpu_s\"",
                            "\"cpu_us_per_datagram\": 3.000"}) {
      CHECK_MESSAGE(json.find(key) != std::string::npos, key);
    }
  }
}

}  // namespace plenum::load
