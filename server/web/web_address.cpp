#include "server/web/web_address.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <array>

namespace plenum::server::web {

std::string web_address(std::string_view host, std::uint16_t port) {
  std::string name{host};
  if (name.empty()) {
    std::array<char, 256> buffer{};
    name = gethostname(buffer.data(), buffer.size() - 1) == 0 ? std::string{buffer.data()} : "localhost";
  }
  if (name.find(':') != std::string::npos) name = "[" + name + "]";
  return fmt::format("https://{}:{}/", name, port);
}

}  // namespace plenum::server::web
