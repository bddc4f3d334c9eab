// Builds the server's TLS context: TLS 1.2+, the configured or generated certificate, and
// optional client certificates accepted whatever their issuer (Mumble identifies users by the
// certificate's hash, not by a CA; MUMBLE_PROTOCOL.md §1.1). Startup path: throws.
//
// It also decides, per connection, between a Mumble client and a browser on the one TLS port.
// Browsers always offer ALPN ("h2", "http/1.1"); Mumble clients (Qt's QSslSocket in 1.3-1.6,
// Humla/Mumla's Java sockets, plenum-cli) offer none. So when web is on and the ClientHello
// offers "http/1.1", we select it and the connection goes to the web server; anything else is a
// Mumble session exactly as before. Why one port and not a second web_port: the link people
// share is the address they already give Mumble users (https://host:64738/), an operator opens
// one port in the firewall and configures one certificate, and the choice is made inside the
// handshake, before either side sends a byte, so Mumble clients see no change (first-byte
// sniffing would have to hold back the server's Version until the client spoke). ALPN also lets
// us skip the client-certificate request for browsers, which would otherwise pop a certificate
// chooser in a browser that has any client certificate installed.
#pragma once

#include "server/config/server_config.hpp"

#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

namespace plenum::server::control {

// Generates a self-signed certificate into `files` when they are the generated pair and do not
// exist yet; then loads them. Throws std::runtime_error with one line naming the file.
// `offer_http`: select "http/1.1" by ALPN for clients that offer it (the web client is on).
boost::asio::ssl::context make_server_tls_context(const config::TlsFiles& files,
                                                  const std::string& common_name,
                                                  bool offer_http = false);

// After the handshake: did ALPN pick "http/1.1" for this connection?
bool negotiated_http(const SSL* ssl) noexcept;

}  // namespace plenum::server::control
