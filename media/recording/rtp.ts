import { randomInt } from 'node:crypto';

/** The parts of an RTP packet the recorder reads; the payload is a view into the packet. */
export interface RtpView {
  payloadType: number;
  marker: boolean;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/**
 * Null for RTCP (muxed on the same port), malformed packets and padding-only packets (mediasoup's
 * bandwidth probes), none of which belong in a recording.
 */
export function parseRtp(packet: Buffer): RtpView | null {
  const first = packet[0];
  const second = packet[1];
  if (first === undefined || second === undefined || packet.length < 12 || first >> 6 !== 2) return null;
  if (second >= 192 && second <= 223) return null;
  let start = 12 + (first & 0x0f) * 4;
  if (first & 0x10) {
    if (packet.length < start + 4) return null;
    start += 4 + packet.readUInt16BE(start + 2) * 4;
  }
  const padding = first & 0x20 ? (packet[packet.length - 1] ?? 0) : 0;
  const end = packet.length - padding;
  if (end <= start) return null;
  return {
    payloadType: second & 0x7f,
    marker: (second & 0x80) !== 0,
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(start, end),
  };
}

/** True for the first packet of a VP8 keyframe (RFC 7741): a decoder can start there. */
export function isVp8KeyframeStart(payload: Buffer): boolean {
  const descriptor = payload[0];
  if (descriptor === undefined) return false;
  const startOfPartitionZero = (descriptor & 0x10) !== 0 && (descriptor & 0x07) === 0;
  if (!startOfPartitionZero) return false;
  let offset = 1;
  if (descriptor & 0x80) {
    const extension = payload[offset++] ?? 0;
    if (extension & 0x80) offset += (payload[offset] ?? 0) & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (extension & 0x40) offset += 1; // TL0PICIDX
    if (extension & 0x30) offset += 1; // TID/KEYIDX
  }
  const frameTag = payload[offset];
  return frameTag !== undefined && (frameTag & 0x01) === 0;
}

/** Splits a whole VP8 frame into RTP payloads (minimal RFC 7741 descriptor, no PictureID). */
export function vp8Payloads(frame: Buffer, maxPayload = 1100): Buffer[] {
  const payloads: Buffer[] = [];
  for (let offset = 0; offset < frame.length; offset += maxPayload) {
    const descriptor = Buffer.from([offset === 0 ? 0x10 : 0x00]);
    payloads.push(Buffer.concat([descriptor, frame.subarray(offset, offset + maxPayload)]));
  }
  return payloads;
}

/** One Opus frame of 20 ms of silence (CELT, fullband): what a muted or empty audio slot carries. */
export const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
export const OPUS_FRAME_TICKS = 960;

/**
 * One RTP stream towards ffmpeg whose SSRC, sequence numbers and timestamps never jump, whatever
 * source feeds it: timestamps are counted in clock ticks since the recording started (`now()`).
 */
export class RtpOutput {
  readonly ssrc = randomInt(1, 2 ** 32 - 1);
  #sequence = randomInt(0, 2 ** 16);
  // ffmpeg treats a first timestamp of 0 as "not set yet".
  readonly #base = randomInt(1, 2 ** 31);
  /** Ticks of the last packet written, null before the first one. */
  lastTicks: number | null = null;

  constructor(
    readonly payloadType: number,
    readonly clockRate: number,
    private readonly elapsedMs: () => number,
    private readonly send: (packet: Buffer) => void,
  ) {}

  now(): number {
    return Math.round((this.elapsedMs() * this.clockRate) / 1000);
  }

  write(payload: Buffer, ticks: number, marker: boolean): void {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | this.payloadType;
    header.writeUInt16BE(this.#sequence, 2);
    header.writeUInt32BE((this.#base + ticks) % 2 ** 32, 4);
    header.writeUInt32BE(this.ssrc, 8);
    this.#sequence = (this.#sequence + 1) % 2 ** 16;
    this.lastTicks = ticks;
    this.send(Buffer.concat([header, payload]));
  }
}

/**
 * Places one source's packets on an output's timeline. The source's own timestamps keep its frames
 * evenly spaced; the first packet (and any packet that would go back in time or stray far from the
 * wall clock, e.g. a sender that restarted) is anchored at "now", never before what was written.
 */
export class TimelineMapping {
  #lastSource: number | null = null;
  #lastTicks = 0;

  constructor(
    private readonly output: RtpOutput,
    private readonly minStepTicks: number,
  ) {}

  ticksFor(sourceTimestamp: number): number {
    const now = this.output.now();
    const written = this.output.lastTicks;
    let ticks = this.#lastSource === null ? null : this.#lastTicks + ((sourceTimestamp - this.#lastSource) | 0);
    const maxDrift = 2 * this.output.clockRate;
    if (ticks === null || (written !== null && ticks < written) || Math.abs(ticks - now) > maxDrift) {
      ticks = written === null ? now : Math.max(now, written + this.minStepTicks);
    }
    this.#lastSource = sourceTimestamp;
    this.#lastTicks = ticks;
    return ticks;
  }
}
