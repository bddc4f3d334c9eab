// TLS identities for server and client alike: self-signed certificates, their PEM files, and the
// SHA-1 names Mumble gives them (MUMBLE_PROTOCOL.md §1.1). Startup/control path: failures
// throw std::runtime_error with a message fit for the operator.
#pragma once

#include "protocol/bytes.hpp"

#include <openssl/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace plenum::protocol {

struct X509Deleter {
  void operator()(X509* certificate) const noexcept;
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const noexcept;
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// A certificate chain (leaf first) and its private key, both as PEM text, ready for
// asio::ssl::context::use_certificate_chain / use_private_key.
struct TlsIdentity {
  std::string certificate_pem;
  std::string private_key_pem;  // PKCS#8, unencrypted
};

// A fresh RSA-2048 key and a self-signed X.509 v3 certificate for it: SHA-256 signature, random
// positive 128-bit serial, CN = common_name, valid from now for `days` days,
// basicConstraints critical CA:FALSE, extendedKeyUsage serverAuth+clientAuth.
TlsIdentity generate_self_signed(std::string_view common_name, int days);

// Writes both files; the private key file is created (or reset to) mode 0600.
void write_identity(const TlsIdentity& identity, const std::filesystem::path& certificate_file,
                    const std::filesystem::path& private_key_file);

// Reads both files (they may be the same file), checks that the key belongs to the leaf
// certificate and returns them re-encoded. Encrypted keys are refused.
TlsIdentity load_identity(const std::filesystem::path& certificate_file,
                          const std::filesystem::path& private_key_file);

// The first certificate in `pem` / the first private key in `pem`.
X509Ptr parse_certificate_pem(std::string_view pem);
EvpPkeyPtr parse_private_key_pem(std::string_view pem);

// Mumble's user identity: lowercase hex SHA-1 of the leaf certificate's DER (40 chars).
std::string certificate_sha1_hex(const X509& certificate);
std::string certificate_sha1_hex(ByteView certificate_der);

// How Mumble clients pin a server: lowercase hex SHA-1 of the DER SubjectPublicKeyInfo
// (what Qt's QSslKey::toDer gives for a public key).
std::string public_key_sha1_hex(const X509& certificate);

}  // namespace plenum::protocol
