#include "server/state/user.hpp"

namespace plenum::server::state {

AclSubject ConnectedUser::acl_subject() const {
  AclSubject subject;
  subject.session = session;
  subject.user_id = user_id;
  subject.cert_hash = cert_hash;
  subject.tokens = tokens;
  subject.channel = channel;
  subject.strong_certificate = strong_certificate;
  return subject;
}

UserFlagsChange normalised(UserFlagsChange change) {
  if (change.deaf == true) change.mute = true;
  if (change.mute == false) change.deaf = false;
  if (change.self_deaf == true) change.self_mute = true;
  if (change.self_mute == false) change.self_deaf = false;
  return change;
}

void apply(ConnectedUser& user, const UserFlagsChange& requested) {
  const UserFlagsChange change = normalised(requested);
  const auto set = [](bool& field, const std::optional<bool>& value) {
    if (value) field = *value;
  };
  set(user.mute, change.mute);
  set(user.deaf, change.deaf);
  set(user.suppress, change.suppress);
  set(user.self_mute, change.self_mute);
  set(user.self_deaf, change.self_deaf);
  set(user.priority_speaker, change.priority_speaker);
  set(user.recording, change.recording);
}

}  // namespace plenum::server::state
