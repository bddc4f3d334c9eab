#include "server/web/origin_policy.hpp"

#include <algorithm>

namespace plenum::server::web {

namespace {

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  return out;
}

}  // namespace

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;
  const std::string normalized = lower(origin);
  if (!host.empty() && normalized == "https://" + lower(host)) return true;
  return std::find(allowed.begin(), allowed.end(), normalized) != allowed.end();
}

}  // namespace plenum::server::web
