import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { runTool } from '../../media/recording/ffmpeg.ts';
import { freeMediaPorts } from '../../media/testing/ports.ts';
import { ensureWorkerForTests, WORKER_SETUP_TIMEOUT_MS } from '../../media/testing/worker.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
let url: string;
let recordingsDir: string;
let meetingId: string;
const cookies: Record<string, string> = {};
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  await ensureWorkerForTests();
  recordingsDir = await mkdtemp(join(tmpdir(), 'aukio-captioned-recordings-'));
  t = await startTestApp({ demo: true, media: { workers: 1, mediaPort: await freeMediaPorts(1) }, recordingsDir });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['puheenjohtaja', 'sihteeri']) cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
  const [row] = await t.app.db.sql<{ id: string }[]>`select m.id from meetings m join spaces s on s.id = m.space_id where s.slug = 'kulttuurifoorumi'`;
  meetingId = row!.id;
}, WORKER_SETUP_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await t?.close();
  if (recordingsDir) await rm(recordingsDir, { recursive: true, force: true });
});

async function enter(who: string) {
  const client = await RoomTestClient.connect(url, meetingId, { cookie: cookies[who]! });
  clients.push(client);
  await client.welcome();
  return client;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Cue {
  start: number;
  end: number;
  text: string;
}

/**
 * The cues as ffmpeg's WebVTT reader understands them, turned into plain-text SRT: entities are
 * decoded and any markup is dropped, so text that was not escaped would lose its tags here.
 */
async function readCues(vtt: string): Promise<Cue[]> {
  const file = join(recordingsDir, 'read-back.vtt');
  await writeFile(file, vtt);
  const srt = (await runTool('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-c:s', 'text', '-f', 'srt', 'pipe:1'])).toString('utf8');
  const seconds = (stamp: string) => {
    const [h, m, s] = stamp.replace(',', '.').split(':').map(Number);
    return h! * 3600 + m! * 60 + s!;
  };
  return srt
    .trim()
    .split(/\r?\n\r?\n/)
    .map((block) => {
      const [, timing, ...text] = block.split(/\r?\n/);
      const [start, end] = timing!.split(' --> ');
      return { start: seconds(start!), end: seconds(end!), text: text.join('\n') };
    });
}

describe('captions saved with a recording', () => {
  it('writes the lines posted while recording to a WebVTT file beside it, timed from the recording’s start', async () => {
    const chair = await enter('puheenjohtaja');
    const secretary = await enter('sihteeri');
    expect(await secretary.request({ type: 'caption.send', text: 'Ennen tallennusta.', final: true })).toMatchObject({ type: 'ack' });

    expect(await chair.answerTo({ type: 'recording.start' })).toMatchObject({ type: 'ack' });
    const lines = ['Hyvää iltaa, avaan kokouksen.', 'Käsitellään <b>kirjasto</b> & "nuorisotila" --> ensin.', 'Kiitos.'];
    const posted: { text: string; sentAt: number; ackedAt: number }[] = [];
    for (const [i, text] of lines.entries()) {
      await sleep(i === 0 ? 700 : 1000);
      const sentAt = Date.now();
      expect(await secretary.request({ type: 'caption.send', text, final: true })).toMatchObject({ type: 'ack' });
      posted.push({ text, sentAt, ackedAt: Date.now() });
    }
    // Being typed when the recording stops: never a line of the file.
    expect(await secretary.request({ type: 'caption.send', text: 'Kesken jäänyt', final: false })).toMatchObject({ type: 'ack' });
    await sleep(1000);
    expect(await chair.answerTo({ type: 'recording.stop' })).toMatchObject({ type: 'ack' });
    expect(await secretary.request({ type: 'caption.send', text: 'Tallennuksen jälkeen.', final: true })).toMatchObject({ type: 'ack' });

    const list = await t.app.inject({ method: 'GET', url: `/api/meetings/${meetingId}/recordings` });
    const [recording] = list.json().recordings as { id: string; startedAt: string; durationSeconds: number; captionsUrl: string | null }[];
    expect(recording?.captionsUrl).toBe(`/api/recordings/${recording!.id}/captions.vtt`);
    const response = await t.app.inject({ method: 'GET', url: recording!.captionsUrl! });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/vtt; charset=utf-8');
    const vtt = response.body;
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    expect(vtt).toContain('Käsitellään &lt;b&gt;kirjasto&lt;/b&gt; &amp; "nuorisotila" --&gt; ensin.');

    const cues = await readCues(vtt);
    expect(cues.map((cue) => cue.text)).toEqual(lines);
    // Each line starts where it was posted in the recording (±0.5 s), lasts until the next, and the last until the end.
    const zero = Date.parse(recording!.startedAt);
    for (const [i, cue] of cues.entries()) {
      expect(cue.start).toBeGreaterThanOrEqual((posted[i]!.sentAt - zero) / 1000 - 0.5);
      expect(cue.start).toBeLessThanOrEqual((posted[i]!.ackedAt - zero) / 1000 + 0.5);
      const next = cues[i + 1];
      expect(cue.end).toBeCloseTo(next ? next.start : Math.min(cue.start + 6, recording!.durationSeconds), 2);
    }
  }, 90_000);
});
