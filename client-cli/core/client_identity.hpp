// Where plenum-cli keeps its own files (client certificate, known servers) and the client
// certificate it presents to servers, generated once on first run. Startup path; throws
// std::runtime_error with a one-line message.
#pragma once

#include "protocol/tls_identity.hpp"

#include <filesystem>
#include <optional>
#include <string_view>

namespace plenum::client {

// $PLENUM_CLI_HOME if set, else $XDG_CONFIG_HOME/plenum-cli, else ~/.config/plenum-cli.
std::filesystem::path default_home_dir();

inline std::filesystem::path known_servers_file(const std::filesystem::path& home) {
  return home / "known_servers";
}

// --cert FILE: that PEM file (certificate and private key, in one file). Otherwise
// home/client.pem, generated (self-signed, CN = common_name) when it does not exist yet.
protocol::TlsIdentity load_or_create_identity(const std::filesystem::path& home,
                                              const std::optional<std::filesystem::path>& cert_file,
                                              std::string_view common_name);

}  // namespace plenum::client
