// Fuzzes the ini reader and validation: any bytes either load as a valid ServerConfig or raise
// ConfigError with a one-line message. A loaded config must survive format_ini -> parse intact.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/config/load_config.hpp"

using namespace plenum::server::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  ServerConfig config;
  try {
    config = parse_ini_text(text, "fuzz.ini");
  } catch (const ConfigError& error) {
    if (std::string_view{error.what()}.find('\n') != std::string_view::npos) std::abort();
    return 0;
  }
  const std::string again = format_ini(config);
  if (parse_ini_text(again, "formatted") != config) std::abort();
  const TlsFiles tls = config.tls_files();
  const auto database = config.storage.database_path();
  if (tls.cert.empty() || database.empty()) std::abort();
  return 0;
}
