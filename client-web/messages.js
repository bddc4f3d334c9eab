// The Mumble control messages the web client uses: type ids (MUMBLE_PROTOCOL.md §1.3) and
// field numbers as in protocol/proto/Mumble.proto, with the same message and field names.

export const MessageType = {
  Version: 0, UDPTunnel: 1, Authenticate: 2, Ping: 3, Reject: 4, ServerSync: 5,
  ChannelRemove: 6, ChannelState: 7, UserRemove: 8, UserState: 9, BanList: 10,
  TextMessage: 11, PermissionDenied: 12, ACL: 13, QueryUsers: 14, CryptSetup: 15,
  ContextActionModify: 16, ContextAction: 17, UserList: 18, VoiceTarget: 19,
  PermissionQuery: 20, CodecVersion: 21, UserStats: 22, RequestBlob: 23, ServerConfig: 24,
  SuggestConfig: 25,
};

export const TypeName = Object.fromEntries(Object.entries(MessageType).map(([n, t]) => [t, n]));

const BanEntry = {
  1: ['address', 'bytes'], 2: ['mask', 'uint32'], 3: ['name', 'string'], 4: ['hash', 'string'],
  5: ['reason', 'string'], 6: ['start', 'string'], 7: ['duration', 'uint32'],
};

export const Schema = {
  Version: {
    1: ['version_v1', 'uint32'], 2: ['release', 'string'], 3: ['os', 'string'],
    4: ['os_version', 'string'], 5: ['version_v2', 'uint64'],
  },
  Authenticate: {
    1: ['username', 'string'], 2: ['password', 'string'], 3: ['tokens', 'string', 'repeated'],
    4: ['celt_versions', 'int32', 'repeated'], 5: ['opus', 'bool'], 6: ['client_type', 'int32'],
  },
  Ping: {
    1: ['timestamp', 'uint64'], 2: ['good', 'uint32'], 3: ['late', 'uint32'], 4: ['lost', 'uint32'],
    5: ['resync', 'uint32'], 6: ['udp_packets', 'uint32'], 7: ['tcp_packets', 'uint32'],
    8: ['udp_ping_avg', 'float'], 9: ['udp_ping_var', 'float'], 10: ['tcp_ping_avg', 'float'],
    11: ['tcp_ping_var', 'float'],
  },
  Reject: { 1: ['type', 'enum'], 2: ['reason', 'string'] },
  ServerSync: {
    1: ['session', 'uint32'], 2: ['max_bandwidth', 'uint32'], 3: ['welcome_text', 'string'],
    4: ['permissions', 'uint64'],
  },
  ChannelRemove: { 1: ['channel_id', 'uint32'] },
  ChannelState: {
    1: ['channel_id', 'uint32'], 2: ['parent', 'uint32'], 3: ['name', 'string'],
    4: ['links', 'uint32', 'repeated'], 5: ['description', 'string'],
    6: ['links_add', 'uint32', 'repeated'], 7: ['links_remove', 'uint32', 'repeated'],
    8: ['temporary', 'bool'], 9: ['position', 'int32'], 11: ['max_users', 'uint32'],
    12: ['is_enter_restricted', 'bool'], 13: ['can_enter', 'bool'],
  },
  UserRemove: {
    1: ['session', 'uint32'], 2: ['actor', 'uint32'], 3: ['reason', 'string'], 4: ['ban', 'bool'],
  },
  UserState: {
    1: ['session', 'uint32'], 2: ['actor', 'uint32'], 3: ['name', 'string'], 4: ['user_id', 'uint32'],
    5: ['channel_id', 'uint32'], 6: ['mute', 'bool'], 7: ['deaf', 'bool'], 8: ['suppress', 'bool'],
    9: ['self_mute', 'bool'], 10: ['self_deaf', 'bool'], 14: ['comment', 'string'],
    15: ['hash', 'string'], 18: ['priority_speaker', 'bool'], 19: ['recording', 'bool'],
    21: ['listening_channel_add', 'uint32', 'repeated'],
    22: ['listening_channel_remove', 'uint32', 'repeated'],
  },
  BanList: { 1: ['bans', BanEntry, 'repeated'], 2: ['query', 'bool'] },
  TextMessage: {
    1: ['actor', 'uint32'], 2: ['session', 'uint32', 'repeated'],
    3: ['channel_id', 'uint32', 'repeated'], 4: ['tree_id', 'uint32', 'repeated'],
    5: ['message', 'string'],
  },
  PermissionDenied: {
    1: ['permission', 'uint32'], 2: ['channel_id', 'uint32'], 3: ['session', 'uint32'],
    4: ['reason', 'string'], 5: ['type', 'enum'], 6: ['name', 'string'],
  },
  CryptSetup: { 1: ['key', 'bytes'], 2: ['client_nonce', 'bytes'], 3: ['server_nonce', 'bytes'] },
  PermissionQuery: { 1: ['channel_id', 'uint32'], 2: ['permissions', 'uint32'], 3: ['flush', 'bool'] },
  CodecVersion: {
    1: ['alpha', 'int32'], 2: ['beta', 'int32'], 3: ['prefer_alpha', 'bool'], 4: ['opus', 'bool'],
  },
  ServerConfig: {
    1: ['max_bandwidth', 'uint32'], 2: ['welcome_text', 'string'], 3: ['allow_html', 'bool'],
    4: ['message_length', 'uint32'], 5: ['image_message_length', 'uint32'],
    6: ['max_users', 'uint32'],
  },
  SuggestConfig: { 2: ['positional', 'bool'], 3: ['push_to_talk', 'bool'], 4: ['version_v2', 'uint64'] },
};

// Reject.type (MUMBLE_PROTOCOL.md §2.5).
export const RejectType = {
  None: 0, WrongVersion: 1, InvalidUsername: 2, WrongUserPW: 3, WrongServerPW: 4,
  UsernameInUse: 5, ServerFull: 6, NoCertificate: 7, AuthenticatorFail: 8, NoNewConnections: 9,
};

// MumbleUDP.Audio (protocol/proto/MumbleUDP.proto), for voice in UDPTunnel frames.
export const UdpAudio = {
  1: ['target', 'uint32'], 2: ['context', 'uint32'], 3: ['sender_session', 'uint32'],
  4: ['frame_number', 'uint64'], 5: ['opus_data', 'bytes'], 7: ['volume_adjustment', 'float'],
  16: ['is_terminator', 'bool'],
};

// Version encodings (MUMBLE_PROTOCOL.md §3.1).
export function versionV1(major, minor, patch) { return major * 65536 + minor * 256 + patch; }
export function versionV2(major, minor, patch) {
  return major * 2 ** 48 + minor * 2 ** 32 + patch * 2 ** 16;
}
export function readVersion(message) {
  if (message.version_v2 !== undefined) {
    const v = Number(message.version_v2);
    return { major: Math.floor(v / 2 ** 48), minor: Math.floor(v / 2 ** 32) % 65536,
             patch: Math.floor(v / 2 ** 16) % 65536 };
  }
  const v = message.version_v1 || 0;
  return { major: Math.floor(v / 65536), minor: Math.floor(v / 256) % 256, patch: v % 256 };
}
