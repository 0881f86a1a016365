import { describe, expect, it } from 'vitest';
import { vp8Packet } from '../testing/rtp.ts';
import { isVp8KeyframeStart, OPUS_FRAME_TICKS, parseRtp, RtpOutput, TimelineMapping, vp8Payloads } from './rtp.ts';

/** An output whose clock the test moves by hand, collecting what it writes. */
function output(clockRate: number) {
  let nowMs = 0;
  const sent: Buffer[] = [];
  const rtp = new RtpOutput(96, clockRate, () => nowMs, (packet) => sent.push(packet));
  return { rtp, sent, at: (ms: number) => (nowMs = ms) };
}

describe('parseRtp', () => {
  it('finds the payload behind CSRCs, header extensions and padding', () => {
    const packet = Buffer.concat([
      Buffer.from([0xb1, 0xe4, 0, 1, 0, 0, 0x03, 0xe8, 0, 0, 0x27, 0x10]), // V=2 P X CC=1, marker, PT 100
      Buffer.from([1, 2, 3, 4]), // CSRC
      Buffer.from([0xbe, 0xde, 0, 1, 0x10, 0xff, 0, 0]), // one-byte extensions, one word
      Buffer.from('payload'),
      Buffer.from([0, 0, 3]), // padding
    ]);
    expect(parseRtp(packet)).toEqual({ payloadType: 100, marker: true, timestamp: 1000, ssrc: 10000, payload: Buffer.from('payload') });
  });

  it('skips RTCP, padding-only probes and garbage', () => {
    expect(parseRtp(Buffer.from([0x80, 0xc8, 0, 6, 0, 0, 0x27, 0x10, 0, 0, 0, 0]))).toBeNull();
    expect(parseRtp(Buffer.from([0xa0, 0x7f, 0, 1, 0, 0, 0, 0, 0, 0, 4, 0xd2, 0, 0, 0, 4]))).toBeNull();
    expect(parseRtp(Buffer.from([0x80, 0x60, 0]))).toBeNull();
  });
});

describe('isVp8KeyframeStart', () => {
  it('tells a keyframe’s first packet from the rest, with or without a PictureID', () => {
    const payload = (keyframe: boolean) => parseRtp(vp8Packet({ seq: 1, ssrc: 1, payloadType: 101, keyframe }))!.payload;
    expect(isVp8KeyframeStart(payload(true))).toBe(true);
    expect(isVp8KeyframeStart(payload(false))).toBe(false);
    // X=1, S=1; I=1 with a 15-bit PictureID; frame tag of a keyframe.
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0x80, 0x81, 0x23, 0x10]))).toBe(true);
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0x80, 0x81, 0x23, 0x11]))).toBe(false);
    // A later partition of a keyframe is not where a decoder can start.
    expect(isVp8KeyframeStart(Buffer.from([0x00, 0x10]))).toBe(false);
  });

  it('survives its own packetizer', () => {
    const frame = Buffer.alloc(2500, 0x42);
    frame[0] = 0x10; // keyframe tag
    const payloads = vp8Payloads(frame);
    expect(payloads.map((payload) => payload.length)).toEqual([1101, 1101, 301]);
    expect(payloads.map(isVp8KeyframeStart)).toEqual([true, false, false]);
    expect(Buffer.concat(payloads.map((payload) => payload.subarray(1))).equals(frame)).toBe(true);
  });
});

describe('RtpOutput and TimelineMapping', () => {
  it('keeps one SSRC and consecutive sequence numbers whatever feeds it', () => {
    const { rtp, sent } = output(48_000);
    for (let i = 0; i < 3; i++) rtp.write(Buffer.from([i]), i * OPUS_FRAME_TICKS, false);
    const parsed = sent.map((packet) => ({ seq: packet.readUInt16BE(2), ts: packet.readUInt32BE(4), view: parseRtp(packet)! }));
    expect(new Set(parsed.map((p) => p.view.ssrc))).toEqual(new Set([rtp.ssrc]));
    expect(parsed.map((p) => (p.seq - parsed[0]!.seq + 65536) % 65536)).toEqual([0, 1, 2]);
    expect(parsed.map((p) => (p.ts - parsed[0]!.ts) >>> 0)).toEqual([0, 960, 1920]);
    expect(parsed.map((p) => p.view.payloadType)).toEqual([96, 96, 96]);
  });

  it('anchors a source at the wall clock, keeps its spacing, and never goes back in time', () => {
    const { rtp, at } = output(90_000);
    at(1000);
    rtp.write(Buffer.from([0]), rtp.now(), true); // filler at 1 s = 90,000 ticks
    const mapping = new TimelineMapping(rtp, 3000);
    at(1500);
    expect(mapping.ticksFor(4_294_960_000)).toBe(135_000); // anchored at 1.5 s
    expect(mapping.ticksFor(4_294_960_000 + 6000)).toBe(141_000); // its own spacing, across the 32-bit wrap
    rtp.write(Buffer.from([0]), 141_000, true);
    expect(mapping.ticksFor(4_294_960_000 + 6000)).toBe(141_000); // another packet of the same frame
    expect(mapping.ticksFor(4_294_950_000)).toBe(144_000); // went back in time: anchored after what was written
    at(10_000);
    expect(mapping.ticksFor(3100)).toBe(900_000); // strayed from the clock (a restarted sender): anchored at now
  });
});
