// plenum-cli: flags -> options -> identity and trust store -> headless run or the TUI.
#include "client-cli/core/cli_options.hpp"
#include "client-cli/core/client_identity.hpp"
#include "client-cli/headless/headless_client.hpp"
#include "client-cli/tui/tui_app.hpp"

#include <cstdio>
#include <exception>

namespace {

using namespace plenum::client;

ConnectionConfig connection_config(const CliOptions& options) {
  const auto home = default_home_dir();
  ConnectionConfig config;
  config.host = options.server.host;
  config.port = options.server.port;
  config.username = options.user;
  config.password = options.password;
  config.channel_path = options.channel;
  config.identity = load_or_create_identity(home, options.cert_file, options.user);
  config.known_servers_file = known_servers_file(home);
  config.trust_new_certificate = options.trust_new_cert;
  config.udp_enabled = options.udp_enabled;
  config.reconnect = !options.headless;
  config.listener_mode = std::string{to_string(options.mode)};
  return config;
}

LocalAudioConfig local_audio_config(const CliOptions& options) {
  return {options.play, options.record, options.transmit, options.audio};
}

int run(const CliOptions& options) {
  if (options.headless) {
    HeadlessConfig config;
    config.connection = connection_config(options);
    config.audio = local_audio_config(options);
    config.stats = options.stats;
    config.duration_s = options.duration_s;
    config.bitrate_bps = options.bitrate_bps;
    HeadlessClient client(std::move(config));
    return client.run();
  }
  TuiConfig config;
  config.connection = connection_config(options);
  config.audio = local_audio_config(options);
  config.mode = options.mode;
  config.bitrate_bps = options.bitrate_bps;
  TuiApp app(std::move(config));
  return app.run();
}

}  // namespace

int main(int argc, char** argv) {
  CliOptions options;
  try {
    options = parse_command_line(argc, argv);
  } catch (const CliError& error) {
    std::fprintf(stderr, "plenum-cli: %s (see --help)\n", error.what());
    return 2;
  }
  if (options.help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  try {
    return run(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "plenum-cli: %s\n", error.what());
    return 1;
  }
}
