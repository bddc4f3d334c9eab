#include "tests/load/send_floor_batch.hpp"

#include <cstring>

namespace plenum::load {

sockaddr_in6 v4_mapped(const sockaddr_in& v4) noexcept {
  sockaddr_in6 out{};
  out.sin6_family = AF_INET6;
  out.sin6_port = v4.sin_port;
  out.sin6_addr.s6_addr[10] = 0xFF;
  out.sin6_addr.s6_addr[11] = 0xFF;
  std::memcpy(&out.sin6_addr.s6_addr[12], &v4.sin_addr, 4);
  return out;
}

SendFloorBatch::SendFloorBatch(std::span<const sockaddr_in6> destinations,
                               std::span<const std::byte> payload, std::size_t batch,
                               std::optional<in6_addr> source)
    : destinations_{destinations},
      payload_{payload},
      source_{source},
      headers_(batch),
      vectors_(batch),
      controls_(batch) {}

std::span<mmsghdr> SendFloorBatch::next() noexcept {
  // Rebuilt per batch, as the server does: the kernel writes msg_len back into each header.
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    vectors_[i] = {const_cast<std::byte*>(payload_.data()), payload_.size()};
    msghdr& header = headers_[i].msg_hdr;
    header = {};
    headers_[i].msg_len = 0;
    header.msg_name = const_cast<sockaddr_in6*>(&destinations_[cursor_]);
    header.msg_namelen = sizeof(sockaddr_in6);
    header.msg_iov = &vectors_[i];
    header.msg_iovlen = 1;
    if (source_) {
      std::byte* control = controls_[i].data();
      std::memset(control, 0, kControlSize);
      in6_pktinfo info{};
      info.ipi6_addr = *source_;
      auto* c = reinterpret_cast<cmsghdr*>(control);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(info));
      std::memcpy(CMSG_DATA(c), &info, sizeof(info));
      header.msg_control = control;
      header.msg_controllen = kControlSize;
    }
    cursor_ = cursor_ + 1 == destinations_.size() ? 0 : cursor_ + 1;
  }
  return headers_;
}

}  // namespace plenum::load
