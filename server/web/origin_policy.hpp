// Which pages may open the web client's WebSocket: the defence against cross-site WebSocket
// hijacking (a page on another site opening a session in the visitor's name). Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::web {

// `origin`: the upgrade request's Origin header ("" when absent); `host`: its Host header;
// `allowed`: the parsed web_origins (lower case). The server's own origin, https://<host>, is
// always allowed. A request without Origin does not come from a browser page (browsers always
// send it on a WebSocket upgrade), so it is allowed too: it can only carry what its sender
// could send over the TLS port anyway.
bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed);

}  // namespace plenum::server::web
