#include "server/control/peer_address.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <string>

namespace plenum::server::control {

std::optional<MappedAddress> mapped_address(std::string_view text) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string{text}, ec);
  if (ec) return std::nullopt;
  const auto v6 = address.is_v4()
                      ? boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, address.to_v4())
                      : address.to_v6();
  return v6.to_bytes();
}

bool same_prefix(const MappedAddress& a, const MappedAddress& b, unsigned prefix_bits) noexcept {
  const unsigned bits = std::min(prefix_bits, 128U);
  for (unsigned bit = 0; bit < bits; ++bit) {
    const unsigned byte = bit / 8;
    const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
    if ((a[byte] & mask) != (b[byte] & mask)) return false;
  }
  return true;
}

}  // namespace plenum::server::control
