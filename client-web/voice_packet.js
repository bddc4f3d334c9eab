// Voice packets as UDPTunnel payloads, in the two formats of MUMBLE_PROTOCOL.md §4: the legacy
// varint format (server < 1.5.0) and the protobuf MumbleUDP.Audio (server >= 1.5.0; §4.7).
// Opus only. Pure functions.
import { decode, encode, Writer } from './protobuf.js';
import { UdpAudio } from './messages.js';

const kOpusType = 4;
const kTerminatorBit = 0x2000;

// Legacy varint (§4.2), non-negative values only (all a voice packet carries).
export function writeLegacyVarint(out, value) {
  if (value < 0x80) out.push(value);
  else if (value < 0x4000) out.push(0x80 | (value >> 8), value & 0xff);
  else if (value < 0x200000) out.push(0xc0 | (value >> 16), (value >> 8) & 0xff, value & 0xff);
  else if (value < 0x10000000) {
    out.push(0xe0 | (value >>> 24), (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  } else {
    out.push(0xf0, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  }
}

export function readLegacyVarint(bytes, at) {
  const b0 = bytes[at];
  if (b0 === undefined) throw new Error('truncated');
  const need = (n) => { if (at + n >= bytes.length) throw new Error('truncated'); };
  if ((b0 & 0x80) === 0) return [b0, at + 1];
  if ((b0 & 0xc0) === 0x80) { need(1); return [((b0 & 0x3f) << 8) | bytes[at + 1], at + 2]; }
  if ((b0 & 0xe0) === 0xc0) {
    need(2);
    return [((b0 & 0x1f) << 16) | (bytes[at + 1] << 8) | bytes[at + 2], at + 3];
  }
  if ((b0 & 0xf0) === 0xe0) {
    need(3);
    return [((b0 & 0x0f) * 2 ** 24) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3], at + 4];
  }
  if ((b0 & 0xfc) === 0xf0) {
    need(4);
    return [bytes[at + 1] * 2 ** 24 + (bytes[at + 2] << 16) + (bytes[at + 3] << 8) + bytes[at + 4], at + 5];
  }
  if ((b0 & 0xfc) === 0xf4) {
    need(8);
    let v = 0;
    for (let i = 1; i <= 8; ++i) v = v * 256 + bytes[at + i];
    return [v, at + 9];
  }
  throw new Error('negative varint in a voice packet');
}

// Client -> server: target 0 (normal talking).
export function encodeVoice({ protobuf, frameNumber, opus, terminator, target = 0 }) {
  if (protobuf) {
    const writer = new Writer();
    writer.push(Uint8Array.of(0));  // type byte: Audio
    encode(UdpAudio, { target, frame_number: frameNumber, opus_data: opus,
                       is_terminator: terminator || undefined }, writer);
    return writer.finish();
  }
  const out = [(kOpusType << 5) | target];
  writeLegacyVarint(out, frameNumber);
  writeLegacyVarint(out, opus.length | (terminator ? kTerminatorBit : 0));
  const packet = new Uint8Array(out.length + opus.length);
  packet.set(out);
  packet.set(opus, out.length);
  return packet;
}

// Server -> client. Returns {session, frameNumber, opus, terminator, context} or null for
// anything that is not Opus voice (pings, other codecs).
export function decodeVoice(packet) {
  if (packet.length < 2) return null;
  const header = packet[0];
  if (header === 0) {  // protobuf Audio; a legacy Opus header is never 0
    const audio = decode(UdpAudio, packet.subarray(1));
    if (!audio.opus_data || !audio.opus_data.length) return null;
    return { session: audio.sender_session, frameNumber: Number(audio.frame_number || 0),
             opus: audio.opus_data, terminator: !!audio.is_terminator, context: audio.context || 0 };
  }
  if (header >> 5 !== kOpusType) return null;
  let at = 1;
  let session, frameNumber, opusHeader;
  [session, at] = readLegacyVarint(packet, at);
  [frameNumber, at] = readLegacyVarint(packet, at);
  [opusHeader, at] = readLegacyVarint(packet, at);
  const length = opusHeader & 0x1fff;
  if (at + length > packet.length) return null;
  return { session, frameNumber, opus: packet.slice(at, at + length),
           terminator: (opusHeader & kTerminatorBit) !== 0, context: header & 0x1f };
}
