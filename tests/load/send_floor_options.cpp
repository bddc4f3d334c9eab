#include "tests/load/send_floor_options.hpp"

#include "tests/load/parse_command_line.hpp"

#include <boost/program_options.hpp>

#include <stdexcept>

namespace plenum::load {
namespace po = boost::program_options;
namespace {

void require_range(std::uint64_t value, std::uint64_t min, std::uint64_t max, const char* name) {
  if (value < min || value > max) {
    throw std::invalid_argument(std::string("--") + name + " must be between " +
                                std::to_string(min) + " and " + std::to_string(max));
  }
}

}  // namespace

std::optional<SendFloorOptions> parse_send_floor_options(int argc, const char* const* argv) {
  SendFloorOptions o;
  bool no_pktinfo = false;
  po::options_description desc(
      "plenum-sendfloor: the kernel's CPU per datagram for a sender shaped like plenum-server's "
      "voice socket");
  desc.add_options()
    ("help,h", "this text")
    ("receivers", po::value(&o.receivers)->default_value(o.receivers), "loopback UDP receivers")
    ("datagrams", po::value(&o.datagrams)->default_value(o.datagrams), "timed datagrams")
    ("batch", po::value(&o.batch)->default_value(o.batch), "datagrams per sendmmsg")
    ("size", po::value(&o.size)->default_value(o.size), "bytes per datagram")
    ("drain-every", po::value(&o.drain_every)->default_value(o.drain_every),
     "timed batches between receiver drains")
    ("no-pktinfo", po::bool_switch(&no_pktinfo), "no IPV6_PKTINFO source address per datagram")
    ("json", po::value(&o.json_file), "write the JSON result here (default: stdout)");

  po::variables_map vm;
  if (!parse_command_line(argc, argv, desc, vm)) {
    return std::nullopt;
  }
  // Each receiver is a descriptor; sendmmsg takes at most UIO_MAXIOV (1024) messages; a
  // datagram larger than an Ethernet payload is no longer what a voice server sends.
  require_range(o.receivers, 1, 10000, "receivers");
  require_range(o.batch, 1, 1024, "batch");
  require_range(o.size, 1, 1472, "size");
  require_range(o.drain_every, 1, 1000, "drain-every");
  require_range(o.datagrams, o.batch, 1'000'000'000, "datagrams");
  o.pktinfo = !no_pktinfo;
  return o;
}

}  // namespace plenum::load
