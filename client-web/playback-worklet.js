// AudioWorklet processor for what we hear: one small jitter buffer per speaker (decoded 48 kHz
// frames posted by voice.js), mixed into the output. A speaker starts playing once
// kPrebufferFrames are queued (absorbs network jitter), and its queue is cut back to
// kPrebufferFrames when it grows past kMaxFrames (bounds the delay after a burst). With
// `record`, it keeps what it played so a test can compare it with what was sent.
const kPrebufferFrames = 3;  // 60 ms
const kMaxFrames = 10;       // 200 ms

class Speaker {
  constructor() {
    this.queue = [];
    this.offset = 0;   // into queue[0]
    this.playing = false;
  }
  queued() { return this.queue.length; }
}

class PlaybackProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.speakers = new Map();
    this.record = !!(options.processorOptions && options.processorOptions.record);
    this.recorded = [];
    this.underruns = 0;
    this.dropped = 0;
    this.port.onmessage = (event) => this.onMessage(event.data);
  }

  onMessage(message) {
    if (message.type === 'frame') {
      let speaker = this.speakers.get(message.session);
      if (!speaker) {
        speaker = new Speaker();
        this.speakers.set(message.session, speaker);
      }
      speaker.queue.push(message.samples);
      if (speaker.queue.length > kMaxFrames) {
        this.dropped += speaker.queue.length - kPrebufferFrames;
        speaker.queue.splice(0, speaker.queue.length - kPrebufferFrames);
        speaker.offset = 0;
      }
      if (!speaker.playing && speaker.queue.length >= kPrebufferFrames) speaker.playing = true;
    } else if (message.type === 'end') {
      // End of a transmission: play out what is queued, whatever its length.
      const speaker = this.speakers.get(message.session);
      if (speaker && speaker.queue.length) speaker.playing = true;
    } else if (message.type === 'stats') {
      this.port.postMessage({ type: 'stats', underruns: this.underruns, dropped: this.dropped });
    } else if (message.type === 'recorded') {
      const total = this.recorded.reduce((n, chunk) => n + chunk.length, 0);
      const out = new Float32Array(total);
      let at = 0;
      for (const chunk of this.recorded) {
        out.set(chunk, at);
        at += chunk.length;
      }
      this.port.postMessage({ type: 'recorded', samples: out }, [out.buffer]);
    }
  }

  process(inputs, outputs) {
    const output = outputs[0][0];
    output.fill(0);
    for (const [session, speaker] of this.speakers) {
      if (!speaker.playing) continue;
      let at = 0;
      while (at < output.length && speaker.queue.length) {
        const frame = speaker.queue[0];
        const n = Math.min(output.length - at, frame.length - speaker.offset);
        for (let i = 0; i < n; ++i) output[at + i] += frame[speaker.offset + i];
        at += n;
        speaker.offset += n;
        if (speaker.offset === frame.length) {
          speaker.queue.shift();
          speaker.offset = 0;
        }
      }
      if (!speaker.queue.length) {
        // Ran dry: wait for a new prebuffer (a gap inside speech counts as an underrun).
        if (at < output.length) this.underruns++;
        speaker.playing = false;
        this.speakers.delete(session);
      }
    }
    for (let c = 1; c < outputs[0].length; ++c) outputs[0][c].set(output);
    if (this.record) this.recorded.push(output.slice());
    return true;
  }
}

registerProcessor('playback-processor', PlaybackProcessor);
