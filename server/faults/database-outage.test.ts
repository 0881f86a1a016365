/**
 * PostgreSQL goes away for ten seconds during a live meeting. The test runs its own server (the
 * Debian binaries, on a spare port), never the machine's shared one; without the binaries it says
 * so and is skipped.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from '../../db/private-postgres.ts';
import { buildApp } from '../app.ts';
import { connect, eventually, synced, type Client } from '../collab/test-helpers.ts';
import { testConfig } from '../config.ts';
import type { ServerMessage } from '../protocol/room-messages.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { signInOverHttp, upcomingMeetingOf } from '../test-process.ts';

const OUTAGE_MS = 10_000;
const binaries = postgresBinaries();
if (!binaries) console.warn('database-outage.test.ts skipped: no PostgreSQL server binaries under /usr/lib/postgresql');

let pg: PrivatePostgres;
const apps: FastifyInstance[] = [];

async function startApp(): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp(testConfig({ database: { url: pg.url }, demo: true }));
  apps.push(app);
  return { app, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

const health = async (url: string) => (await fetch(`${url}/healthz`)).status;
const isAnswer = (requestId: string) => (m: ServerMessage) => (m.type === 'ack' || m.type === 'error') && m.requestId === requestId;

describe.skipIf(!binaries)('a database outage during a live meeting', () => {
  beforeAll(async () => {
    pg = await startPrivatePostgres();
  }, 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => {});
    await pg?.destroy();
  });

  it('keeps the room open, stores what was sent meanwhile once it is back, and reports the outage', async () => {
    const { url } = await startApp();
    const meetingId = await upcomingMeetingOf(url, 'ymparistofoorumi');
    const chairCookie = await signInOverHttp(url, 'puheenjohtaja');
    const residentCookie = await signInOverHttp(url, 'asukas');
    const chair = await RoomTestClient.connect(url, meetingId, { cookie: chairCookie });
    const resident = await RoomTestClient.connect(url, meetingId, { cookie: residentCookie });
    await chair.welcome();
    await resident.welcome();
    expect((await resident.request({ type: 'chat.send', text: 'Ennen katkoa' })).type).toBe('ack');

    let notes: Client | undefined = connect(url, `meeting:${meetingId}:notes`, chairCookie);
    await synced(notes);
    notes.doc.getText('outage').insert(0, 'Ennen katkoa. ');
    await eventually(() => notes!.provider.wsconnected && !notes!.provider.ws?.bufferedAmount, 5_000, 'the edit sent');

    await pg.stop();
    const outageStarted = Date.now();
    expect(await health(url)).toBe(503);
    resident.sendRaw(JSON.stringify({ type: 'chat.send', text: 'Katkon aikana', requestId: 'during' }));
    notes.doc.getText('outage').insert(notes.doc.getText('outage').length, 'Katkon aikana.');

    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - outageStarted)));
    // Nothing was refused or closed while the database was away: the write waits for it.
    expect(resident.received.find(isAnswer('during'))).toBeUndefined();
    expect([chair.closeCode, resident.closeCode]).toEqual([null, null]);
    expect(await health(url)).toBe(503);
    await pg.start();

    expect(await resident.waitFor(isAnswer('during'), 30_000)).toMatchObject({ type: 'ack' });
    await chair.waitFor((m) => m.type === 'event' && m.event.type === 'chat.posted' && m.event.text === 'Katkon aikana', 10_000);
    await eventually(async () => (await health(url)) === 200, 10_000, 'health back to ok');
    // The edit reached a reader through the server, which stores before it relays.
    const reader = connect(url, `meeting:${meetingId}:notes`, residentCookie);
    await synced(reader, 20_000);
    await eventually(() => reader.doc.getText('outage').toString().includes('Katkon aikana.'), 20_000, 'the edit made during the outage');
    reader.destroy();
    notes.destroy();
    notes = undefined;

    // A fresh server on the same database finds both the message and the edit.
    await apps.shift()!.close();
    const second = await startApp();
    const again = await RoomTestClient.connect(second.url, meetingId, { cookie: chairCookie });
    const texts = (await again.welcome()).state!.chat.map((m) => m.text);
    expect(texts).toEqual(['Ennen katkoa', 'Katkon aikana']);
    const later = connect(second.url, `meeting:${meetingId}:notes`, chairCookie);
    await synced(later);
    expect(later.doc.getText('outage').toString()).toBe('Ennen katkoa. Katkon aikana.');
    later.destroy();
    await again.close();
  }, 120_000);
});
