// The web client's files (client-web/), embedded into the binary at build time by
// scripts/cmake/EmbedFiles.cmake, and the HTTP headers they are served with. Immutable data.
#pragma once

#include <span>
#include <string_view>

namespace plenum::server::web {

struct EmbeddedFile {
  std::string_view path;  // URL path, e.g. "/index.html"
  std::string_view bytes;
};

// Generated (build/.../embedded_web_files.cpp).
std::span<const EmbeddedFile> embedded_files() noexcept;

// The file for a request target ("/" is "/index.html"; a query string is ignored), or null.
const EmbeddedFile* find_file(std::string_view target) noexcept;

// By extension; "application/octet-stream" when unknown.
std::string_view content_type(std::string_view path) noexcept;

// Sent with every response: nothing may load from another host, no inline script or style,
// no framing, no referrer. 'self' in connect-src covers wss:// to this host (CSP level 3).
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; media-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

}  // namespace plenum::server::web
