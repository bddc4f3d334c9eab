// KnownServers: trust on first use for server certificates, kept in a file like ssh's
// known_hosts ("host:port sha1-of-public-key" per line). Owned by the connection's executor;
// the file is rewritten whole on every change.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace plenum::client {

class KnownServers {
 public:
  enum class Verdict { Unknown, Trusted, Changed };

  // Reads `file` if it exists (a missing file is an empty list). Lines that are blank,
  // comments (#) or malformed are skipped. Throws std::runtime_error if it cannot be read.
  explicit KnownServers(std::filesystem::path file);

  Verdict check(std::string_view server, std::string_view fingerprint) const;
  std::optional<std::string> fingerprint_of(std::string_view server) const;

  // Records (or replaces) the fingerprint and saves the file through a temporary and a rename,
  // creating its directory. Throws std::runtime_error when that fails.
  void remember(std::string_view server, std::string_view fingerprint);

  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  void save() const;

  std::filesystem::path file_;
  std::map<std::string, std::string, std::less<>> entries_;
};

// "host:port" as the file keys it: the host lowercased, IPv6 literals in brackets.
std::string server_key(std::string_view host, std::uint16_t port);

// What to do with a server's certificate fingerprint, given what the file says.
struct TrustDecision {
  bool accept = false;
  bool first_use = false;  // accepted and remembered for the first time
  std::string message;     // one line for the user: the refusal, or the note on first use
};

// Accepts a known fingerprint; remembers and accepts an unknown one; refuses a changed one
// unless trust_new, in which case the new fingerprint replaces the old.
TrustDecision decide_trust(KnownServers& known, std::string_view server,
                           std::string_view fingerprint, bool trust_new);

}  // namespace plenum::client
