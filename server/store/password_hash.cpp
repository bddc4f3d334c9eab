#include "server/store/password_hash.hpp"

#include <fmt/core.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

namespace plenum::server::store {

namespace {

constexpr std::string_view kPrefix = "$pbkdf2-sha256$i=";
constexpr std::string_view kMurmurPbkdf2Prefix = "$murmur-pbkdf2-sha384$i=";
constexpr std::string_view kMurmurSha1Prefix = "$murmur-sha1$";
// Murmur's PBKDF2::DERIVED_KEY_LENGTH (48 bytes of SHA-384).
constexpr std::size_t kMurmurHashBytes = 48;
constexpr std::size_t kSha1Bytes = SHA_DIGEST_LENGTH;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kMaxHashBytes = 64;
// A hash claiming more would stall verification; none of ours does.
constexpr std::uint32_t kMaxIterations = 10'000'000;

std::vector<unsigned char> derive(std::string_view password, const std::vector<unsigned char>& salt,
                                  std::uint32_t iterations, std::size_t length,
                                  const EVP_MD* digest = EVP_sha256()) {
  std::vector<unsigned char> out(length);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), digest,
                        static_cast<int>(out.size()), out.data()) != 1) {
    throw std::runtime_error{"password_hash: PBKDF2 failed"};
  }
  return out;
}

std::string to_hex(const std::vector<unsigned char>& bytes) {
  std::string hex;
  for (const unsigned char byte : bytes) hex += fmt::format("{:02x}", byte);
  return hex;
}

std::optional<std::vector<unsigned char>> from_hex(std::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0) return std::nullopt;
  std::vector<unsigned char> bytes(hex.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char* first = hex.data() + 2 * i;
    const auto [end, error] = std::from_chars(first, first + 2, bytes[i], 16);
    if (error != std::errc{} || end != first + 2) return std::nullopt;
  }
  return bytes;
}

// Splits `text` at the first '$'; returns the part before it and drops it from `text`.
std::string_view take_field(std::string_view& text) {
  const std::size_t dollar = text.find('$');
  const std::string_view field = text.substr(0, dollar);
  text = dollar == std::string_view::npos ? std::string_view{} : text.substr(dollar + 1);
  return field;
}

}  // namespace

std::string hash_password(std::string_view password, std::uint32_t iterations) {
  if (iterations == 0 || iterations > kMaxIterations) {
    throw std::invalid_argument{"password_hash: iteration count out of range"};
  }
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    throw std::runtime_error{"password_hash: no random bytes for the salt"};
  }
  const std::vector<unsigned char> hash = derive(password, salt, iterations, kHashBytes);
  return fmt::format("{}{}${}${}", kPrefix, iterations, to_hex(salt), to_hex(hash));
}

namespace {

bool equal_bytes(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Murmur's ServerDB::getLegacySHA1Hash: SHA-1 over the password's UTF-8 bytes.
bool verify_murmur_sha1(std::string_view password, std::string_view hex) {
  const auto expected = from_hex(hex);
  if (!expected || expected->size() != kSha1Bytes) return false;
  std::vector<unsigned char> actual(kSha1Bytes);
  SHA1(reinterpret_cast<const unsigned char*>(password.data()), password.size(), actual.data());
  return equal_bytes(actual, *expected);
}

// Murmur's PBKDF2::getHash: PBKDF2-HMAC-SHA384, the salt given in hex, 48 bytes out.
bool verify_murmur_pbkdf2(std::string_view password, std::string_view rest) {
  const std::string_view count = take_field(rest);
  const std::string_view salt_hex = take_field(rest);
  const auto expected = from_hex(take_field(rest));
  std::uint32_t iterations = 0;
  const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), iterations);
  // An empty salt is possible (Murmur hashes with whatever `salt` holds).
  const auto salt = salt_hex.empty() ? std::optional<std::vector<unsigned char>>{std::vector<unsigned char>{}}
                                     : from_hex(salt_hex);
  if (error != std::errc{} || end != count.data() + count.size() || iterations == 0 ||
      iterations > kMaxIterations || !salt || !expected || expected->size() != kMurmurHashBytes ||
      !rest.empty()) {
    return false;
  }
  return equal_bytes(derive(password, *salt, iterations, kMurmurHashBytes, EVP_sha384()), *expected);
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string lower(std::string_view text) {
  std::string out{text};
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

bool needs_rehash(std::string_view encoded) noexcept {
  return !encoded.empty() && !encoded.starts_with(kPrefix);
}

std::string murmur_password_hash(std::string_view pw, std::string_view salt,
                                 std::int64_t kdf_iterations) {
  if (pw.empty()) return {};
  if (!is_hex(pw) || !is_hex(salt)) {
    throw std::invalid_argument{"password_hash: a Murmur password hash or salt is not hex"};
  }
  // ServerDB::authenticate: kdfiterations <= 0 (or NULL) marks an old SHA-1 hash.
  if (kdf_iterations <= 0) return fmt::format("{}{}", kMurmurSha1Prefix, lower(pw));
  if (kdf_iterations > kMaxIterations) {
    throw std::invalid_argument{"password_hash: a Murmur kdfiterations value is out of range"};
  }
  return fmt::format("{}{}${}${}", kMurmurPbkdf2Prefix, kdf_iterations, lower(salt), lower(pw));
}

namespace {

bool verify_plenum(std::string_view password, std::string_view encoded) {
  std::string_view rest = encoded.substr(kPrefix.size());
  const std::string_view count = take_field(rest);
  const auto salt = from_hex(take_field(rest));
  const auto expected = from_hex(take_field(rest));
  std::uint32_t iterations = 0;
  const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), iterations);
  if (error != std::errc{} || end != count.data() + count.size() || iterations == 0 ||
      iterations > kMaxIterations || !salt || !expected || expected->size() > kMaxHashBytes ||
      !rest.empty()) {
    return false;
  }
  const std::vector<unsigned char> actual = derive(password, *salt, iterations, expected->size());
  return CRYPTO_memcmp(actual.data(), expected->data(), actual.size()) == 0;
}

}  // namespace

bool verify_password(std::string_view password, std::string_view encoded) {
  if (encoded.starts_with(kPrefix)) return verify_plenum(password, encoded);
  if (encoded.starts_with(kMurmurPbkdf2Prefix)) {
    return verify_murmur_pbkdf2(password, encoded.substr(kMurmurPbkdf2Prefix.size()));
  }
  if (encoded.starts_with(kMurmurSha1Prefix)) {
    return verify_murmur_sha1(password, encoded.substr(kMurmurSha1Prefix.size()));
  }
  return false;
}

}  // namespace plenum::server::store
