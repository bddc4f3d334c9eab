// Connection: the WebSocket to plenum-server and Mumble's TCP framing on it (u16 type, u32
// length, payload; MUMBLE_PROTOCOL.md §1.2), in binary messages. Messages are treated as a byte
// stream, so frames split or joined across messages are fine. It knows nothing of the DOM; the
// app listens to its events: 'message' {name, message}, 'tunnel' {packet}, 'close' {code, reason}.
import { decode, encode } from './protobuf.js';
import { MessageType, Schema, TypeName } from './messages.js';

const kMaxFrame = 8 * 1024 * 1024;

export class Connection extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.socket = null;
    this.pending = new Uint8Array(0);
    this.bytesIn = 0;
    this.bytesOut = 0;
  }

  open() {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url);
      socket.binaryType = 'arraybuffer';
      this.socket = socket;
      let opened = false;
      socket.onopen = () => {
        opened = true;
        resolve();
      };
      socket.onmessage = (event) => this.receive(new Uint8Array(event.data));
      socket.onclose = (event) => {
        // Before it opened, the failure is open()'s to report; after, it is an event.
        if (!opened) {
          reject(new Error(event.reason || 'could not reach the server'));
          return;
        }
        this.dispatchEvent(new CustomEvent('close', { detail: { code: event.code, reason: event.reason } }));
      };
    });
  }

  get open_() { return this.socket && this.socket.readyState === WebSocket.OPEN; }

  send(name, message) {
    const type = MessageType[name];
    const payload = encode(Schema[name], message).finish();
    this.sendFrame(type, payload);
  }

  // A voice packet (legacy or protobuf UDP format) as a UDPTunnel frame: the payload is the
  // bare packet (§6).
  sendTunnel(packet) { this.sendFrame(MessageType.UDPTunnel, packet); }

  sendFrame(type, payload) {
    if (!this.open_) return;
    const frame = new Uint8Array(6 + payload.length);
    const view = new DataView(frame.buffer);
    view.setUint16(0, type);
    view.setUint32(2, payload.length);
    frame.set(payload, 6);
    this.bytesOut += frame.length;
    this.socket.send(frame);
  }

  close() {
    if (this.socket) this.socket.close(1000, 'leaving');
  }

  receive(bytes) {
    this.bytesIn += bytes.length;
    let data = bytes;
    if (this.pending.length) {
      data = new Uint8Array(this.pending.length + bytes.length);
      data.set(this.pending);
      data.set(bytes, this.pending.length);
    }
    let at = 0;
    while (data.length - at >= 6) {
      const view = new DataView(data.buffer, data.byteOffset + at, 6);
      const type = view.getUint16(0);
      const length = view.getUint32(2);
      if (length > kMaxFrame) {
        this.socket.close(1002, 'oversize frame');
        return;
      }
      if (data.length - at < 6 + length) break;
      const payload = data.subarray(at + 6, at + 6 + length);
      at += 6 + length;
      this.deliver(type, payload);
    }
    this.pending = data.slice(at);
  }

  deliver(type, payload) {
    if (type === MessageType.UDPTunnel) {
      this.dispatchEvent(new CustomEvent('tunnel', { detail: { packet: payload.slice() } }));
      return;
    }
    const name = TypeName[type];
    if (!name || !Schema[name]) return;  // messages the web client does not use
    let message;
    try {
      message = decode(Schema[name], payload);
    } catch (error) {
      console.warn(`undecodable ${name}`, error);
      return;
    }
    this.dispatchEvent(new CustomEvent('message', { detail: { name, message } }));
  }
}
