#include "client-cli/core/crypt_resync.hpp"

#include <cstring>
#include <string>

namespace plenum::client {
namespace {

using Nonce = protocol::CryptStateOCB2::Nonce;

// Key and nonces have the same size (16 bytes).
std::optional<Nonce> to_nonce(const std::string& bytes) {
  Nonce out{};
  if (bytes.size() != out.size()) {
    return std::nullopt;
  }
  std::memcpy(out.data(), bytes.data(), out.size());
  return out;
}

std::string to_bytes(const Nonce& nonce) {
  return std::string(reinterpret_cast<const char*>(nonce.data()), nonce.size());
}

}  // namespace

std::optional<MumbleProto::CryptSetup> apply_crypt_setup(
    protocol::CryptStateOCB2& crypt, const MumbleProto::CryptSetup& setup,
    std::chrono::steady_clock::time_point now) {
  if (setup.has_key() && setup.has_client_nonce() && setup.has_server_nonce()) {
    const auto key = to_nonce(setup.key());
    const auto client_nonce = to_nonce(setup.client_nonce());
    const auto server_nonce = to_nonce(setup.server_nonce());
    if (key && client_nonce && server_nonce &&
        crypt.set_key(*key, *client_nonce, *server_nonce)) {
      // §7.6 grace: Mumble starts the "last good" clock at key setup.
      crypt.mark_good(now);
    }
    return std::nullopt;
  }
  if (!crypt.is_valid()) {
    return std::nullopt;
  }
  if (setup.has_server_nonce()) {
    if (const auto nonce = to_nonce(setup.server_nonce())) {
      crypt.set_decrypt_iv(*nonce);
    }
    return std::nullopt;
  }
  if (setup.has_key() || setup.has_client_nonce()) {
    return std::nullopt;  // a partial setup the protocol does not define
  }
  MumbleProto::CryptSetup reply;
  reply.set_client_nonce(to_bytes(crypt.encrypt_iv()));
  return reply;
}

bool resync_due(protocol::CryptStateOCB2& crypt, std::chrono::steady_clock::time_point now) {
  if (!crypt.is_valid() || !crypt.should_request_resync(now)) {
    return false;
  }
  crypt.mark_resync_requested(now);
  return true;
}

}  // namespace plenum::client
