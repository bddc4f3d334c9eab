#include "server/control/tls_context.hpp"

#include "protocol/tls_identity.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace plenum::server::control {

namespace asio = boost::asio;

namespace {

// Accept any client certificate: the hash is the identity; OpenSSL's verdict only decides
// whether Mumble would call it "strong".
int accept_any_certificate(int /*preverified*/, X509_STORE_CTX* /*context*/) { return 1; }

// "http/1.1" in ALPN's wire form: a length byte, then the name.
constexpr unsigned char kHttp11Wire[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

// ALPN (RFC 7301): pick "http/1.1" when offered, else no protocol (a Mumble client). Runs while
// the ClientHello is processed, before the server decides on a CertificateRequest, so a browser
// is not asked for a client certificate.
int select_alpn(SSL* ssl, const unsigned char** out, unsigned char* out_length,
                const unsigned char* offered, unsigned int offered_length, void* /*arg*/) {
  unsigned char* selected = nullptr;
  unsigned char selected_length = 0;
  const int found = SSL_select_next_proto(&selected, &selected_length, kHttp11Wire,
                                          sizeof kHttp11Wire, offered, offered_length);
  if (found != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  *out_length = selected_length;
  SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
  return SSL_TLSEXT_ERR_OK;
}

protocol::TlsIdentity obtain_identity(const config::TlsFiles& files, const std::string& common_name) {
  if (files.generated && !std::filesystem::exists(files.cert)) {
    std::filesystem::create_directories(files.cert.parent_path());
    auto identity = protocol::generate_self_signed(common_name, 3650);
    protocol::write_identity(identity, files.cert, files.key);
    return identity;
  }
  return protocol::load_identity(files.cert, files.key);
}

}  // namespace

asio::ssl::context make_server_tls_context(const config::TlsFiles& files, const std::string& common_name,
                                           bool offer_http) {
  const protocol::TlsIdentity identity = obtain_identity(files, common_name);
  asio::ssl::context context{asio::ssl::context::tls_server};
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  SSL_CTX* native = context.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  context.use_certificate_chain(asio::buffer(identity.certificate_pem));
  context.use_private_key(asio::buffer(identity.private_key_pem), asio::ssl::context::pem);
  // Ask for a client certificate without requiring one and without a CA list (as Murmur).
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER, accept_any_certificate);
  // Session resumption is pointless for long-lived voice connections.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  // No TLS 1.3 tickets either: a resumed handshake failed with an internal error (no session id
  // context is set), which broke a browser's second connection (the WebSocket after the page).
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(native, 0);
  if (offer_http) SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);
  return context;
}

bool negotiated_http(const SSL* ssl) noexcept {
  const unsigned char* protocol = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl, &protocol, &length);
  return length == sizeof kHttp11Wire - 1 &&
         std::equal(protocol, protocol + length, kHttp11Wire + 1);
}

}  // namespace plenum::server::control
