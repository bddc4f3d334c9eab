// The address the server log gives for the web client. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace plenum::server::web {

// https://<host>:<port>/ for the configured `host`; for "" (every interface) the machine's
// host name, which is what a browser elsewhere would use (and what a real certificate names).
// IPv6 literals are bracketed.
std::string web_address(std::string_view host, std::uint16_t port);

}  // namespace plenum::server::web
