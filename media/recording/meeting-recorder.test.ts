import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFfmpeg } from '../install/ensure-worker.mjs';
import { mediaConfig } from '../config.ts';
import { MediaRoom } from '../media-room.ts';
import { freeMediaPorts } from '../testing/ports.ts';
import { rtpCounter, waitFor } from '../testing/rtp.ts';
import { ensureWorkerForTests, WORKER_SETUP_TIMEOUT_MS } from '../testing/worker.ts';
import { MediaWorkerPool } from '../worker-pool.ts';
import { MeetingRecorder } from './meeting-recorder.ts';
import { removeTestClips, startTestSources } from './test-sources.ts';

const run = promisify(execFile);
let pool: MediaWorkerPool;
let directory: string;

beforeAll(async () => {
  await ensureWorkerForTests();
  await ensureFfmpeg();
  pool = await MediaWorkerPool.create(mediaConfig({ workers: 1, mediaPort: await freeMediaPorts(1) }));
  directory = await mkdtemp(join(tmpdir(), 'aukio-recordings-'));
}, WORKER_SETUP_TIMEOUT_MS);
afterAll(async () => {
  pool?.close();
  removeTestClips();
  if (directory) await rm(directory, { recursive: true, force: true });
});

// Each ffmpeg/ffprobe start takes ~0.1 s on an idle machine but seconds on a busy one.
const SLOW_MACHINE_TIMEOUT_MS = 90_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Probe {
  format: { format_name: string; duration: string };
  streams: { codec_type: string; codec_name: string }[];
  chapters: { start_time: string; tags?: { title?: string } }[];
  frames: { media_type: string; width?: number; height?: number }[];
}

/** ffprobe decodes every frame for -show_frames and names any broken packet on stderr. */
async function probe(file: string): Promise<Probe & { problems: string }> {
  const { stdout, stderr } = await run(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_type,codec_name:frame=media_type,width,height', '-show_chapters', '-of', 'json', file],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return { ...(JSON.parse(stdout) as Probe), problems: stderr.trim() };
}

/** Loudness (dBFS, RMS) of the recording's audio between two moments. */
async function loudness(file: string): Promise<(fromSeconds: number, toSeconds: number) => number> {
  const rate = 8000;
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-map', '0:a', '-ac', '1', '-ar', String(rate), '-f', 's16le', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  const samples = new Int16Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.length / 2));
  return (fromSeconds, toSeconds) => {
    const part = samples.subarray(Math.round(fromSeconds * rate), Math.round(toSeconds * rate));
    const power = part.reduce((sum, sample) => sum + (sample / 32768) ** 2, 0) / Math.max(1, part.length);
    return 10 * Math.log10(power);
  };
}

describe('MeetingRecorder', () => {
  it('records speakers, a switch, mixed microphones, silence and a chapter to one WebM as long as the recorded span', async () => {
    const room = await MediaRoom.create(pool, { id: 'recorded-meeting' });
    const sources = await startTestSources(room, [
      { peerId: 'alice', kind: 'video', lavfi: 'testsrc=size=320x240:rate=15' },
      { peerId: 'bob', kind: 'video', lavfi: 'testsrc2=size=352x288:rate=15' },
      { peerId: 'alice', kind: 'audio', lavfi: 'sine=frequency=440:sample_rate=48000' },
      { peerId: 'bob', kind: 'audio', lavfi: 'sine=frequency=660:sample_rate=48000' },
    ]);
    const [aliceVideo, bobVideo, aliceAudio, bobAudio] = sources.producers;
    try {
      const own = join(directory, 'first');
      const recorder = await MeetingRecorder.start(room, {
        directory: own,
        meetingId: 'meeting-1',
        audioProducerIds: [aliceAudio!.id],
        videoProducerId: aliceVideo!.id,
      });
      const failures: Error[] = [];
      recorder.on('failed', (error) => failures.push(error));
      const sinceStart = () => (Date.now() - recorder.startedAt.getTime()) / 1000;

      await sleep(1000);
      const chapterAt = sinceStart();
      recorder.chapter('Budget; item 2 = "money"');
      await sleep(1500);
      const switchedAt = sinceStart();
      await recorder.setVideo(bobVideo!.id);
      await recorder.addAudio(bobAudio!.id);
      // Bob's picture takes over at his next keyframe (at most 0.7 s away).
      await sleep(2000);
      // Nobody on camera and nobody talking: the file must go on regardless.
      const quietAt = sinceStart();
      await recorder.setVideo(null);
      await recorder.removeAudio(aliceAudio!.id);
      await recorder.removeAudio(bobAudio!.id);
      await sleep(1500);
      const span = sinceStart();
      const result = await recorder.stop();

      expect(failures).toEqual([]);
      expect(await readdir(own)).toEqual([result.file.slice(own.length + 1)]);
      const info = await probe(result.file);
      const duration = Number(info.format.duration);
      console.log(`recording: file ${duration.toFixed(2)} s (reported ${result.durationSeconds.toFixed(2)} s), recorded span ${span.toFixed(2)} s`);
      expect(info.problems).toBe('');
      expect(info.format.format_name).toContain('webm');
      expect(info.streams.map((stream) => `${stream.codec_type}:${stream.codec_name}`).sort()).toEqual(['audio:opus', 'video:vp8']);
      expect(Math.abs(duration - span)).toBeLessThanOrEqual(1);
      expect(result.durationSeconds).toBeCloseTo(duration, 2);

      expect(info.chapters.map((chapter) => chapter.tags?.title)).toEqual(['Budget; item 2 = "money"']);
      expect(result.chapters.map((chapter) => chapter.title)).toEqual(['Budget; item 2 = "money"']);
      expect(Math.abs(Number(info.chapters[0]!.start_time) - chapterAt)).toBeLessThanOrEqual(0.25);

      // Alice's camera, then Bob's, then the dark filler.
      const sizes = new Set(info.frames.filter((frame) => frame.media_type === 'video').map((frame) => `${frame.width}x${frame.height}`));
      expect([...sizes].sort()).toEqual(['320x240', '352x288', '640x360']);
      const level = await loudness(result.file);
      // Two tones of the same strength mixed: twice the power, +3 dB.
      const alone = level(0.5, switchedAt);
      expect(alone).toBeGreaterThan(-35);
      expect(level(switchedAt + 0.5, quietAt)).toBeGreaterThan(alone + 2);
      expect(level(quietAt + 0.3, span)).toBeLessThan(-80);
    } finally {
      await sources.stop();
      room.close();
    }
  }, SLOW_MACHINE_TIMEOUT_MS);

  it('reports a killed ffmpeg as failed, keeps the room working and saves what was written', async () => {
    const room = await MediaRoom.create(pool, { id: 'failing-recording' });
    const sources = await startTestSources(room, [{ peerId: 'carol', kind: 'audio', lavfi: 'sine=frequency=300:sample_rate=48000' }]);
    const [audio] = sources.producers;
    try {
      const recorder = await MeetingRecorder.start(room, { directory, meetingId: 'meeting-2', audioProducerIds: [audio!.id], videoProducerId: null });
      const failed = new Promise<Error>((resolve) => recorder.once('failed', resolve));
      await sleep(2500);
      const killedAt = (Date.now() - recorder.startedAt.getTime()) / 1000;
      process.kill(recorder.ffmpegPid!, 'SIGKILL');
      expect((await failed).message).toMatch(/ffmpeg was killed by SIGKILL/);
      // Later calls are harmless once the recording failed.
      await recorder.setVideo(null);
      recorder.chapter('after the failure');

      expect(room.closed).toBe(false);
      const counter = await rtpCounter();
      const listener = await room.createPlainTransport({ peerId: 'listener' });
      await listener.connect({ ip: '127.0.0.1', port: counter.port });
      const consumer = await room.consume({ peerId: 'listener', transportId: listener.id, producerId: audio!.id, rtpCapabilities: room.rtpCapabilities });
      await room.resumeConsumer(consumer.id);
      await waitFor(() => counter.count() > 10, 3000, 'audio still flowing through the room');
      counter.close();

      const saved = await recorder.stop();
      expect(saved.chapters).toEqual([]);
      expect(saved.durationSeconds).toBeGreaterThan(0.5);
      expect(saved.durationSeconds).toBeLessThanOrEqual(killedAt + 0.5);
      expect((await probe(saved.file)).problems).toBe('');
    } finally {
      await sources.stop();
      room.close();
    }
  }, SLOW_MACHINE_TIMEOUT_MS);

  it('fails to start, leaving nothing behind, when ffmpeg cannot run', async () => {
    const room = await MediaRoom.create(pool, { id: 'no-ffmpeg' });
    const before = room.stats().transports;
    await expect(
      MeetingRecorder.start(room, { directory, meetingId: 'meeting-3', audioProducerIds: [], videoProducerId: null, ffmpegPath: '/nonexistent/ffmpeg' }),
    ).rejects.toThrow(/ffmpeg/);
    expect(room.stats().transports).toBe(before);
    expect((await readdir(directory)).filter((name) => name.includes('meeting-3'))).toEqual([]);
    room.close();
  });
});
