// Known answers (MUMBLE_PROTOCOL.md §9) for the web client's wire code: protobuf messages,
// frames, legacy varints and both voice packet formats. Runs in node (no browser needed):
// node --test tests/web/codec_test.mjs. (§9.3's ServerSync bytes end `8e 86 a0 40`, which is 0x0808030E;
// 0x0808070E, the permissions it names, encodes as `8e 8e a0 40`, used here.)
import assert from 'node:assert/strict';
import test from 'node:test';

import { decode, encode } from '../../client-web/protobuf.js';
import { readVersion, Schema, versionV1, versionV2 } from '../../client-web/messages.js';
import { decodeVoice, encodeVoice, readLegacyVarint, writeLegacyVarint } from '../../client-web/voice_packet.js';

const hex = (text) => Uint8Array.from(text.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));
const bytes = (name, message) => encode(Schema[name], message).finish();

test('protobuf messages encode as protoc does (§9.3)', () => {
  assert.deepEqual(bytes('Version', { version_v1: 0x010304 }), hex('08 84 86 04'));
  assert.deepEqual(bytes('Version', { version_v1: 66816, release: '1.5.0', os: 'Linux', os_version: '6',
                                      version_v2: versionV2(1, 5, 0) }),
                   hex('08 80 8a 04 12 05 31 2e 35 2e 30 1a 05 4c 69 6e 75 78 22 01 36 28 80 80 80 80 d0 80 40'));
  assert.deepEqual(bytes('Authenticate', { username: 'alice', opus: true }), hex('0a 05 61 6c 69 63 65 28 01'));
  assert.deepEqual(bytes('Ping', { timestamp: 999 }), hex('08 e7 07'));
  assert.deepEqual(bytes('ServerSync', { session: 1, max_bandwidth: 72000, welcome_text: 'Hi', permissions: 0x0808070e }),
                   hex('08 01 10 c0 b2 04 1a 02 48 69 20 8e 8e a0 40'));
  assert.deepEqual(bytes('UserState', { session: 1, name: 'alice' }), hex('08 01 1a 05 61 6c 69 63 65'));
});

test('protobuf messages decode, with negative int32, packed repeats and unknown fields', () => {
  const codec = decode(Schema.CodecVersion, hex('08 8b 80 80 80 f8 ff ff ff ff 01 10 00 18 01 20 01'));
  assert.deepEqual(codec, { alpha: -2147483637, beta: 0, prefer_alpha: true, opus: true });
  const sync = decode(Schema.ServerSync, hex('08 01 10 c0 b2 04 1a 02 48 69 20 8e 8e a0 40'));
  assert.deepEqual(sync, { session: 1, max_bandwidth: 72000, welcome_text: 'Hi', permissions: 0x0808070e });
  // links 4 as packed (22 = field 4, wire type 2) and unpacked; field 99 unknown (skipped).
  const channel = decode(Schema.ChannelState, hex('08 05 22 02 01 02 20 03 98 06 07 1a 01 41'));
  assert.deepEqual(channel, { channel_id: 5, links: [1, 2, 3], name: 'A' });
  const version = decode(Schema.Version, hex('08 80 8a 04 28 80 80 80 80 d0 80 40'));
  assert.deepEqual(readVersion(version), { major: 1, minor: 5, patch: 0 });
  assert.deepEqual(readVersion({ version_v1: versionV1(1, 3, 4) }), { major: 1, minor: 3, patch: 4 });
  assert.throws(() => decode(Schema.UserState, hex('1a 05 61')), /truncated/);
});

test('legacy varints (§9.1)', () => {
  const cases = [[0, '00'], [127, '7f'], [128, '80 80'], [300, '81 2c'], [0x3fff, 'bf ff'], [0x4000, 'c0 40 00'],
                 [0x1fffff, 'df ff ff'], [123456, 'c1 e2 40'], [0x200000, 'e0 20 00 00'],
                 [0x0fffffff, 'ef ff ff ff'], [0x10000000, 'f0 10 00 00 00'], [0xffffffff, 'f0 ff ff ff ff']];
  for (const [value, text] of cases) {
    const out = [];
    writeLegacyVarint(out, value);
    assert.deepEqual(Uint8Array.from(out), hex(text), `encode ${value}`);
    assert.deepEqual(readLegacyVarint(hex(text), 0), [value, out.length], `decode ${value}`);
  }
  assert.deepEqual(readLegacyVarint(hex('f4 00 00 00 01 00 00 00 00'), 0), [2 ** 32, 9]);
  assert.throws(() => readLegacyVarint(hex('c0 40'), 0), /truncated/);
});

test('voice packets in both formats (§9.6, §9.7)', () => {
  const opus = hex('f8 ff fe');
  assert.deepEqual(encodeVoice({ protobuf: false, frameNumber: 0, opus }), hex('80 00 03 f8 ff fe'));
  assert.deepEqual(decodeVoice(hex('80 02 02 a0 03 f8 ff fe')),
                   { session: 2, frameNumber: 2, opus, terminator: true, context: 0 });
  assert.deepEqual(encodeVoice({ protobuf: true, frameNumber: 5, opus: hex('01 02 03') }),
                   hex('00 08 00 20 05 2a 03 01 02 03'));
  assert.deepEqual(decodeVoice(hex('00 18 07 20 05 2a 03 01 02 03 80 01 01 10 00')),
                   { session: 7, frameNumber: 5, opus: hex('01 02 03'), terminator: true, context: 0 });
  assert.equal(decodeVoice(hex('20 c1 e2 40')), null);  // a legacy ping is not voice
  assert.equal(decodeVoice(hex('00 18 07 20 05')), null);  // no Opus data
});
