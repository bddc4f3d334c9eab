// Builds the server's TLS context: TLS 1.2+, the configured or generated certificate, and
// optional client certificates accepted whatever their issuer (Mumble identifies users by the
// certificate's hash, not by a CA; MUMBLE_PROTOCOL.md §1.1). Startup path: throws.
#pragma once

#include "server/config/server_config.hpp"

#include <boost/asio/ssl/context.hpp>

namespace plenum::server::control {

// Generates a self-signed certificate into `files` when they are the generated pair and do not
// exist yet; then loads them. Throws std::runtime_error with one line naming the file.
boost::asio::ssl::context make_server_tls_context(const config::TlsFiles& files,
                                                  const std::string& common_name);

}  // namespace plenum::server::control
