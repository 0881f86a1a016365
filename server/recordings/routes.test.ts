import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { saveRecording } from './store.ts';

let t: TestApp;
let directory: string;
const meetings: Record<string, string> = {};
const recordings: Record<string, string> = {};
// Not a real video: these tests are about who gets which bytes.
const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const captions = 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nHyvää iltaa &amp; tervetuloa.\n';
// The juries' recordings have captions; the forum's has none.
const captioned = new Set(['asukasraati', 'kuntalaisraati']);

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'aukio-recording-routes-'));
  t = await startTestApp({ demo: true, recordingsDir: directory });
  const rows = await t.app.db.sql<{ id: string; slug: string }[]>`select m.id, s.slug from meetings m join spaces s on s.id = m.space_id order by m.starts_at`;
  for (const row of rows) meetings[row.slug] ??= row.id;
  for (const slug of ['ymparistofoorumi', 'asukasraati', 'kuntalaisraati']) {
    const file = join(directory, `${slug}.webm`);
    await writeFile(file, content);
    const captionsFile = captioned.has(slug) ? join(directory, `${slug}.vtt`) : null;
    if (captionsFile) await writeFile(captionsFile, captions);
    const saved = await saveRecording(t.app.db.sql, {
      meetingId: meetings[slug]!,
      file,
      captionsFile,
      durationSeconds: 6.31,
      chapters: [
        { title: 'Talousarvio', startSeconds: 2.5 },
        { title: 'Avaus', startSeconds: 0 },
      ],
      startedAt: new Date('2026-05-04T15:00:00Z'),
      stoppedAt: new Date('2026-05-04T15:00:06.310Z'),
    });
    recordings[slug] = saved.id;
  }
});
afterAll(async () => {
  await t?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

// Signed in once per person: signing in is rate-limited.
const cookies = new Map<string, Promise<string>>();
const cookieOf = (who: string) => {
  if (!cookies.has(who)) cookies.set(who, signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD));
  return cookies.get(who)!;
};

const get = async (url: string, who?: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { ...headers, ...(who ? { cookie: await cookieOf(who) } : {}) } });

describe('GET /api/meetings/:id/recordings', () => {
  it('lists a meeting’s recordings with their duration and chapters in time order', async () => {
    const response = await get(`/api/meetings/${meetings.ymparistofoorumi}/recordings`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      recordings: [
        {
          id: recordings.ymparistofoorumi,
          meetingId: meetings.ymparistofoorumi,
          status: 'complete',
          durationSeconds: 6.31,
          chapters: [
            { title: 'Avaus', startSeconds: 0 },
            { title: 'Talousarvio', startSeconds: 2.5 },
          ],
          startedAt: '2026-05-04T15:00:00.000Z',
          stoppedAt: '2026-05-04T15:00:06.310Z',
          url: `/api/recordings/${recordings.ymparistofoorumi}`,
          captionsUrl: null,
        },
      ],
    });
  });

  it('hides a closed jury’s recordings like its meetings, and refuses a public jury’s to outsiders as its room', async () => {
    expect((await get(`/api/meetings/${meetings.asukasraati}/recordings`, 'asukas')).statusCode).toBe(404);
    expect((await get(`/api/meetings/${meetings.asukasraati}/recordings`, 'raati')).json().recordings).toEqual([
      expect.objectContaining({ id: recordings.asukasraati, captionsUrl: `/api/recordings/${recordings.asukasraati}/captions.vtt` }),
    ]);
    expect((await get(`/api/meetings/${meetings.kuntalaisraati}/recordings`)).statusCode).toBe(401);
    expect((await get(`/api/meetings/${meetings.kuntalaisraati}/recordings`, 'raati')).statusCode).toBe(403);
    expect((await get(`/api/meetings/${meetings.kuntalaisraati}/recordings`, 'puheenjohtaja')).statusCode).toBe(200);
    expect((await get('/api/meetings/00000000-0000-4000-8000-000000000000/recordings')).statusCode).toBe(404);
    const invalid = await get('/api/meetings/not-a-uuid/recordings');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ statusCode: 400, code: 'invalid_input' });
  });
});

describe('GET /api/recordings/:id', () => {
  it('streams the whole file, or the one range a video player asks for', async () => {
    const url = `/api/recordings/${recordings.ymparistofoorumi}`;
    const whole = await get(url);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/webm');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.rawPayload.equals(content)).toBe(true);

    const part = await get(url, undefined, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/1000');
    expect(part.headers['content-length']).toBe('100');
    expect(part.rawPayload.equals(content.subarray(100, 200))).toBe(true);

    const tail = await get(url, undefined, { range: 'bytes=-10' });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(content.subarray(990))).toBe(true);

    const beyond = await get(url, undefined, { range: 'bytes=1000-' });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe('bytes */1000');
    expect(beyond.json()).toMatchObject({ statusCode: 416, code: 'range_not_satisfiable' });
  });

  it('is missing for those who cannot see the meeting, refused to those outside a jury, missing when the file is gone', async () => {
    expect((await get(`/api/recordings/${recordings.asukasraati}`, 'asukas')).statusCode).toBe(404);
    expect((await get(`/api/recordings/${recordings.asukasraati}`)).json()).toMatchObject({ statusCode: 404, message: 'Recording not found' });
    const juror = await get(`/api/recordings/${recordings.asukasraati}`, 'raati');
    expect(juror.statusCode).toBe(200);
    expect(juror.rawPayload.equals(content)).toBe(true);
    expect((await get(`/api/recordings/${recordings.kuntalaisraati}`)).statusCode).toBe(401);
    expect((await get(`/api/recordings/${recordings.kuntalaisraati}`, 'raati')).statusCode).toBe(403);
    expect((await get('/api/recordings/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);

    await rm(join(directory, 'ymparistofoorumi.webm'));
    const gone = await get(`/api/recordings/${recordings.ymparistofoorumi}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ message: 'Recording file not found' });
  });
});

describe('GET /api/recordings/:id/captions.vtt', () => {
  it('gives a recording’s captions as WebVTT to those who may watch it', async () => {
    const response = await get(`/api/recordings/${recordings.asukasraati}/captions.vtt`, 'raati');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/vtt; charset=utf-8');
    expect(response.body).toBe(captions);
    expect((await get(`/api/recordings/${recordings.kuntalaisraati}/captions.vtt`, 'puheenjohtaja')).body).toBe(captions);
  });

  it('follows the recording’s access rules, and is missing when nobody captioned or the file is gone', async () => {
    expect((await get(`/api/recordings/${recordings.asukasraati}/captions.vtt`, 'asukas')).json()).toMatchObject({ statusCode: 404, message: 'Recording not found' });
    expect((await get(`/api/recordings/${recordings.asukasraati}/captions.vtt`)).statusCode).toBe(404);
    expect((await get(`/api/recordings/${recordings.kuntalaisraati}/captions.vtt`)).statusCode).toBe(401);
    expect((await get(`/api/recordings/${recordings.kuntalaisraati}/captions.vtt`, 'raati')).statusCode).toBe(403);
    expect((await get('/api/recordings/not-a-uuid/captions.vtt')).json()).toMatchObject({ statusCode: 400, code: 'invalid_input' });
    expect((await get(`/api/recordings/${recordings.ymparistofoorumi}/captions.vtt`)).json()).toMatchObject({ statusCode: 404, message: 'Captions not found' });

    await rm(join(directory, 'kuntalaisraati.vtt'));
    expect((await get(`/api/recordings/${recordings.kuntalaisraati}/captions.vtt`, 'puheenjohtaja')).json()).toMatchObject({ statusCode: 404, message: 'Captions not found' });
  });
});
