// A small protobuf (proto2 wire format) reader and writer, driven by the schemas in
// messages.js: varint, 64-bit, length-delimited and 32-bit fields; repeated numeric fields
// packed or not; nested messages. Unknown fields are skipped, as protobuf requires.
// Written here rather than vendored: the client needs a dozen messages and no reflection.

const kTwo32 = 4294967296;

export class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }
  done() { return this.at >= this.bytes.length; }
  // A varint as a Number when it fits 53 bits, else a BigInt.
  varint() {
    let low = 0, shift = 0, byte;
    // The first four bytes (28 bits) in plain arithmetic, the common case.
    do {
      if (this.at >= this.bytes.length) throw new Error('truncated varint');
      byte = this.bytes[this.at++];
      low += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && shift < 28);
    if (!(byte & 0x80)) return low;
    let big = BigInt(low);
    let bigShift = 28n;
    do {
      if (this.at >= this.bytes.length || bigShift > 63n) throw new Error('bad varint');
      byte = this.bytes[this.at++];
      big |= BigInt(byte & 0x7f) << bigShift;
      bigShift += 7n;
    } while (byte & 0x80);
    big = BigInt.asUintN(64, big);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  lengthDelimited() {
    const length = Number(this.varint());
    if (this.at + length > this.bytes.length) throw new Error('truncated field');
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
  fixed32() {
    if (this.at + 4 > this.bytes.length) throw new Error('truncated fixed32');
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 4);
    this.at += 4;
    return view;
  }
  skip(wireType) {
    switch (wireType) {
      case 0: this.varint(); break;
      case 1: this.at += 8; break;
      case 2: this.lengthDelimited(); break;
      case 5: this.at += 4; break;
      default: throw new Error(`unsupported wire type ${wireType}`);
    }
    if (this.at > this.bytes.length) throw new Error('truncated field');
  }
}

export class Writer {
  constructor() {
    this.parts = [];
    this.length = 0;
  }
  push(bytes) {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  varint(value) {
    const out = [];
    if (typeof value === 'bigint' || value > Number.MAX_SAFE_INTEGER || value < 0) {
      let big = BigInt.asUintN(64, BigInt(value));
      while (big > 0x7fn) {
        out.push(Number(big & 0x7fn) | 0x80);
        big >>= 7n;
      }
      out.push(Number(big));
    } else {
      let v = value;
      while (v > 0x7f) {
        out.push((v % 128) | 0x80);
        v = Math.floor(v / 128);
      }
      out.push(v);
    }
    this.push(Uint8Array.from(out));
  }
  key(number, wireType) { this.varint(number * 8 + wireType); }
  bytes(bytes) {
    this.varint(bytes.length);
    this.push(bytes);
  }
  float(value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
  }
  finish() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

const kWireType = { uint32: 0, uint64: 0, int32: 0, bool: 0, enum: 0, string: 2, bytes: 2, float: 5 };
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function readScalar(reader, type) {
  switch (type) {
    case 'uint32': case 'uint64': case 'enum': return reader.varint();
    case 'int32': {
      const v = reader.varint();
      return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : (v >= 2 ** 31 ? v - kTwo32 : v);
    }
    case 'bool': return reader.varint() !== 0;
    case 'float': return reader.fixed32().getFloat32(0, true);
    case 'string': return textDecoder.decode(reader.lengthDelimited());
    case 'bytes': return reader.lengthDelimited().slice();
    default: throw new Error(`unknown type ${type}`);
  }
}

// schema: { fieldNumber: [name, type, 'repeated'?] }, type a scalar name or a nested schema.
export function decode(schema, bytes) {
  const reader = new Reader(bytes);
  const message = {};
  while (!reader.done()) {
    const key = reader.varint();
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    const field = schema[number];
    if (!field) {
      reader.skip(wireType);
      continue;
    }
    const [name, type, repeated] = field;
    let values;
    if (typeof type === 'object') {
      values = [decode(type, reader.lengthDelimited())];
    } else if (repeated && wireType === 2 && kWireType[type] !== 2) {
      const packed = new Reader(reader.lengthDelimited());
      values = [];
      while (!packed.done()) values.push(readScalar(packed, type));
    } else {
      if (wireType !== kWireType[type]) {
        reader.skip(wireType);
        continue;
      }
      values = [readScalar(reader, type)];
    }
    if (repeated) {
      message[name] = (message[name] || []).concat(values);
    } else {
      message[name] = values[values.length - 1];
    }
  }
  return message;
}

function writeScalar(writer, number, type, value) {
  switch (type) {
    case 'uint32': case 'uint64': case 'enum': case 'int32':
      writer.key(number, 0);
      writer.varint(value);
      break;
    case 'bool':
      writer.key(number, 0);
      writer.varint(value ? 1 : 0);
      break;
    case 'float':
      writer.key(number, 5);
      writer.float(value);
      break;
    case 'string':
      writer.key(number, 2);
      writer.bytes(textEncoder.encode(value));
      break;
    case 'bytes':
      writer.key(number, 2);
      writer.bytes(value);
      break;
    default: throw new Error(`unknown type ${type}`);
  }
}

export function encode(schema, message, writer = new Writer()) {
  for (const [number, [name, type, repeated]] of Object.entries(schema)) {
    const value = message[name];
    if (value === undefined || value === null) continue;
    for (const item of repeated ? value : [value]) {
      if (typeof type === 'object') {
        writer.key(Number(number), 2);
        writer.bytes(encode(type, item).finish());
      } else {
        writeScalar(writer, Number(number), type, item);
      }
    }
  }
  return writer;
}
