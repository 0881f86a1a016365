import { micLevel } from '../../media/mic-level.ts';

/**
 * A microphone level for the device check, from a WebAudio AnalyserNode, updated about ten
 * times a second (often enough to see one's voice, rarely enough not to flood assistive
 * technology with value changes). Where the browser has no WebAudio there is no meter.
 */
export class MicMeter {
  level = $state(0);
  running = $state(false);
  #context: AudioContext | null = null;
  #frame = 0;

  start(track: MediaStreamTrack): void {
    this.stop();
    if (typeof globalThis.AudioContext !== 'function') return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let lastAt = -Infinity;
    const tick = (time: number) => {
      if (time - lastAt >= 100) {
        analyser.getByteTimeDomainData(samples);
        this.level = micLevel(samples);
        lastAt = time;
      }
      this.#frame = requestAnimationFrame(tick);
    };
    this.#frame = requestAnimationFrame(tick);
    this.#context = context;
    this.running = true;
    // A context made before any click may start suspended; resuming fails only once closed.
    context.resume().catch(() => {});
  }

  stop(): void {
    cancelAnimationFrame(this.#frame);
    // Closing only fails on a context that is already closed.
    this.#context?.close().catch(() => {});
    this.#context = null;
    this.running = false;
    this.level = 0;
  }
}
