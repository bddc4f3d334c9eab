#include "protocol/tls_identity.hpp"

#include <doctest/doctest.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace plenum::protocol;
namespace fs = std::filesystem;

namespace {

// RSA key generation is slow under sanitizers: every test shares one identity.
const TlsIdentity& shared_identity() {
  static const TlsIdentity identity = generate_self_signed("plenum unit test", 30);
  return identity;
}

// SHA-1 computed here with EVP_Digest, independently of the code under test.
std::string sha1_hex_of(const unsigned char* data, std::size_t size) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  REQUIRE(EVP_Digest(data, size, digest.data(), &length, EVP_sha1(), nullptr) == 1);
  std::string hex;
  char pair[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    hex += pair;
  }
  return hex;
}

std::vector<unsigned char> certificate_der(X509& certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(&certificate, &der);
  REQUIRE(length > 0);
  std::vector<unsigned char> out(der, der + length);
  OPENSSL_free(der);
  return out;
}

bool is_lower_hex(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A private directory under the system temp dir, removed again at scope end.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device random;
    path = fs::temp_directory_path() /
           ("plenum-tls-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

unsigned file_mode(const fs::path& file) {
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  return info.st_mode & 0777U;
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out{file, std::ios::binary};
  out << text;
}

}  // namespace

TEST_SUITE("protocol.tls") {
  TEST_CASE("a generated identity is a self-signed RSA-2048 v3 certificate with its key") {
    const TlsIdentity& identity = shared_identity();
    CHECK(identity.certificate_pem.rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
    CHECK(identity.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);

    X509Ptr certificate = parse_certificate_pem(identity.certificate_pem);
    EvpPkeyPtr key = parse_private_key_pem(identity.private_key_pem);
    CHECK(X509_get_version(certificate.get()) == X509_VERSION_3);
    CHECK(EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA);
    CHECK(EVP_PKEY_get_bits(key.get()) == 2048);
    CHECK(X509_check_private_key(certificate.get(), key.get()) == 1);
    CHECK(X509_verify(certificate.get(), key.get()) == 1);
    CHECK(X509_get_signature_nid(certificate.get()) == NID_sha256WithRSAEncryption);

    std::array<char, 128> cn{};
    CHECK(X509_NAME_get_text_by_NID(X509_get_subject_name(certificate.get()), NID_commonName,
                                    cn.data(), static_cast<int>(cn.size())) > 0);
    CHECK(std::string{cn.data()} == "plenum unit test");
    CHECK(X509_NAME_cmp(X509_get_subject_name(certificate.get()),
                        X509_get_issuer_name(certificate.get())) == 0);

    const int constraints = X509_get_ext_by_NID(certificate.get(), NID_basic_constraints, -1);
    REQUIRE(constraints >= 0);
    CHECK(X509_EXTENSION_get_critical(X509_get_ext(certificate.get(), constraints)) == 1);
    CHECK((X509_get_extension_flags(certificate.get()) & EXFLAG_CA) == 0);

    BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate.get()), nullptr);
    REQUIRE(serial != nullptr);
    CHECK(BN_is_negative(serial) == 0);
    CHECK(BN_num_bytes(serial) == 16);
    BN_free(serial);

    int days = 0;
    int seconds = 0;
    REQUIRE(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(certificate.get()),
                           X509_get0_notAfter(certificate.get())) == 1);
    CHECK(days == 30);
    CHECK(seconds == 0);
  }

  TEST_CASE("two generated certificates differ in serial and key") {
    const TlsIdentity other = generate_self_signed("other", 1);
    X509Ptr a = parse_certificate_pem(shared_identity().certificate_pem);
    X509Ptr b = parse_certificate_pem(other.certificate_pem);
    CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())) != 0);
    CHECK(certificate_sha1_hex(*a) != certificate_sha1_hex(*b));
    CHECK(public_key_sha1_hex(*a) != public_key_sha1_hex(*b));
  }

  TEST_CASE("the identity hash is SHA-1 over the certificate DER, 40 lowercase hex chars") {
    X509Ptr certificate = parse_certificate_pem(shared_identity().certificate_pem);
    const std::string hash = certificate_sha1_hex(*certificate);
    CHECK(hash.size() == 40);
    CHECK(is_lower_hex(hash));

    const std::vector<unsigned char> der = certificate_der(*certificate);
    CHECK(hash == sha1_hex_of(der.data(), der.size()));
    const ByteView der_view{reinterpret_cast<const std::byte*>(der.data()), der.size()};
    CHECK(certificate_sha1_hex(der_view) == hash);

    // "abc" is FIPS 180's own SHA-1 example.
    CHECK(certificate_sha1_hex(as_bytes("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  }

  TEST_CASE("the pinning hash is SHA-1 over the DER SubjectPublicKeyInfo") {
    X509Ptr certificate = parse_certificate_pem(shared_identity().certificate_pem);
    unsigned char* spki = nullptr;
    const int length = i2d_PUBKEY(X509_get0_pubkey(certificate.get()), &spki);
    REQUIRE(length > 0);
    const std::string expected = sha1_hex_of(spki, static_cast<std::size_t>(length));
    OPENSSL_free(spki);
    CHECK(public_key_sha1_hex(*certificate) == expected);
    CHECK(public_key_sha1_hex(*certificate) != certificate_sha1_hex(*certificate));
  }

  TEST_CASE("identity files round-trip, and the key file is private") {
    TempDir dir;
    const fs::path cert_file = dir.path / "cert.pem";
    const fs::path key_file = dir.path / "key.pem";
    write_text(key_file, "old");
    ::chmod(key_file.c_str(), 0644);

    write_identity(shared_identity(), cert_file, key_file);
    CHECK(file_mode(key_file) == 0600);
    const TlsIdentity loaded = load_identity(cert_file, key_file);
    CHECK(loaded.certificate_pem == shared_identity().certificate_pem);
    X509Ptr certificate = parse_certificate_pem(loaded.certificate_pem);
    EvpPkeyPtr key = parse_private_key_pem(loaded.private_key_pem);
    CHECK(X509_check_private_key(certificate.get(), key.get()) == 1);

    SUBCASE("one file may hold both") {
      const fs::path both = dir.path / "both.pem";
      write_text(both, shared_identity().private_key_pem + shared_identity().certificate_pem);
      const TlsIdentity combined = load_identity(both, both);
      CHECK(combined.certificate_pem == shared_identity().certificate_pem);
      CHECK(combined.private_key_pem.find("PRIVATE KEY") != std::string::npos);
    }
  }

  TEST_CASE("loading refuses missing files, foreign keys and encrypted keys") {
    TempDir dir;
    const fs::path cert_file = dir.path / "cert.pem";
    const fs::path key_file = dir.path / "key.pem";
    write_identity(shared_identity(), cert_file, key_file);
    CHECK_THROWS_WITH_AS(load_identity(dir.path / "missing.pem", key_file),
                         doctest::Contains("cannot read"), std::runtime_error);

    const fs::path foreign = dir.path / "foreign.pem";
    write_text(foreign, generate_self_signed("foreign", 1).private_key_pem);
    CHECK_THROWS_WITH_AS(load_identity(cert_file, foreign), doctest::Contains("does not match"),
                         std::runtime_error);

    EvpPkeyPtr key = parse_private_key_pem(shared_identity().private_key_pem);
    const fs::path encrypted = dir.path / "encrypted.pem";
    {
      std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()), &BIO_free};
      char passphrase[] = "secret";
      REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), EVP_aes_256_cbc(), passphrase,
                                            6, nullptr, nullptr) == 1);
      char* data = nullptr;
      const long size = BIO_get_mem_data(bio.get(), &data);
      write_text(encrypted, std::string(data, static_cast<std::size_t>(size)));
    }
    CHECK_THROWS_WITH_AS(load_identity(cert_file, encrypted),
                         doctest::Contains("no unencrypted private key"), std::runtime_error);
    CHECK_THROWS_AS(parse_certificate_pem("not a certificate"), std::runtime_error);
  }
}
