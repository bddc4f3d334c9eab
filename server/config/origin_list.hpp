// The `web_origins` list: browser origins (scheme://host[:port]) allowed to open the web
// client's WebSocket besides the server's own. Pure; used by config validation and server/web.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenum::server::config {

// Splits on spaces and commas. Each entry must be http:// or https:// followed by a host (and
// an optional :port) and nothing else; entries are lower-cased. nullopt when one is not.
std::optional<std::vector<std::string>> parse_origin_list(std::string_view text);

}  // namespace plenum::server::config
