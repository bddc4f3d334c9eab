#include "server/voice/voice_session.hpp"

namespace plenum::server::voice {

VoiceSession::VoiceSession(const AddVoiceSession& add, std::shared_ptr<HomeSlot> home_slot,
                           Clock::time_point now)
    : id{add.session},
      home{std::move(home_slot)},
      format{add.format}, tcp_ip{add.tcp_peer}, bandwidth{now} {
  // The control plane generated these keys with OpenSSL already; a refusal here would leave
  // the session unkeyed, and every datagram from it then fails to decrypt (and is counted).
  crypt.set_key(add.key, add.encrypt_iv, add.decrypt_iv);
  // §7.6 grace: no resync request in the first interval after the keys were handed out.
  crypt.mark_good(now);
  crypt.mark_resync_requested(now);
}

}  // namespace plenum::server::voice
