#include "server/control/server_identity.hpp"

#include <sys/utsname.h>

namespace plenum::server::control {

std::string server_os_version() {
  utsname info{};
  if (uname(&info) != 0) return {};
  return info.release;
}

}  // namespace plenum::server::control
