#include "server/config/load_config.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <utility>

#include "server/config/config_keys.hpp"
#include "server/config/ini_file.hpp"

namespace plenum::server::config {

namespace po = boost::program_options;

namespace {

constexpr std::string_view kEmbeddedOrigin = "built-in plenum.ini";

// Flags that override one ini key each.
constexpr std::pair<std::string_view, std::string_view> kKeyFlags[] = {
    {"port", "port"}, {"host", "host"}, {"data-dir", "data_dir"}, {"log-level", "log_level"}};

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [&](char x, char y) { return lower(x) == lower(y); });
}

// Murmur's keys mix cases (sslCert, registerName); point at the right spelling.
std::string did_you_mean(std::string_view key) {
  for (const ConfigKey& known : config_keys()) {
    if (equals_ignoring_case(known.name, key)) {
      return fmt::format(" (did you mean \"{}\"?)", known.name);
    }
  }
  return {};
}

std::string section_of(std::string_view key) {
  const std::size_t dot = key.find('.');
  return dot == std::string_view::npos ? std::string{} : std::string{key.substr(0, dot)};
}

po::options_description make_options() {
  po::options_description options{"Options"};
  options.add_options()("config", po::value<std::string>()->value_name("FILE"),
                        "ini file (default: the built-in plenum.ini, every key at its default)")(
      "port", po::value<std::string>()->value_name("N"), "TCP and UDP port (ini: port)")(
      "host", po::value<std::string>()->value_name("ADDR"),
      "address to listen on, \"\" = all (ini: host)")(
      "data-dir", po::value<std::string>()->value_name("DIR"),
      "database and generated certificate (ini: data_dir)")(
      "set-superuser-password", po::value<std::string>()->value_name("PW"),
      "set the SuperUser password in the database")(
      "log-level", po::value<std::string>()->value_name("LEVEL"),
      "debug|info|warn|error (ini: log_level)")(
      "import-murmur", po::value<std::string>()->value_name("FILE"),
      "copy a Murmur SQLite database's channels, ACLs, users and bans into a new or empty "
      "database (the one --data-dir or --config names), then exit")(
      "server-id", po::value<std::string>()->value_name("N"),
      "with --import-murmur: which Murmur virtual server (default 1)")(
      "help,h", "show this help and exit");
  return options;
}

po::variables_map parse_command_line(int argc, const char* const argv[]) {
  // No abbreviations: `--po` must not silently mean `--port`.
  const int style = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;
  po::variables_map flags;
  try {
    // An empty positional description makes a stray word an error instead of being ignored.
    const po::positional_options_description no_positionals;
    po::store(po::command_line_parser(argc, argv)
                  .options(make_options())
                  .positional(no_positionals)
                  .style(style)
                  .run(),
              flags);
  } catch (const po::unknown_option& error) {
    throw ConfigError{fmt::format("config: unknown option {} on the command line (see --help)",
                                  quote_value(error.get_option_name()))};
  } catch (const po::error& error) {
    throw ConfigError{fmt::format("config: command line: {}", printable(error.what()))};
  }
  return flags;
}

}  // namespace

void set_value(ServerConfig& config, std::string_view key, std::string_view value,
               std::string_view origin) {
  const ConfigKey* known = find_config_key(key);
  if (known == nullptr) {
    throw ConfigError{fmt::format("config: unknown key {} in {}{}", quote_value(key),
                                  printable(origin), did_you_mean(key))};
  }
  if (Problem problem = known->set(config, value)) {
    throw ConfigError::bad_value(key, value, *problem, printable(origin));
  }
}

void apply_ini(ServerConfig& config, std::istream& in, std::string_view origin) {
  std::map<std::string, std::size_t, std::less<>> first_line;
  for (const IniEntry& entry : read_ini(in, origin)) {
    const auto [seen, inserted] = first_line.emplace(entry.key, entry.line);
    if (!inserted) {
      throw ConfigError{fmt::format("config: key {} is set twice in {} (lines {} and {})",
                                    quote_value(entry.key), printable(origin), seen->second,
                                    entry.line)};
    }
    set_value(config, entry.key, entry.value, fmt::format("{} line {}", origin, entry.line));
  }
}

void apply_ini_text(ServerConfig& config, std::string_view text, std::string_view origin) {
  std::istringstream in{std::string{text}};
  apply_ini(config, in, origin);
}

void apply_ini_file(ServerConfig& config, const std::filesystem::path& file) {
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) {
    throw ConfigError::bad_value("--config", file.string(), "is a directory");
  }
  std::ifstream in{file};
  if (!in) {
    const std::string reason = std::error_code{errno, std::generic_category()}.message();
    throw ConfigError::bad_value("--config", file.string(),
                                 fmt::format("cannot be opened ({})", reason));
  }
  apply_ini(config, in, file.string());
  if (in.bad()) throw ConfigError::bad_value("--config", file.string(), "could not be read");
}

void validate(const ServerConfig& config) {
  for (const ConfigKey& key : config_keys()) {
    if (Problem problem = key.check(config)) {
      throw ConfigError::bad_value(key.name, key.format(config), *problem);
    }
  }
  if (config.tls.cert_file.empty() && !config.tls.key_file.empty()) {
    throw ConfigError::bad_value("sslKey", config.tls.key_file.string(),
                                 "is set but sslCert is empty (set both, or neither to generate "
                                 "a certificate)");
  }
}

ServerConfig parse_ini_text(std::string_view text, std::string_view origin) {
  ServerConfig config;
  apply_ini_text(config, text, origin);
  validate(config);
  return config;
}

std::string format_ini(const ServerConfig& config) {
  std::string out;
  std::string section;
  for (const ConfigKey& key : config_keys()) {
    if (const std::string wanted = section_of(key.name); wanted != section) {
      section = wanted;
      out += fmt::format("\n[{}]\n", section);
    }
    const std::string_view name = key.name.substr(section.empty() ? 0 : section.size() + 1);
    const std::string value = key.format(config);
    out += key.quoted ? fmt::format("{} = \"{}\"\n", name, value)
                      : fmt::format("{} = {}\n", name, value);
  }
  return out;
}

ServerConfig read_config(const ConfigSource& source) {
  ServerConfig config;
  if (source.file) {
    apply_ini_file(config, *source.file);
  } else {
    apply_ini_text(config, embedded_default_ini(), kEmbeddedOrigin);
  }
  for (const auto& [flag_key, value] : source.flags) {
    // A named copy: clang 14 (the fuzz preset) cannot capture a structured binding.
    const auto& key = flag_key;
    const auto flag = std::find_if(std::begin(kKeyFlags), std::end(kKeyFlags),
                                   [&](const auto& pair) { return pair.second == key; });
    const std::string origin = flag == std::end(kKeyFlags) ? key : "--" + std::string{flag->first};
    set_value(config, key, value, origin);
  }
  validate(config);
  return config;
}

Startup load_config(int argc, const char* const argv[]) {
  const po::variables_map flags = parse_command_line(argc, argv);
  Startup startup;
  if (flags.count("help") != 0) {
    startup.help = true;
    return startup;
  }
  if (flags.count("config") != 0) startup.source.file = flags["config"].as<std::string>();
  for (const auto& [flag, key] : kKeyFlags) {
    const std::string name{flag};
    if (flags.count(name) != 0) {
      startup.source.flags.emplace_back(std::string{key}, flags[name].as<std::string>());
    }
  }
  if (flags.count("set-superuser-password") != 0) {
    startup.superuser_password = flags["set-superuser-password"].as<std::string>();
    if (startup.superuser_password->empty()) {
      throw ConfigError{"config: --set-superuser-password needs a non-empty password"};
    }
  }
  if (flags.count("import-murmur") != 0) {
    startup.import_murmur = flags["import-murmur"].as<std::string>();
  }
  if (flags.count("server-id") != 0) {
    const std::string text = flags["server-id"].as<std::string>();
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (!startup.import_murmur) {
      throw ConfigError{"config: --server-id is only meaningful with --import-murmur"};
    }
    if (error != std::errc{} || end != text.data() + text.size() || id < 1) {
      throw ConfigError::bad_value("--server-id", text, "is not a positive number");
    }
    startup.murmur_server_id = id;
  }
  startup.config = read_config(startup.source);
  return startup;
}

std::string help_text() {
  std::ostringstream out;
  out << "Usage: plenum-server [options]\n"
         "A Mumble-compatible voice server for large plenaries.\n\n"
      << make_options()
      << "\nLayers: built-in defaults, then the ini file, then these flags. A bad value stops\n"
         "the server with a one-line message and exit code 2.\n";
  return out.str();
}

}  // namespace plenum::server::config
