#include "server/state/state_error.hpp"

#include <string>

namespace plenum::server::state {

namespace {

// boost's error_category has a protected non-virtual destructor by design: categories are
// static singletons, never deleted through a base pointer.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class StateErrorCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "plenum.state"; }

  std::string message(int value) const override {
    switch (static_cast<StateError>(value)) {
      case StateError::UnknownChannel: return "unknown channel";
      case StateError::UnknownParent: return "unknown parent channel";
      case StateError::DuplicateChannelId: return "channel id already in use";
      case StateError::RootImmutable: return "the root channel cannot be removed or moved";
      case StateError::WouldCycle: return "a channel cannot move below itself";
      case StateError::SelfLink: return "a channel cannot link to itself";
      case StateError::ChannelIdsExhausted: return "no free channel id";
      case StateError::UnknownSession: return "unknown session";
      case StateError::SessionNotAllocated: return "session was not allocated";
      case StateError::DuplicateSession: return "session already in use";
    }
    return "unknown state error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& state_error_category() noexcept {
  static const StateErrorCategory category;
  return category;
}

}  // namespace plenum::server::state
