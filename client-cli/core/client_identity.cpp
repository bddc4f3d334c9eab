#include "client-cli/core/client_identity.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace plenum::client {
namespace {

// Long enough that users never meet an expiry; servers ignore validity dates anyway
// (MUMBLE_PROTOCOL.md §1.1).
constexpr int kCertificateDays = 20 * 365;

std::filesystem::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::filesystem::path(value)
                                            : std::filesystem::path();
}

}  // namespace

std::filesystem::path default_home_dir() {
  if (auto home = env_path("PLENUM_CLI_HOME"); !home.empty()) {
    return home;
  }
  if (auto config = env_path("XDG_CONFIG_HOME"); !config.empty()) {
    return config / "plenum-cli";
  }
  if (auto home = env_path("HOME"); !home.empty()) {
    return home / ".config" / "plenum-cli";
  }
  return std::filesystem::current_path() / ".plenum-cli";
}

protocol::TlsIdentity load_or_create_identity(const std::filesystem::path& home,
                                              const std::optional<std::filesystem::path>& cert_file,
                                              std::string_view common_name) {
  if (cert_file) {
    if (!std::filesystem::exists(*cert_file)) {
      throw std::runtime_error(fmt::format("certificate file {} not found", cert_file->string()));
    }
    return protocol::load_identity(*cert_file, *cert_file);
  }
  const std::filesystem::path file = home / "client.pem";
  if (std::filesystem::exists(file)) {
    return protocol::load_identity(file, file);
  }
  std::error_code error;
  std::filesystem::create_directories(home, error);
  if (error) {
    throw std::runtime_error(
        fmt::format("cannot create {}: {}", home.string(), error.message()));
  }
  protocol::TlsIdentity identity = protocol::generate_self_signed(common_name, kCertificateDays);
  // One file holding both, like Mumble's single .p12: --cert can point at it later.
  const std::filesystem::path key_file = home / "client.key.tmp";
  protocol::write_identity(identity, home / "client.cert.tmp", key_file);
  {
    std::ofstream out(key_file, std::ios::app);
    out << identity.certificate_pem;
  }
  std::filesystem::remove(home / "client.cert.tmp", error);
  std::filesystem::rename(key_file, file, error);
  if (error) {
    throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(), error.message()));
  }
  return identity;
}

}  // namespace plenum::client
