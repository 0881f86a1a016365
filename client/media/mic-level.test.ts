import { describe, expect, it } from 'vitest';
import { micLevel } from './mic-level.ts';

describe('micLevel', () => {
  it('is 0 for silence and for no samples', () => {
    expect(micLevel(new Uint8Array(256).fill(128))).toBe(0);
    expect(micLevel(new Uint8Array(0))).toBe(0);
  });

  it('grows with loudness and is capped at 1', () => {
    const wave = (amplitude: number) => Uint8Array.from({ length: 256 }, (_, i) => 128 + Math.round(amplitude * Math.sin((i / 256) * 8 * Math.PI)));
    const quiet = micLevel(wave(4));
    const speech = micLevel(wave(20));
    expect(quiet).toBeGreaterThan(0);
    expect(speech).toBeGreaterThan(quiet);
    expect(micLevel(wave(127))).toBe(1);
  });
});
