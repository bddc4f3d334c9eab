#include "tests/load/send_floor_result.hpp"

#include <fmt/format.h>

#include <iterator>

namespace plenum::load {

std::string to_json(const SendFloorResult& r) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\n");
  fmt::format_to(it, "  \"datagrams\": {},\n  \"received\": {},\n", r.datagrams, r.received);
  fmt::format_to(it, "  \"receivers\": {},\n  \"batch\": {},\n", r.receivers, r.batch);
  fmt::format_to(it, "  \"size\": {},\n  \"pktinfo\": {},\n", r.size, r.pktinfo);
  fmt::format_to(it, "  \"send_cpu_s\": {:.6f},\n", r.send_cpu_s);
  fmt::format_to(it, "  \"cpu_us_per_datagram\": {:.3f}\n", r.cpu_us_per_datagram());
  fmt::format_to(it, "}}\n");
  return out;
}

}  // namespace plenum::load
