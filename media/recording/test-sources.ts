import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import type { MediaRoom } from '../media-room.ts';
import { runTool } from './ffmpeg.ts';

/** A camera or microphone for the tests: an ffmpeg test pattern or tone sent as RTP into the room. */
export interface TestSource {
  peerId: string;
  kind: 'video' | 'audio';
  /** lavfi input, e.g. `testsrc=size=320x240:rate=15` or `sine=frequency=440:sample_rate=48000`. */
  lavfi: string;
}

const VIDEO_PT = 101;
const AUDIO_PT = 100;
const CLIP_SECONDS = 3;

let clipDir: string | undefined;
const clips = new Map<string, Promise<string>>();

/**
 * A few seconds of the source, encoded once per test process and then replayed: no encoder competes
 * with the code under test for the cores. A keyframe every 10 frames, because ffmpeg ignores
 * keyframe requests.
 */
function clip(source: TestSource): Promise<string> {
  let file = clips.get(source.lavfi);
  if (!file) {
    clipDir ??= mkdtempSync(join(tmpdir(), 'aukio-test-clips-'));
    const output = join(clipDir, `clip-${clips.size}.webm`);
    const codec =
      source.kind === 'video'
        ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '10', '-auto-alt-ref', '0']
        : ['-c:a', 'libopus', '-b:a', '32k'];
    file = runTool('ffmpeg', ['-v', 'error', '-nostdin', '-f', 'lavfi', '-i', source.lavfi, '-t', String(CLIP_SECONDS), ...codec, '-f', 'webm', '-y', output]).then(() => output);
    clips.set(source.lavfi, file);
  }
  return file;
}

/** For afterAll: the clips go, and are made again if asked for. */
export function removeTestClips(): void {
  if (clipDir) rmSync(clipDir, { recursive: true, force: true });
  clipDir = undefined;
  clips.clear();
}

/**
 * One ffmpeg replays every source in real time (-re, looped) to its own PlainTransport producer,
 * and resolves once every producer has received RTP.
 */
export async function startTestSources(
  room: MediaRoom,
  sources: TestSource[],
): Promise<{ producers: types.Producer[]; ffmpeg: ChildProcess; stop: () => Promise<void> }> {
  const files = await Promise.all(sources.map(clip));
  const inputs: string[] = [];
  const outputs: string[] = [];
  const producers: types.Producer[] = [];
  for (const [index, source] of sources.entries()) {
    const ssrc = 10_000 + index;
    // ffmpeg sends RTCP from another local port than RTP: a muxed comedia transport would latch onto
    // whichever came first and ignore the other.
    const ingest = await room.createPlainTransport({ peerId: source.peerId, comedia: true, rtcpMux: false });
    const rtpParameters: types.RtpParameters =
      source.kind === 'video'
        ? { codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000 }], encodings: [{ ssrc }] }
        : { codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] };
    producers.push(await room.produce({ peerId: source.peerId, transportId: ingest.id, kind: source.kind, rtpParameters }));
    inputs.push('-re', '-stream_loop', '-1', '-i', files[index]!);
    const url = `rtp://127.0.0.1:${ingest.tuple.localPort}?rtcpport=${ingest.rtcpTuple?.localPort}&pkt_size=1200`;
    // -t: an ffmpeg orphaned by a crashed test run stops by itself.
    outputs.push('-map', `${index}:0`, '-c', 'copy', '-t', '90', '-payload_type', String(source.kind === 'video' ? VIDEO_PT : AUDIO_PT), '-ssrc', String(ssrc), '-f', 'rtp', url);
  }
  const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...inputs, ...outputs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => ffmpeg.once('exit', () => resolve()));
  const stop = async () => {
    if (ffmpeg.exitCode === null && ffmpeg.signalCode === null) ffmpeg.kill('SIGKILL');
    await exited;
  };
  try {
    await untilEveryProducerReceives(producers, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { producers, ffmpeg, stop };
}

async function untilEveryProducerReceives(producers: types.Producer[], stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const stats = await Promise.all(producers.map((producer) => producer.getStats()));
    if (stats.every((entries) => entries.some((entry) => entry.byteCount > 0))) return;
    if (Date.now() > deadline) throw new Error(`the test sources sent no RTP within 20 s: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
