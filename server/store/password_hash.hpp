// Password hashes of registered users: PBKDF2-HMAC-SHA256 with a random 16-byte salt, kept as
// one PHC-style string "$pbkdf2-sha256$i=<iterations>$<salt hex>$<hash hex>". Stateless and
// slow on purpose (~125 ms at the default): call it off the control plane (the Store thread).
// Hashes imported from Murmur (--import-murmur) keep Murmur's form behind their own prefix,
// verified as Murmur does and replaced by Plenum's at the next successful login:
//   "$murmur-pbkdf2-sha384$i=<kdfiterations>$<salt hex>$<hash hex>"  Murmur 1.2.5+ (PBKDF2.cpp)
//   "$murmur-sha1$<hash hex>"  older accounts (kdfiterations <= 0): hex SHA-1 of the password
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace plenum::server::store {

// 200k iterations took 125 ms on the 2-core build host (OWASP's 2023 figure, 600k, took 370 ms:
// too slow when a room full of users logs in by password). The count travels in the string,
// so it can be raised for new hashes without breaking old ones.
inline constexpr std::uint32_t kPasswordIterations = 200'000;

std::string hash_password(std::string_view password,
                          std::uint32_t iterations = kPasswordIterations);

// Compares in constant time. False for a wrong password and for anything that is not a hash
// of this format (an empty string included).
bool verify_password(std::string_view password, std::string_view encoded);

// True for a hash that is not in Plenum's own form (a Murmur import): after it verified, store
// hash_password() of the password instead.
bool needs_rehash(std::string_view encoded) noexcept;

// Murmur's users.pw / salt / kdfiterations as one encoded string; "" when `pw` is empty (no
// password login, as in Murmur).
std::string murmur_password_hash(std::string_view pw, std::string_view salt, std::int64_t kdf_iterations);

}  // namespace plenum::server::store
