#include "tests/integration/server_fixture.hpp"

#include <doctest/doctest.h>

#include <map>

namespace plenum::test {

PlenumOptions integration_options() {
  PlenumOptions options;
  options.settings.register_name = "Integration Root";
  options.settings.welcome_text = "Welcome to the integration test";
  options.settings.max_users = 5000;
  // Sanitized servers on a loaded CI machine can be descheduled for longer than the default
  // 80 ms; tests that count every packet must not lose one to that (voice.relay tests the rule).
  options.settings.extra_ini.emplace_back("voice_max_queue_ms", "2000");
  options.ephemeral_port = false;
  return options;
}

std::unique_ptr<PlenumProcess> start_plenum(PlenumOptions options) {
  auto server = std::make_unique<PlenumProcess>(std::move(options));
  server->start();
  return server;
}

LoggedIn log_in(const PlenumProcess& server, const std::string& name, const std::string& password,
                std::optional<protocol::TlsIdentity> identity, protocol::Version version) {
  ClientOptions options;
  options.port = server.port();
  options.version = version;
  options.identity = std::move(identity);
  auto client = std::make_unique<MumbleTestClient>(options);
  client->connect(deadline_in(kStep));
  HandshakeRequest request;
  request.username = name;
  request.password = password;
  request.udp_ping = false;
  auto handshake = client->handshake(request, deadline_in(kStep));
  return LoggedIn{std::move(client), std::move(handshake)};
}

LoggedIn join_voice(const PlenumProcess& server, const std::string& name, bool udp,
                    protocol::Version version) {
  ClientOptions options;
  options.port = server.port();
  options.version = version;
  auto client = std::make_unique<MumbleTestClient>(options);
  client->connect(deadline_in(kStep));
  HandshakeRequest request;
  request.username = name;
  request.udp_ping = udp;
  auto handshake = client->handshake(request, deadline_in(kStep));
  REQUIRE_MESSAGE(handshake.synced(), handshake.describe());
  if (udp) REQUIRE_MESSAGE(handshake.udp_ping_echo.has_value(), name << ": no UDP ping echo");
  return LoggedIn{std::move(client), std::move(handshake)};
}

const protocol::TlsIdentity& test_identity(int which) {
  static std::map<int, protocol::TlsIdentity> identities;
  auto it = identities.find(which);
  if (it == identities.end()) {
    it = identities.emplace(which, protocol::generate_self_signed("plenum-test-" + std::to_string(which), 30)).first;
  }
  return it->second;
}

}  // namespace plenum::test
