// Voice: the microphone to Opus packets and Opus packets to the speaker, with WebCodecs
// (AudioEncoder/AudioDecoder, Opus 48 kHz mono, 20 ms frames) and the two AudioWorklets. It
// sends and receives voice packets through callbacks; it knows nothing of sockets or the DOM.
import { decodeVoice, encodeVoice } from './voice_packet.js';

const kSampleRate = 48000;
const kFrameSamples = 960;          // 20 ms
const kFrameUnits = 2;              // Mumble counts frames in 10 ms units (§4.3)
const kVadOpenRms = 0.02;           // about -34 dBFS
const kVadHangoverFrames = 15;      // 300 ms

export function voiceSupported() {
  return typeof AudioEncoder !== 'undefined' && typeof AudioDecoder !== 'undefined' &&
         typeof AudioWorkletNode !== 'undefined' && !!navigator.mediaDevices;
}

export class Voice {
  // onPacket(bytes): a voice packet to send. onSpeaking(session, bool), onLevel(rms).
  constructor({ onPacket, onSpeaking, onLevel, record = false, bitrate = 40000 }) {
    this.onPacket = onPacket;
    this.onSpeaking = onSpeaking || (() => {});
    this.onLevel = onLevel || (() => {});
    this.record = record;
    this.bitrate = bitrate;
    this.protobuf = true;
    this.transmit = 'ptt';      // 'ptt' | 'vad'
    this.pressed = false;       // push-to-talk held
    this.muted = false;
    this.sending = false;
    this.hangover = 0;
    this.frameNumber = 0;
    this.pendingFlags = [];
    this.decoders = new Map();  // session -> {decoder, timer}
    this.packetsIn = 0;
    this.packetsOut = 0;
    this.decodeErrors = 0;
    this.capturedFrames = [];   // record mode: the microphone frames that were sent
  }

  // Must run from a user gesture (the Join button): browsers start audio only then.
  async start() {
    this.context = new AudioContext({ sampleRate: kSampleRate, latencyHint: 'interactive' });
    await this.context.audioWorklet.addModule('capture-worklet.js');
    await this.context.audioWorklet.addModule('playback-worklet.js');
    this.playback = new AudioWorkletNode(this.context, 'playback-processor', {
      numberOfInputs: 0, outputChannelCount: [1], processorOptions: { record: this.record },
    });
    this.playback.connect(this.context.destination);
    this.playbackReplies = [];
    this.playback.port.onmessage = (event) => {
      const waiter = this.playbackReplies.shift();
      if (waiter) waiter(event.data);
    };
    this.stream = await navigator.mediaDevices.getUserMedia({
      // The browser's own processing, as Mumble's desktop client does its own (echo
      // cancellation, noise suppression, automatic gain for quiet microphones). web.* measures
      // the voice path against what this gives, not against the raw microphone (web_client_test.cpp).
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
      video: false,
    });
    const source = this.context.createMediaStreamSource(this.stream);
    this.capture = new AudioWorkletNode(this.context, 'capture-processor', { numberOfOutputs: 0 });
    this.capture.port.onmessage = (event) => this.onFrame(event.data.samples, event.data.rms);
    source.connect(this.capture);
    this.encoder = new AudioEncoder({
      output: (chunk) => this.onEncoded(chunk),
      error: (error) => console.warn('Opus encoder', error),
    });
    this.encoder.configure({
      codec: 'opus', sampleRate: kSampleRate, numberOfChannels: 1, bitrate: this.bitrate,
      opus: { frameDuration: 20000, complexity: 5, usedtx: false, useinbandfec: false },
    });
    if (this.context.state === 'suspended') await this.context.resume();
  }

  stop() {
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    for (const { decoder } of this.decoders.values()) if (decoder.state !== 'closed') decoder.close();
    this.decoders.clear();
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
    if (this.context) this.context.close();
  }

  wantsToSend(rms) {
    if (this.muted) return false;
    if (this.transmit === 'ptt') return this.pressed;
    if (rms >= kVadOpenRms) this.hangover = kVadHangoverFrames;
    else if (this.hangover > 0) this.hangover--;
    return this.hangover > 0;
  }

  onFrame(samples, rms) {
    this.onLevel(rms);
    const send = this.wantsToSend(rms);
    if (!send && !this.sending) return;
    // The first frame after silence opens a transmission; the frame after the last one ends it
    // with the terminator flag, so receivers stop at once instead of waiting for a timeout.
    const terminator = this.sending && !send;
    if (send !== this.sending) {
      this.sending = send;
      this.onSpeaking(null, send);
    }
    if (this.encoder.state !== 'configured') return;
    if (this.record && send) this.capturedFrames.push(samples.slice());
    const data = new AudioData({
      format: 'f32-planar', sampleRate: kSampleRate, numberOfFrames: kFrameSamples,
      numberOfChannels: 1, timestamp: this.frameNumber * 10000, data: samples,
    });
    this.pendingFlags.push({ frameNumber: this.frameNumber, terminator });
    this.frameNumber += kFrameUnits;
    this.encoder.encode(data);
    data.close();
  }

  onEncoded(chunk) {
    const flags = this.pendingFlags.shift() || { frameNumber: this.frameNumber, terminator: false };
    const opus = new Uint8Array(chunk.byteLength);
    chunk.copyTo(opus);
    this.packetsOut++;
    this.onPacket(encodeVoice({ protobuf: this.protobuf, frameNumber: flags.frameNumber, opus,
                                terminator: flags.terminator }));
  }

  // A UDPTunnel payload from the server.
  receive(packet) {
    let voice;
    try {
      voice = decodeVoice(packet);
    } catch {
      return;
    }
    if (!voice || voice.session === undefined) return;
    this.packetsIn++;
    const speaker = this.speaker(voice.session);
    if (speaker.decoder.state === 'configured') {
      speaker.decoder.decode(new EncodedAudioChunk({
        type: 'key', timestamp: voice.frameNumber * 10000, data: voice.opus,
      }));
    }
    if (!speaker.speaking) {
      speaker.speaking = true;
      this.onSpeaking(voice.session, true);
    }
    clearTimeout(speaker.timer);
    const end = () => {
      speaker.speaking = false;
      this.playback.port.postMessage({ type: 'end', session: voice.session });
      this.onSpeaking(voice.session, false);
    };
    speaker.timer = setTimeout(end, voice.terminator ? 60 : 400);
  }

  speaker(session) {
    let speaker = this.decoders.get(session);
    if (speaker) return speaker;
    const decoder = new AudioDecoder({
      output: (data) => {
        const samples = new Float32Array(data.numberOfFrames);
        data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
        data.close();
        this.playback.port.postMessage({ type: 'frame', session, samples }, [samples.buffer]);
      },
      error: () => { this.decodeErrors++; this.decoders.delete(session); },
    });
    decoder.configure({ codec: 'opus', sampleRate: kSampleRate, numberOfChannels: 1 });
    speaker = { decoder, timer: 0, speaking: false };
    this.decoders.set(session, speaker);
    return speaker;
  }

  forget(session) {
    const speaker = this.decoders.get(session);
    if (!speaker) return;
    clearTimeout(speaker.timer);
    if (speaker.decoder.state !== 'closed') speaker.decoder.close();
    this.decoders.delete(session);
  }

  askPlayback(type) {
    return new Promise((resolve) => {
      this.playbackReplies.push(resolve);
      this.playback.port.postMessage({ type });
    });
  }
  // What the speaker played since start (record mode), as 48 kHz mono samples.
  async recorded() { return (await this.askPlayback('recorded')).samples; }
  // What the microphone gave for the frames sent (record mode), as 48 kHz mono samples: lets a
  // test tell the browser's capture processing apart from what the network and Opus do.
  captured() {
    const out = new Float32Array(this.capturedFrames.length * kFrameSamples);
    this.capturedFrames.forEach((frame, i) => out.set(frame, i * kFrameSamples));
    return out;
  }
  async playbackStats() { return this.askPlayback('stats'); }
}
