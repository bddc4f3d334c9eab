// Mumble's text fields (messages, comments, channel descriptions) are HTML: plain text put into
// one must have its markup characters escaped, or a name like "a<b" would start a tag. Used by
// the server (the mix user's comment) and the client (messages typed as plain text). Stateless.
#pragma once

#include <string>
#include <string_view>

namespace plenum::protocol {

// `<`, `>`, `&` and `"` as entities; every other byte (UTF-8 included) as it is.
std::string html_escape(std::string_view text);

}  // namespace plenum::protocol
