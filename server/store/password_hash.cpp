#include "server/store/password_hash.hpp"

#include <fmt/core.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

namespace plenum::server::store {

namespace {

constexpr std::string_view kPrefix = "$pbkdf2-sha256$i=";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kMaxHashBytes = 64;
// A hash claiming more would stall verification; none of ours does.
constexpr std::uint32_t kMaxIterations = 10'000'000;

std::vector<unsigned char> derive(std::string_view password, const std::vector<unsigned char>& salt,
                                  std::uint32_t iterations, std::size_t length) {
  std::vector<unsigned char> out(length);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
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

bool verify_password(std::string_view password, std::string_view encoded) {
  if (!encoded.starts_with(kPrefix)) return false;
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

}  // namespace plenum::server::store
