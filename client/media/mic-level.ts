/**
 * How loud a block of microphone samples is, 0–1, for a level meter. Speech measured as plain
 * RMS sits around 0.05–0.2 and would barely move a bar, so the value is boosted and capped.
 * `samples` are AnalyserNode byte time-domain data (silence = 128).
 */
export function micLevel(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const centred = ((samples[i] ?? 128) - 128) / 128;
    sum += centred * centred;
  }
  return Math.min(1, Math.sqrt(sum / samples.length) * 4);
}
