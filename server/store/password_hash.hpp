// Password hashes of registered users: PBKDF2-HMAC-SHA256 with a random 16-byte salt, kept as
// one PHC-style string "$pbkdf2-sha256$i=<iterations>$<salt hex>$<hash hex>". Stateless and
// slow on purpose (~125 ms at the default): call it off the control plane (the Store thread).
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

}  // namespace plenum::server::store
