// Shared set-up for integration tests: a plenum-server on a free loopback port with a temp data
// dir, and clients that log in with one call. Owned by the test thread.
#pragma once

#include "tests/support/mumble_test_client.hpp"
#include "tests/support/plenum_process.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace plenum::test {

inline constexpr auto kStep = std::chrono::seconds(5);

PlenumOptions integration_options();

// Starts a server with integration_options() (and the given extra ini lines).
std::unique_ptr<PlenumProcess> start_plenum(PlenumOptions options = integration_options());

struct LoggedIn {
  std::unique_ptr<MumbleTestClient> client;
  Handshake handshake;
};

// Connects and completes the handshake (no UDP ping: voice is not under test here).
LoggedIn log_in(const PlenumProcess& server, const std::string& name, const std::string& password = {},
                std::optional<protocol::TlsIdentity> identity = std::nullopt,
                protocol::Version version = {1, 3, 4});

// Connects, completes the handshake and, with `udp`, the first UDP ping and its echo, so that
// the server knows the client's UDP address (voice tests). Without it, voice reaches the client
// through the TCP tunnel. The version decides the UDP format (1.3.4 legacy, >= 1.5.0 protobuf).
LoggedIn join_voice(const PlenumProcess& server, const std::string& name, bool udp = true,
                    protocol::Version version = {1, 3, 4});

// A client certificate made once per test binary (RSA key generation is slow).
const protocol::TlsIdentity& test_identity(int which);

}  // namespace plenum::test
