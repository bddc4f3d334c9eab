#include "client-cli/core/server_url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace plenum::client {
namespace {

constexpr std::string_view kScheme = "mumble://";

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  const int lower = std::tolower(static_cast<unsigned char>(c));
  if (lower >= 'a' && lower <= 'f') {
    return lower - 'a' + 10;
  }
  return -1;
}

std::uint16_t parse_port(std::string_view text, std::string_view whole) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value == 0 ||
      value > 65535) {
    throw std::invalid_argument(fmt::format("bad port in '{}'", whole));
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) {
      throw std::invalid_argument(fmt::format("truncated escape in '{}'", text));
    }
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) {
      throw std::invalid_argument(fmt::format("bad escape in '{}'", text));
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

HostPort parse_host_port(std::string_view text) {
  HostPort result;
  std::string_view rest;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close == 1) {
      throw std::invalid_argument(fmt::format("bad IPv6 address in '{}'", text));
    }
    result.host = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) {
      throw std::invalid_argument(fmt::format("unexpected text after ']' in '{}'", text));
    }
  } else {
    const auto colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) != std::string_view::npos) {
      // A bare IPv6 address: no port possible without brackets.
      result.host = std::string(text);
      return result;
    }
    result.host = std::string(text.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
  }
  if (result.host.empty()) {
    throw std::invalid_argument(fmt::format("no host in '{}'", text));
  }
  if (!rest.empty()) {
    result.port = parse_port(rest.substr(1), text);
  }
  return result;
}

ServerUrl parse_mumble_url(std::string_view url) {
  if (url.size() < kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), url.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    throw std::invalid_argument(fmt::format("not a mumble:// URL: '{}'", url));
  }
  std::string_view rest = url.substr(kScheme.size());
  rest = rest.substr(0, std::min(rest.find('?'), rest.find('#')));
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);

  ServerUrl result;
  std::string_view host_port = authority;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    host_port = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    result.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      result.password = percent_decode(userinfo.substr(colon + 1));
    }
    if (result.user->empty()) {
      result.user.reset();
    }
  }
  result.server = parse_host_port(host_port);

  while (!path.empty()) {
    const auto next = path.find('/');
    const std::string_view segment = path.substr(0, next);
    if (!segment.empty()) {
      if (!result.channel_path.empty()) {
        result.channel_path += '/';
      }
      result.channel_path += percent_decode(segment);
    }
    path = next == std::string_view::npos ? std::string_view() : path.substr(next + 1);
  }
  return result;
}

}  // namespace plenum::client
