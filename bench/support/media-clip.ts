// The video bench/media.ts replays: an ffmpeg test source encoded to VP8 once (cached per machine,
// keyed by the encoder settings) and cut into RTP packets here, so no encoder runs while the
// bench measures.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClipInfo } from './media-protocol.ts';

export interface ClipSettings {
  width: number;
  height: number;
  fps: number;
  seconds: number;
  kbps: number;
  /** Frames between keyframes. */
  gop: number;
}

export const DEFAULT_CLIP: ClipSettings = { width: 1280, height: 720, fps: 30, seconds: 10, kbps: 1000, gop: 60 };

function ffmpegArgs(s: ClipSettings, output: string): string[] {
  const rate = `${s.kbps}k`;
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${s.width}x${s.height}:rate=${s.fps}`,
    '-t', String(s.seconds),
    // minrate = maxrate = bitrate puts libvpx in CBR mode, as WebRTC encoders run.
    '-c:v', 'libvpx', '-b:v', rate, '-minrate', rate, '-maxrate', rate, '-bufsize', rate,
    '-deadline', 'realtime', '-cpu-used', '8', '-g', String(s.gop), '-keyint_min', String(s.gop),
    '-auto-alt-ref', '0', '-lag-in-frames', '0', '-error-resilient', '1',
    '-f', 'ivf', output,
  ];
}

/** The IVF file for these settings, encoded now unless an earlier run cached it. */
export async function ensureClip(settings: ClipSettings, log: (line: string) => void): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(ffmpegArgs(settings, ''))).digest('hex').slice(0, 16);
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aukio', 'bench-media');
  const path = join(dir, `testsrc2-${settings.width}x${settings.height}-${settings.kbps}k-${key}.ivf`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  const started = performance.now();
  log(`encoding the test clip once: ${settings.seconds} s of ${settings.width}x${settings.height}@${settings.fps} VP8 at ${settings.kbps} kbit/s…`);
  try {
    await new Promise<void>((resolve, reject) => {
      const ffmpeg = spawn('ffmpeg', ffmpegArgs(settings, partial), { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      ffmpeg.on('error', (error) => reject(new Error(`cannot run ffmpeg (${error.message}); install it: apt-get install ffmpeg`)));
      ffmpeg.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`))));
    });
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  log(`  encoded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${path}`);
  return path;
}

export interface Frame {
  /** Offset from the start of the clip, ms. */
  atMs: number;
  /** Offset from the start of the clip in 90 kHz RTP units. */
  rtpTime: number;
  keyframe: boolean;
  data: Buffer;
}

export interface Clip {
  frames: Frame[];
  width: number;
  height: number;
  /** One loop's length, ms and 90 kHz units (the last frame lasts as long as the one before it). */
  loopMs: number;
  loopRtpTime: number;
}

/** Reads an IVF file (32-byte header, then a 12-byte header + data per frame). */
export async function readIvf(path: string): Promise<Clip> {
  const file = await readFile(path);
  if (file.toString('ascii', 0, 4) !== 'DKIF') throw new Error(`${path} is not an IVF file`);
  const fourcc = file.toString('ascii', 8, 12);
  if (fourcc !== 'VP80') throw new Error(`${path} holds ${fourcc}, not VP8`);
  const width = file.readUInt16LE(12);
  const height = file.readUInt16LE(14);
  const rate = file.readUInt32LE(16);
  const scale = file.readUInt32LE(20);
  const headerSize = file.readUInt16LE(6);
  const frames: Frame[] = [];
  for (let offset = headerSize; offset + 12 <= file.length; ) {
    const size = file.readUInt32LE(offset);
    const pts = Number(file.readBigUInt64LE(offset + 4));
    const data = file.subarray(offset + 12, offset + 12 + size);
    offset += 12 + size;
    if (data.length !== size) throw new Error(`${path}: frame at pts ${pts} is cut short`);
    const seconds = (pts * scale) / rate;
    // The first bit of a VP8 frame tag is the inverse keyframe flag.
    frames.push({ atMs: seconds * 1000, rtpTime: Math.round(seconds * 90_000), keyframe: ((data[0] ?? 1) & 0x01) === 0, data });
  }
  const last = frames.at(-1);
  const before = frames.at(-2);
  if (!last || !before || !frames[0]?.keyframe) throw new Error(`${path}: too few frames, or the first is not a keyframe`);
  return {
    frames,
    width,
    height,
    loopMs: last.atMs + (last.atMs - before.atMs),
    loopRtpTime: last.rtpTime + (last.rtpTime - before.rtpTime),
  };
}

const RTP_HEADER = 12;
/** X=1 with a 15-bit PictureID (RFC 7741), as browsers send VP8. */
const VP8_DESCRIPTOR = 4;
const MAX_PACKET = 1200;

/**
 * One frame cut into RTP packets; sequence number, timestamp and PictureID are left for the
 * sender to write (it loops the clip and numbers on).
 */
export function packetize(frame: Frame, { ssrc, payloadType }: { ssrc: number; payloadType: number }): Buffer[] {
  const room = MAX_PACKET - RTP_HEADER - VP8_DESCRIPTOR;
  const count = Math.max(1, Math.ceil(frame.data.length / room));
  const chunk = Math.ceil(frame.data.length / count);
  const packets: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const part = frame.data.subarray(i * chunk, Math.min(frame.data.length, (i + 1) * chunk));
    const packet = Buffer.alloc(RTP_HEADER + VP8_DESCRIPTOR + part.length);
    packet[0] = 0x80;
    packet[1] = (i === count - 1 ? 0x80 : 0) | payloadType; // marker on a frame's last packet
    packet.writeUInt32BE(ssrc, 8);
    packet[12] = 0x80 | (i === 0 ? 0x10 : 0); // X, and S on the first packet of partition 0
    packet[13] = 0x80; // I: PictureID present
    part.copy(packet, RTP_HEADER + VP8_DESCRIPTOR);
    packets.push(packet);
  }
  return packets;
}

/** Writes a packet's per-send fields. */
export function stamp(packet: Buffer, { seq, timestamp, pictureId }: { seq: number; timestamp: number; pictureId: number }): void {
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt16BE(0x8000 | (pictureId & 0x7fff), 14); // M=1: 15-bit PictureID
}

export function clipInfo(clip: Clip, packetsPerFrame: Buffer[][]): ClipInfo {
  let bytes = 0;
  let packets = 0;
  for (const framePackets of packetsPerFrame) {
    packets += framePackets.length;
    for (const packet of framePackets) bytes += packet.length;
  }
  return {
    frames: clip.frames.length,
    keyframes: clip.frames.filter((f) => f.keyframe).length,
    seconds: clip.loopMs / 1000,
    packets,
    bitsPerSecond: (bytes * 8) / (clip.loopMs / 1000),
    width: clip.width,
    height: clip.height,
  };
}
