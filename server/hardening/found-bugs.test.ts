/**
 * The failures the property-based tests found, each kept as a plain test of the input that caused
 * it: every one of them was a 500 (or a `server_error` frame) before its fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomTestClient } from '../rooms/test-client.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { databaseFingerprint, openTown, type Town } from './town.ts';

let t: TestApp;
let town: Town;
let baseUrl: string;

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  town = await openTown(t.app);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const as = (who: 'resident' | 'chair' | 'admin') => ({ cookie: town.cookies[who] });

describe('text PostgreSQL cannot store', () => {
  it('refuses NUL and unpaired surrogates in bodies, queries and parameters with a 400 naming the field, and stores nothing', async () => {
    const before = await databaseFingerprint(town.sql);
    const json = (who: 'resident' | 'admin') => ({ ...as(who), 'content-type': 'application/json' });
    const cases: { method: 'GET' | 'POST' | 'PATCH'; url: string; headers: Record<string, string>; payload?: string; field: string }[] = [
      { method: 'POST', url: '/api/spaces/ymparistofoorumi/threads', headers: json('resident'), payload: JSON.stringify({ title: 'Otsikko', body: 'a\u0000b' }), field: 'body/body' },
      { method: 'PATCH', url: '/api/spaces/ymparistofoorumi', headers: json('admin'), payload: JSON.stringify({ name: { fi: 'Nimi', sv: '\u0000' } }), field: 'body/name/sv' },
      { method: 'PATCH', url: '/api/spaces/ymparistofoorumi', headers: json('admin'), payload: '{"name":{"fi":"Nimi","en":"x\\udfffy"}}', field: 'body/name/en' },
      { method: 'GET', url: '/api/search?q=a%00b', headers: {}, field: 'querystring/q' },
      { method: 'GET', url: '/api/documents/a%00b/access', headers: {}, field: 'params/docName' },
    ];
    for (const { field, ...request } of cases) {
      const response = await t.app.inject(request);
      expect([request.url, response.statusCode]).toEqual([request.url, 400]);
      expect(response.json().message).toMatch(new RegExp(`^${field}\\b`));
    }
    expect(await databaseFingerprint(town.sql)).toEqual(before);
  });

  it('answers such a room frame with an error naming the field, and keeps the socket open', async () => {
    const meetingId = town.spaces.find((s) => s.slug === 'ymparistofoorumi')!.meetingId;
    const client = await RoomTestClient.connect(baseUrl, meetingId, { cookie: town.cookies.resident });
    await client.welcome();
    expect(await client.request({ type: 'chat.send', text: 'a\u0000b' })).toMatchObject({ type: 'error', code: 'invalid_message', message: 'chat.send: /text must not contain NUL or unpaired surrogate characters' });
    expect(await client.request({ type: 'question.ask', text: '\uD800?', anonymous: false })).toMatchObject({ type: 'error', code: 'invalid_message' });
    expect(await client.request({ type: 'chat.send', text: 'Ääkköset ja 👩‍👩‍👧 kelpaavat' })).toMatchObject({ type: 'ack' });
    expect(client.closeCode).toBeNull();
    await client.close();
  });
});

describe('deeply nested input', () => {
  // Arrays nested deeper than the call stack: the check for unstorable text once recursed into them.
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('answers a room frame nested 30,000 deep with an error frame, and the server goes on', async () => {
    const meetingId = town.spaces.find((s) => s.slug === 'ymparistofoorumi')!.meetingId;
    const client = await RoomTestClient.connect(baseUrl, meetingId, { cookie: town.cookies.resident });
    await client.welcome();
    client.sendRaw(`{"type":"chat.send","requestId":"deep","text":${nested(30_000)}}`);
    expect(await client.waitFor((m) => m.type === 'error' && m.requestId === 'deep')).toMatchObject({ code: 'invalid_message' });
    expect(await client.request({ type: 'chat.send', text: 'Vielä täällä' })).toMatchObject({ type: 'ack' });
    await client.close();
  });

  it('answers such a body with a 400', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/spaces/ymparistofoorumi/threads',
      headers: { ...as('resident'), 'content-type': 'application/json' },
      payload: `{"title":"Otsikko","body":${nested(30_000)}}`,
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('page cursors', () => {
  it('refuses a thread cursor whose date or id does not exist with a 400, and still pages with the cursors it gives', async () => {
    for (const before of ['0000-00-00T:Z_00000000-0000-1000-8000-000000000000', '2024-13-45T99:99Z_00000000-0000-1000-8000-000000000000', '0000-01-01T00:00:00Z_00000000-0000-1000-8000-000000000000']) {
      const response = await t.app.inject({ url: `/api/spaces/ymparistofoorumi/threads?before=${encodeURIComponent(before)}` });
      expect([before, response.statusCode]).toEqual([before, 400]);
    }
    const dashes = await t.app.inject({ url: `/api/spaces/ymparistofoorumi/threads?before=${encodeURIComponent(`2024-01-01T00:00:00Z_${'-'.repeat(36)}`)}` });
    expect(dashes.statusCode).toBe(400);

    for (const title of ['Ensimmäinen', 'Toinen', 'Kolmas']) {
      await t.app.inject({ method: 'POST', url: '/api/spaces/ymparistofoorumi/threads', headers: as('resident'), payload: { title, body: 'Teksti' } });
    }
    const first = (await t.app.inject({ url: '/api/spaces/ymparistofoorumi/threads?limit=2' })).json() as { threads: { title: string }[]; nextCursor: string };
    const second = (await t.app.inject({ url: `/api/spaces/ymparistofoorumi/threads?limit=2&before=${encodeURIComponent(first.nextCursor)}` })).json() as { threads: { title: string }[] };
    expect([...first.threads, ...second.threads].map((th) => th.title)).toEqual(['Kolmas', 'Toinen', 'Ensimmäinen']);
  });

  it('refuses a meetings cursor whose time PostgreSQL cannot read with a 400, and still pages with the cursors it gives', async () => {
    const cursorOf = (startsAt: string, id = '00000000-0000-1000-8000-000000000000') => Buffer.from(JSON.stringify([startsAt, id])).toString('base64url');
    for (const startsAt of ['0000-00-00 00:00:00Z', '2024-13-01 00:00:00Z', '2023-02-29 00:00:00Z', '2024-01-01 24:00:00Z', '2024-01-01 00:00:00+99']) {
      for (const url of [`/api/meetings/open-data?cursor=${cursorOf(startsAt)}`, `/api/spaces/ymparistofoorumi/meetings?cursor=${cursorOf(startsAt)}`]) {
        expect([url, (await t.app.inject({ url })).statusCode]).toEqual([url, 400]);
      }
    }
    expect((await t.app.inject({ url: `/api/meetings/open-data?cursor=${cursorOf('2024-01-01 00:00:00Z', '-'.repeat(36))}` })).statusCode).toBe(400);

    const first = (await t.app.inject({ url: '/api/meetings/open-data?limit=2' })).json() as { meetings: { id: string }[]; nextCursor: string };
    const rest = (await t.app.inject({ url: `/api/meetings/open-data?limit=100&cursor=${first.nextCursor}` })).json() as { meetings: { id: string }[] };
    const all = (await t.app.inject({ url: '/api/meetings/open-data?limit=100' })).json() as { meetings: { id: string }[] };
    expect([...first.meetings, ...rest.meetings].map((m) => m.id)).toEqual(all.meetings.map((m) => m.id));
  });
});

describe('meeting times', () => {
  it('refuses a start or end in the year 0 or on a leap second with a 400, as JSON Schema lets both through', async () => {
    const body = (startsAt: string, endsAt: string) => ({ title: { fi: 'Kokous' }, startsAt, endsAt, mode: 'meeting', place: 'online' });
    for (const [startsAt, endsAt] of [
      ['0000-01-01T00:00:00Z', '0000-01-01T01:00:00Z'],
      ['2016-12-31T23:59:60Z', '2017-01-01T01:00:00Z'],
      ['2030-01-01T10:00:00Z', '2030-01-01T23:59:60Z'],
    ]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/spaces/kulttuurifoorumi/meetings', headers: as('chair'), payload: body(startsAt!, endsAt!) });
      expect([startsAt, response.statusCode]).toEqual([startsAt, 400]);
    }
    const meetingId = town.spaces.find((s) => s.slug === 'kulttuurifoorumi')!.meetingId;
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/meetings/${meetingId}`, headers: as('chair'), payload: { startsAt: '2016-12-31T23:59:60Z' } });
    expect(patched.statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'POST', url: '/api/spaces/kulttuurifoorumi/meetings', headers: as('chair'), payload: body('9999-12-31T22:00:00Z', '9999-12-31T23:59:59.999Z') });
    expect(ok.statusCode).toBe(201);
  });
});
