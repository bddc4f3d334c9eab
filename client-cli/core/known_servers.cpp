#include "client-cli/core/known_servers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace plenum::client {
namespace {

bool is_fingerprint(std::string_view text) {
  return text.size() == 40 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

KnownServers::KnownServers(std::filesystem::path file) : file_(std::move(file)) {
  std::error_code error;
  if (!std::filesystem::exists(file_, error)) {
    return;
  }
  std::ifstream in(file_);
  if (!in) {
    throw std::runtime_error(fmt::format("cannot read known-servers file {}", file_.string()));
  }
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string server;
    std::string fingerprint;
    if (!(fields >> server >> fingerprint) || server.starts_with('#') ||
        !is_fingerprint(fingerprint)) {
      continue;
    }
    entries_[lowercase(server)] = lowercase(fingerprint);
  }
}

std::optional<std::string> KnownServers::fingerprint_of(std::string_view server) const {
  const auto it = entries_.find(lowercase(server));
  if (it == entries_.end()) {
    return std::nullopt;
  }
  return it->second;
}

KnownServers::Verdict KnownServers::check(std::string_view server,
                                          std::string_view fingerprint) const {
  const auto known = fingerprint_of(server);
  if (!known) {
    return Verdict::Unknown;
  }
  return *known == lowercase(fingerprint) ? Verdict::Trusted : Verdict::Changed;
}

void KnownServers::remember(std::string_view server, std::string_view fingerprint) {
  entries_[lowercase(server)] = lowercase(fingerprint);
  save();
}

void KnownServers::save() const {
  std::error_code error;
  if (file_.has_parent_path()) {
    std::filesystem::create_directories(file_.parent_path(), error);
  }
  const std::filesystem::path temporary = file_.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "# plenum-cli known servers: host:port SHA-1 of the server certificate's public key\n";
    for (const auto& [server, fingerprint] : entries_) {
      out << server << ' ' << fingerprint << '\n';
    }
    if (!out.flush()) {
      throw std::runtime_error(fmt::format("cannot write {}", temporary.string()));
    }
  }
  std::filesystem::rename(temporary, file_, error);
  if (error) {
    throw std::runtime_error(
        fmt::format("cannot replace {}: {}", file_.string(), error.message()));
  }
}

std::string server_key(std::string_view host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string_view::npos;
  return ipv6 ? fmt::format("[{}]:{}", lowercase(host), port)
              : fmt::format("{}:{}", lowercase(host), port);
}

TrustDecision decide_trust(KnownServers& known, std::string_view server,
                           std::string_view fingerprint, bool trust_new) {
  TrustDecision decision;
  switch (known.check(server, fingerprint)) {
    case KnownServers::Verdict::Trusted:
      decision.accept = true;
      return decision;
    case KnownServers::Verdict::Unknown:
      known.remember(server, fingerprint);
      decision.accept = true;
      decision.first_use = true;
      decision.message = fmt::format("trusting new server {} (certificate key SHA-1 {})", server,
                                     fingerprint);
      return decision;
    case KnownServers::Verdict::Changed:
      break;
  }
  const std::string old = known.fingerprint_of(server).value_or("");
  if (trust_new) {
    known.remember(server, fingerprint);
    decision.accept = true;
    decision.message = fmt::format(
        "server {} has a new certificate (key SHA-1 {}, was {}); trusted as asked", server,
        fingerprint, old);
    return decision;
  }
  decision.message = fmt::format(
      "server certificate for {} has changed (key SHA-1 {}, known {} in {}); refusing to "
      "connect; use --trust-new-cert to accept it",
      server, fingerprint, old, known.file().string());
  return decision;
}

}  // namespace plenum::client
