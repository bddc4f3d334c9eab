// find_free_port: a loopback port number free for both TCP and UDP, for servers under test.
// Stateless; any thread.
#pragma once

#include <cstdint>
#include <string>

namespace plenum::test {

// Binds a TCP socket to port 0 on `host`, then a UDP socket to the same port, and closes both.
// Mumble servers use one number for TCP and UDP, so both must be free. Another process may
// take the port before the server binds it: callers retry their start once on a bind failure.
// Throws std::system_error after a few failed attempts.
std::uint16_t find_free_port(const std::string& host = "127.0.0.1");

}  // namespace plenum::test
