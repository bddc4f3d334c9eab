#include "server/config/origin_list.hpp"

#include <algorithm>

namespace plenum::server::config {

namespace {

bool valid_origin(std::string_view origin) {
  std::string_view rest;
  if (origin.starts_with("https://")) {
    rest = origin.substr(8);
  } else if (origin.starts_with("http://")) {
    rest = origin.substr(7);
  } else {
    return false;
  }
  // A host name, an IPv4 literal or a bracketed IPv6 literal, an optional port; no path.
  return !rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

}  // namespace

std::optional<std::vector<std::string>> parse_origin_list(std::string_view text) {
  std::vector<std::string> origins;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t start = text.find_first_not_of(" ,\t", at);
    if (start == std::string_view::npos) break;
    std::size_t end = text.find_first_of(" ,\t", start);
    if (end == std::string_view::npos) end = text.size();
    std::string origin{text.substr(start, end - start)};
    std::transform(origin.begin(), origin.end(), origin.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
    if (!valid_origin(origin)) return std::nullopt;
    origins.push_back(std::move(origin));
    at = end;
  }
  return origins;
}

}  // namespace plenum::server::config
