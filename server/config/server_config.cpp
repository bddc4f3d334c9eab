#include "server/config/server_config.hpp"

namespace plenum::server::config {

std::string_view to_string(ListenerMode mode) noexcept {
  switch (mode) {
    case ListenerMode::All:
      return "all";
    case ListenerMode::TopK:
      return "topk";
    case ListenerMode::Mix:
      return "mix";
  }
  return "?";
}

std::optional<ListenerMode> parse_listener_mode(std::string_view text) noexcept {
  for (const ListenerMode mode : {ListenerMode::All, ListenerMode::TopK, ListenerMode::Mix}) {
    if (text == to_string(mode)) return mode;
  }
  return std::nullopt;
}

std::string_view to_string(TransmitPolicy policy) noexcept {
  switch (policy) {
    case TransmitPolicy::Any:
      return "any";
    case TransmitPolicy::Vad:
      return "vad";
    case TransmitPolicy::Ptt:
      return "ptt";
    case TransmitPolicy::Auto:
      return "auto";
  }
  return "?";
}

std::optional<TransmitPolicy> parse_transmit_policy(std::string_view text) noexcept {
  for (const TransmitPolicy policy :
       {TransmitPolicy::Any, TransmitPolicy::Vad, TransmitPolicy::Ptt, TransmitPolicy::Auto}) {
    if (text == to_string(policy)) return policy;
  }
  return std::nullopt;
}

std::optional<log::Level> parse_log_level(std::string_view text) noexcept {
  for (const log::Level level :
       {log::Level::Debug, log::Level::Info, log::Level::Warn, log::Level::Error}) {
    if (text == log::to_string(level)) return level;
  }
  return std::nullopt;
}

std::filesystem::path StorageConfig::database_path() const {
  return database.empty() ? data_dir / "plenum.sqlite" : database;
}

TlsFiles ServerConfig::tls_files() const {
  if (tls.cert_file.empty()) {
    return {storage.data_dir / "plenum-cert.pem", storage.data_dir / "plenum-key.pem", true};
  }
  return {tls.cert_file, tls.key_file.empty() ? tls.cert_file : tls.key_file, false};
}

}  // namespace plenum::server::config
