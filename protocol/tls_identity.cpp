#include "protocol/tls_identity.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace plenum::protocol {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
struct BnDeleter {
  void operator()(BIGNUM* bn) const noexcept { BN_free(bn); }
};
struct ExtensionDeleter {
  void operator()(X509_EXTENSION* extension) const noexcept { X509_EXTENSION_free(extension); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, ExtensionDeleter>;

constexpr int kRsaBits = 2048;
constexpr std::size_t kSerialBytes = 16;

// Throws with `what` and the newest OpenSSL error, and clears OpenSSL's error queue.
[[noreturn]] void fail(const std::string& what) {
  const unsigned long code = ERR_peek_last_error();
  std::string message = "tls identity: " + what;
  if (code != 0) {
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    message += " (";
    message += text.data();
    message += ")";
  }
  ERR_clear_error();
  throw std::runtime_error(message);
}

// Never prompt on the terminal for a passphrase: encrypted keys simply fail to load.
int refuse_passphrase(char*, int, int, void*) { return 0; }

BioPtr memory_bio(std::string_view text) {
  BioPtr bio{BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))};
  if (!bio) fail("cannot allocate a memory BIO");
  return bio;
}

std::string drain(BIO& bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(&bio, &data);
  return {data, static_cast<std::size_t>(size)};
}

std::string certificate_pem(X509& certificate) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_X509(bio.get(), &certificate) != 1) fail("cannot encode certificate");
  return drain(*bio);
}

std::string private_key_pem(EVP_PKEY& key) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    fail("cannot encode private key");
  }
  return drain(*bio);
}

std::string sha1_hex(ByteView bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1) {
    fail("SHA-1 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2U);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4U]);
    hex.push_back(kHex[digest[i] & 0x0fU]);
  }
  return hex;
}

// A DER encoder (i2d_*) applied into a fresh buffer.
template <class T, class Encoder>
Bytes der_of(const T& object, Encoder encode, const char* what) {
  const int length = encode(&object, nullptr);
  if (length <= 0) fail(std::string("cannot DER-encode ") + what);
  Bytes der(static_cast<std::size_t>(length));
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (encode(&object, &out) != length) fail(std::string("cannot DER-encode ") + what);
  return der;
}

void set_random_serial(X509& certificate) {
  std::array<unsigned char, kSerialBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) fail("RAND_bytes failed");
  bytes[0] &= 0x7fU;  // DER INTEGER serials must be positive
  bytes[0] |= 0x40U;  // and keep their full length
  BnPtr serial{BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr)};
  if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(&certificate)) == nullptr) {
    fail("cannot set certificate serial");
  }
}

void add_extension(X509& certificate, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, &certificate, &certificate, nullptr, nullptr, 0);
  ExtensionPtr extension{X509V3_EXT_conf_nid(nullptr, &context, nid, value)};
  if (!extension || X509_add_ext(&certificate, extension.get(), -1) != 1) {
    fail(std::string("cannot add certificate extension ") + value);
  }
}

X509Ptr self_signed_certificate(EVP_PKEY& key, std::string_view common_name, int days) {
  X509Ptr certificate{X509_new()};
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1) {
    fail("cannot create certificate");
  }
  set_random_serial(*certificate);
  if (X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(certificate.get()), days, 0, nullptr) == nullptr) {
    fail("cannot set certificate validity");
  }
  X509_NAME* name = X509_get_subject_name(certificate.get());
  const std::string cn{common_name};
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(certificate.get(), name) != 1 ||
      X509_set_pubkey(certificate.get(), &key) != 1) {
    fail("cannot set certificate name or key");
  }
  add_extension(*certificate, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(*certificate, NID_ext_key_usage, "serverAuth,clientAuth");
  add_extension(*certificate, NID_subject_key_identifier, "hash");
  if (X509_sign(certificate.get(), &key, EVP_sha256()) <= 0) fail("cannot sign certificate");
  return certificate;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  if (!in) throw std::runtime_error("tls identity: cannot read " + file.string());
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const std::filesystem::path& file, std::string_view content, mode_t mode) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  // An existing file keeps its old mode on open(); a private key must not.
  bool ok = fd >= 0 && ::fchmod(fd, mode) == 0;
  for (std::size_t written = 0; ok && written < content.size();) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  const int saved_errno = errno;
  if (fd >= 0 && ::close(fd) != 0) ok = false;
  if (!ok) {
    throw std::runtime_error("tls identity: cannot write " + file.string() + ": " +
                             std::strerror(saved_errno));
  }
}

}  // namespace

void X509Deleter::operator()(X509* certificate) const noexcept { X509_free(certificate); }
void EvpPkeyDeleter::operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }

TlsIdentity generate_self_signed(std::string_view common_name, int days) {
  EvpPkeyPtr key{EVP_RSA_gen(kRsaBits)};
  if (!key) fail("cannot generate an RSA-2048 key");
  X509Ptr certificate = self_signed_certificate(*key, common_name, days);
  return {certificate_pem(*certificate), private_key_pem(*key)};
}

void write_identity(const TlsIdentity& identity, const std::filesystem::path& certificate_file,
                    const std::filesystem::path& private_key_file) {
  write_file(certificate_file, identity.certificate_pem, 0644);
  write_file(private_key_file, identity.private_key_pem, 0600);
}

TlsIdentity load_identity(const std::filesystem::path& certificate_file,
                          const std::filesystem::path& private_key_file) {
  const std::string certificate_text = read_file(certificate_file);
  const std::string key_text =
      private_key_file == certificate_file ? certificate_text : read_file(private_key_file);

  // Every certificate in the file, leaf first, re-encoded so no key text rides along.
  TlsIdentity identity;
  BioPtr bio = memory_bio(certificate_text);
  X509Ptr leaf;
  while (X509Ptr next{PEM_read_bio_X509(bio.get(), nullptr, refuse_passphrase, nullptr)}) {
    identity.certificate_pem += certificate_pem(*next);
    if (!leaf) leaf = std::move(next);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  if (!leaf) throw std::runtime_error("tls identity: no certificate in " + certificate_file.string());

  EvpPkeyPtr key{PEM_read_bio_PrivateKey(memory_bio(key_text).get(), nullptr, refuse_passphrase,
                                         nullptr)};
  if (!key) fail("no unencrypted private key in " + private_key_file.string());
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    fail("the private key in " + private_key_file.string() + " does not match the certificate in " +
         certificate_file.string());
  }
  identity.private_key_pem = private_key_pem(*key);
  return identity;
}

X509Ptr parse_certificate_pem(std::string_view pem) {
  X509Ptr certificate{PEM_read_bio_X509(memory_bio(pem).get(), nullptr, refuse_passphrase, nullptr)};
  if (!certificate) fail("cannot parse PEM certificate");
  return certificate;
}

EvpPkeyPtr parse_private_key_pem(std::string_view pem) {
  EvpPkeyPtr key{PEM_read_bio_PrivateKey(memory_bio(pem).get(), nullptr, refuse_passphrase, nullptr)};
  if (!key) fail("cannot parse PEM private key");
  return key;
}

std::string certificate_sha1_hex(const X509& certificate) {
  return sha1_hex(der_of(certificate, i2d_X509, "certificate"));
}

std::string certificate_sha1_hex(ByteView certificate_der) { return sha1_hex(certificate_der); }

std::string public_key_sha1_hex(const X509& certificate) {
  const X509_PUBKEY* public_key = X509_get_X509_PUBKEY(&certificate);
  if (public_key == nullptr) fail("certificate has no public key");
  return sha1_hex(der_of(*public_key, i2d_X509_PUBKEY, "public key"));
}

}  // namespace plenum::protocol
