// AudioWorklet processor on the microphone: cuts the 128-sample render quanta into 20 ms
// frames (960 samples at 48 kHz) and posts each, with its RMS level, to the main thread, which
// encodes it. The only capture code on the audio thread.
const kFrame = 960;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Float32Array(kFrame);
    this.filled = 0;
  }

  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    let at = 0;
    while (at < input.length) {
      const n = Math.min(input.length - at, kFrame - this.filled);
      this.frame.set(input.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === kFrame) {
        let sum = 0;
        for (let i = 0; i < kFrame; ++i) sum += this.frame[i] * this.frame[i];
        this.port.postMessage({ samples: this.frame, rms: Math.sqrt(sum / kFrame) }, [this.frame.buffer]);
        this.frame = new Float32Array(kFrame);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('capture-processor', CaptureProcessor);
