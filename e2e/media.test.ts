import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../db/demo-town.ts';
import { createTestDatabase } from '../db/test-database.ts';
import { freeMediaPorts } from '../media/testing/ports.ts';
import { ensureWorkerForTests, WORKER_SETUP_TIMEOUT_MS } from '../media/testing/worker.ts';
import { buildApp } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import type { MediaNotice, ServerMessage } from '../server/protocol/room-messages.ts';
import { RoomTestClient } from '../server/rooms/test-client.ts';
import { signIn } from '../server/test-app.ts';
import { openBrowser, type Browser } from './support/browser.ts';
import { keepsReceiving, mediaStatus, recordPeerConnections, stopsReceiving } from './support/media-stats.ts';
import { expectAccessible } from './support/town-fixture.ts';

const root = new URL('..', import.meta.url).pathname;
const clientDir = process.env.AUKIO_E2E_CLIENT_DIR || join(root, 'dist/client');

let app: FastifyInstance;
let url: string;
let dropDatabase: () => Promise<void>;
const browsers: Browser[] = [];
const sockets: RoomTestClient[] = [];
const meetings: Record<string, string> = {};
const ids: Record<string, string> = {};

// The demo town with video on two mediasoup workers, so a broadcast's audience can spread over both.
beforeAll(async () => {
  await ensureWorkerForTests();
  const database = await createTestDatabase();
  dropDatabase = () => database.drop();
  app = await buildApp(testConfig({ database: database.options, demo: true, clientDir, media: { workers: 2, mediaPort: await freeMediaPorts(2) } }));
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  const rows = await app.db.sql<{ id: string; slug: string }[]>`select m.id, s.slug from meetings m join spaces s on s.id = m.space_id`;
  for (const row of rows) meetings[row.slug] = row.id;
}, WORKER_SETUP_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  for (const browser of browsers) await browser.close();
  await app?.close();
  await dropDatabase?.();
});

async function cookieOf(who: string): Promise<string> {
  const cookie = await signIn(app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
  ids[who] ??= (await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json().user.id;
  return cookie;
}

/** A browser of its own whose pages' received media the test can read. Signed in as `who`, or a guest. */
async function openPerson(who: string | null): Promise<BrowserContext> {
  const browser = await openBrowser();
  browsers.push(browser);
  await recordPeerConnections(browser.context);
  if (who) {
    const [name, value] = (await cookieOf(who)).split('=') as [string, string];
    await browser.context.addCookies([{ name, value, url }]);
  }
  return browser.context;
}

async function openRoom(context: BrowserContext, slug: string): Promise<Page> {
  const page = context.pages().find((p) => p.url() === 'about:blank') ?? (await context.newPage());
  await page.goto(`${url}/meetings/${meetings[slug]}/room`);
  return page;
}

/** A socket of the chair or a moderator, acting in the room and hearing its media notices. */
async function staffSocket(who: string, slug: string): Promise<RoomTestClient> {
  const socket = await RoomTestClient.connect(url, meetings[slug]!, { cookie: await cookieOf(who) });
  sockets.push(socket);
  await socket.welcome();
  const { rtpCapabilities } = await socket.ask({ type: 'media.capabilities' });
  await socket.ask({ type: 'media.join', rtpCapabilities: rtpCapabilities as never });
  return socket;
}

const producerNotice =
  <T extends MediaNotice['type']>(type: T, userId: string, kind?: 'audio' | 'video') =>
  (m: ServerMessage): m is Extract<MediaNotice, { type: T }> =>
    m.type === type && 'producer' in m && m.producer.userId === userId && (kind === undefined || m.producer.kind === kind);

/** The first message after the first `from` received that passes `test`. */
const noticeAfter = (socket: RoomTestClient, from: number, test: (m: ServerMessage) => boolean) =>
  socket.waitFor((m) => socket.received.indexOf(m) >= from && test(m), 30_000);

describe('live video in the meeting room', () => {
  it('a meeting: the floor holder publishes, two others see and hear them, the floor and a mute end it, a dead worker is survived', async () => {
    const slug = 'ymparistofoorumi';
    const chair = await staffSocket('puheenjohtaja', slug);
    const moderator = await staffSocket('moderaattori', slug);
    const aino = await openRoom(await openPerson('asukas'), slug);
    const guests = await openPerson(null);
    const viewers = [await openRoom(guests, slug), await openRoom(guests, slug)];
    for (const page of [aino, ...viewers]) await mediaStatus(page, 'Katselet suoraa lähetystä');

    // Given the floor, Aino checks her camera and microphone and goes live.
    expect(await chair.request({ type: 'floor.give', userId: ids.asukas! })).toMatchObject({ type: 'ack' });
    await aino.getByText('Sinulla on puheenvuoro. Tarkista kamera ja mikrofoni').waitFor();
    await aino.getByRole('button', { name: 'Liity', exact: true }).click();
    await mediaStatus(aino, 'Olet suorassa lähetyksessä');
    await Promise.all(viewers.flatMap((viewer) => [keepsReceiving(viewer, 'frames', 20), keepsReceiving(viewer, 'audioPackets', 20)]));
    await keepsReceiving(viewers[0]!, 'audioEnergy', 0);

    // The chair takes the floor back: her producers close.
    let from = chair.received.length;
    expect(await chair.request({ type: 'floor.take' })).toMatchObject({ type: 'ack' });
    await noticeAfter(chair, from, producerNotice('media.producerClosed', ids.asukas!, 'video'));
    await noticeAfter(chair, from, producerNotice('media.producerClosed', ids.asukas!, 'audio'));
    await mediaStatus(aino, 'Katselet suoraa lähetystä');

    // Given the floor again she is live at once; a moderator's mute stops her sound.
    from = moderator.received.length;
    expect(await chair.request({ type: 'floor.give', userId: ids.asukas! })).toMatchObject({ type: 'ack' });
    await noticeAfter(moderator, from, producerNotice('media.producerAdded', ids.asukas!, 'audio'));
    await keepsReceiving(viewers[0]!, 'audioPackets', 20);
    from = moderator.received.length;
    expect(await moderator.request({ type: 'participant.mute', userId: ids.asukas!, minutes: 5, reason: 'Taustamelu' })).toMatchObject({ type: 'ack' });
    await noticeAfter(moderator, from, producerNotice('media.producerClosed', ids.asukas!, 'audio'));
    await stopsReceiving(viewers[0]!, 'audioPackets');

    // Unmuted and live again; then the worker under the room dies. Nobody reloads.
    expect(await moderator.request({ type: 'participant.unmute', userId: ids.asukas! })).toMatchObject({ type: 'ack' });
    await aino.getByRole('button', { name: 'Kamera' }).click();
    await keepsReceiving(viewers[1]!, 'frames', 20);
    for (const page of [aino, ...viewers]) await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const pool = app.media!;
    const busy = pool.slots.filter((slot) => slot.load > 0);
    expect(busy).toHaveLength(1);
    const dead = busy[0]!.worker;
    process.kill(dead.pid, 'SIGKILL');
    await chair.waitFor((m) => m.type === 'media.restart');
    await Promise.all(viewers.map((viewer) => keepsReceiving(viewer, 'frames', 20, 45_000)));
    await mediaStatus(aino, 'Olet suorassa lähetyksessä');
    for (const page of [aino, ...viewers]) expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(pool.slot(busy[0]!.index).worker).not.toBe(dead);
    await expectAccessible(aino, 'media-meeting-live');
  }, 300_000);

  it('a broadcast: the stage publishes to four viewers spread over both workers; a viewer cannot publish', async () => {
    const slug = 'kuntalaisfoorumi';
    const paavo = await openRoom(await openPerson('puheenjohtaja'), slug);
    await paavo.getByRole('button', { name: 'Liity kameralla ja mikrofonilla' }).click();
    await paavo.getByRole('button', { name: 'Liity', exact: true }).click();
    await mediaStatus(paavo, 'Olet suorassa lähetyksessä');

    const guests = await openPerson(null);
    const viewers: Page[] = [];
    for (let i = 0; i < 4; i++) viewers.push(await openRoom(guests, slug));
    await Promise.all(viewers.map((viewer) => keepsReceiving(viewer, 'frames', 10, 45_000)));
    expect(app.media!.slots.map((slot) => slot.load > 0)).toEqual([true, true]);

    // A resident in the audience asks to send: the server refuses and the socket stays open.
    const resident = await staffSocket('asukas', slug);
    expect(await resident.answerTo({ type: 'media.transport.create', direction: 'send' })).toMatchObject({ type: 'error', code: 'forbidden' });
    const recv = (await resident.ask({ type: 'media.transport.create', direction: 'recv' })).transport;
    expect(
      await resident.answerTo({ type: 'media.produce', transportId: recv.id, kind: 'video', source: 'camera', rtpParameters: { codecs: [] } as never }),
    ).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(resident.closeCode).toBeNull();
    // The audience's video keeps coming.
    await keepsReceiving(viewers[3]!, 'frames', 10);
    await expectAccessible(viewers[0]!, 'media-broadcast-viewer');
  }, 240_000);
});
