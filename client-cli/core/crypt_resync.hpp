// The client's half of the UDP key exchange and resync (MUMBLE_PROTOCOL.md §7.1, §7.6), as
// functions over the Connection's CryptStateOCB2 so the rule is tested without sockets. Called
// on the connection's executor; time is passed in.
#pragma once

#include "protocol/crypt_state_ocb2.hpp"

#include "Mumble.pb.h"

#include <chrono>
#include <optional>

namespace plenum::client {

// Applies a CryptSetup from the server and returns the message to send back, if any:
// key + both nonces re-key (we encrypt with client_nonce, decrypt with server_nonce);
// server_nonce alone is the answer to our resync request and resets our decrypt IV;
// an empty one means the server lost our stream, answered with the IV we encrypt with.
// Malformed lengths are ignored, as is anything but a full setup before we have a key.
std::optional<MumbleProto::CryptSetup> apply_crypt_setup(
    protocol::CryptStateOCB2& crypt, const MumbleProto::CryptSetup& setup,
    std::chrono::steady_clock::time_point now);

// Called after a UDP datagram failed to decrypt. True when the server must be asked for its
// IV now (send an empty CryptSetup): no good datagram and no request for 5 s. Records the
// request, so the next one comes 5 s later at the earliest.
bool resync_due(protocol::CryptStateOCB2& crypt, std::chrono::steady_clock::time_point now);

}  // namespace plenum::client
