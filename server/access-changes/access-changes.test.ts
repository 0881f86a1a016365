/**
 * Open sockets lose what their person loses, within a second: a revoked juror's document socket,
 * a demoted moderator's room socket, the sockets of a session that was signed out, ended from
 * another device, or ended with all the person's sessions, and a visitor's socket to a space made
 * members-only. Sockets whose rights stand are left alone and lose nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { invalidateAllSessions } from '../auth/sessions.ts';
import { connect, eventually, idsOf, storedDoc, synced, type Client } from '../collab/test-helpers.ts';
import { extraSession } from '../hardening/town.ts';
import { closeCodes } from '../protocol/room-messages.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
let url: string;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const rooms: RoomTestClient[] = [];
const documents: Client[] = [];

const people = ['asukas', 'raati2', 'raati3', 'moderaattori', 'puheenjohtaja', 'yllapito'] as const;
type Person = (typeof people)[number];

// Each stock provider listens for the process's exit.
process.setMaxListeners(50);

beforeAll(async () => {
  t = await startTestApp({ demo: true, loginRateLimit: { max: 1000, windowMs: 60_000 } });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of people) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
    ids[who] = (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookies[who]! } })).json().user.id;
  }
});

afterAll(async () => {
  for (const document of documents) document.destroy();
  await Promise.all(rooms.map((c) => c.close()));
  await t?.close();
});

async function enterRoom(slug: string, cookie: string | undefined): Promise<RoomTestClient> {
  const { meetingId } = await idsOf(t.app.db.sql, slug);
  const client = await RoomTestClient.connect(url, meetingId, cookie ? { cookie } : {});
  rooms.push(client);
  return client;
}

function openDocument(name: string, who: Person): Client {
  const client = connect(url, name, cookies[who]);
  documents.push(client);
  return client;
}

async function as(who: Person, method: 'POST' | 'DELETE' | 'PATCH', path: string, payload?: object): Promise<void> {
  const response = await t.app.inject({ method, url: path, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });
  if (response.statusCode >= 300) throw new Error(`${method} ${path} as ${who}: ${response.statusCode} ${response.body}`);
}

/** The close code if the socket closes within the second after the change, else 'still open'. */
function closedWithinASecond(client: RoomTestClient): Promise<number | 'still open'> {
  return Promise.race([client.closed(), new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 1000))]);
}

const text = (client: Client) => client.doc.getText('t');

describe('a document socket whose person loses a right', () => {
  it('is closed within a second when the juror is revoked, and what it sends after the revocation is never stored', async () => {
    const { spaceId } = await idsOf(t.app.db.sql, 'asukasraati');
    const name = `space:${spaceId}:recommendations`;
    const juror = openDocument(name, 'raati2');
    await synced(juror);
    text(juror).insert(0, 'Ennen: kirjastoauto. ');
    await eventually(async () => (await storedDoc(t.app.db.sql, name)).getText('t').toString().includes('Ennen'), 5000, 'the juror’s edit stored');
    const dropped = t.app.documents.stats.droppedUpdates;

    await as('puheenjohtaja', 'DELETE', `/api/spaces/asukasraati/people/${ids.raati2}/roles/juror`);
    // Typed right after the revocation, on the socket that is still open for a moment.
    text(juror).insert(0, 'Jälkeen: tämä ei saa tallentua. ');

    await eventually(() => juror.closeCodes.includes(closeCodes.accessChanged), 1000, 'closed with accessChanged within a second');
    // The editor reconnects, as it is told to, and is refused: no longer a juror, they may not even
    // see the members-only jury, so its document answers as one that does not exist.
    await eventually(() => juror.closeCodes.includes(closeCodes.notFound), 5000, 'the reconnect refused');
    expect(t.app.documents.stats.droppedUpdates).toBeGreaterThan(dropped);
    const stored = (await storedDoc(t.app.db.sql, name)).getText('t').toString();
    expect(stored).toContain('Ennen');
    expect(stored).not.toContain('Jälkeen');
    await as('puheenjohtaja', 'POST', '/api/spaces/asukasraati/people', { email: 'raati2@pihlajalahti.example', role: 'juror' });
  });

  it('stays open, and loses none of its edits, when the person’s rights stand', async () => {
    const { spaceId } = await idsOf(t.app.db.sql, 'asukasraati');
    const name = `space:${spaceId}:recommendations`;
    const juror = openDocument(name, 'raati3');
    await synced(juror);
    // A role that changes nothing the document depends on: the socket is rechecked, and held meanwhile.
    await as('puheenjohtaja', 'POST', '/api/spaces/asukasraati/people', { email: 'raati3@pihlajalahti.example', role: 'member' });
    text(juror).insert(0, 'Kesken tarkistuksen. ');
    await eventually(async () => (await storedDoc(t.app.db.sql, name)).getText('t').toString().includes('Kesken tarkistuksen'), 5000, 'the edit made while held stored');
    expect(juror.closeCodes).toEqual([]);
    await as('puheenjohtaja', 'DELETE', `/api/spaces/asukasraati/people/${ids.raati3}/roles/member`);
  });
});

describe('a room socket whose person loses a right', () => {
  it('is closed within a second when the moderator is demoted, and a moderator command it sends meanwhile is refused', async () => {
    const moderator = await enterRoom('kulttuurifoorumi', cookies.moderaattori);
    expect((await moderator.welcome()).you.canModerate).toBe(true);

    await as('yllapito', 'DELETE', `/api/spaces/kulttuurifoorumi/people/${ids.moderaattori}/roles/moderator`);
    moderator.sendRaw(JSON.stringify({ type: 'room.settings', slowModeSeconds: 60, wordFilter: [], premoderation: false, requestId: 'late' }));

    expect(await closedWithinASecond(moderator)).toBe(closeCodes.accessChanged);
    const again = await enterRoom('kulttuurifoorumi', cookies.moderaattori);
    const welcome = await again.welcome();
    expect(welcome.you.canModerate).toBe(false);
    expect(welcome.state!.settings.slowModeSeconds).toBe(0);
    await as('yllapito', 'POST', '/api/spaces/kulttuurifoorumi/people', { email: 'moderaattori@pihlajalahti.example', role: 'moderator' });
  });

  it('is closed when the person gains a right too, and the new socket carries it', async () => {
    const resident = await enterRoom('kulttuurifoorumi', cookies.asukas);
    expect((await resident.welcome()).you.canModerate).toBe(false);
    await as('yllapito', 'POST', '/api/spaces/kulttuurifoorumi/people', { email: 'asukas@pihlajalahti.example', role: 'moderator' });
    expect(await closedWithinASecond(resident)).toBe(closeCodes.accessChanged);
    expect((await (await enterRoom('kulttuurifoorumi', cookies.asukas)).welcome()).you.canModerate).toBe(true);
    await as('yllapito', 'DELETE', `/api/spaces/kulttuurifoorumi/people/${ids.asukas}/roles/moderator`);
  });

  it('of a visitor is closed when the space is made members-only, and the staff’s stays open', async () => {
    const visitor = await enterRoom('kuntalaisfoorumi', undefined);
    const chair = await enterRoom('kuntalaisfoorumi', cookies.puheenjohtaja);
    await Promise.all([visitor.welcome(), chair.welcome()]);
    await as('puheenjohtaja', 'PATCH', '/api/spaces/kuntalaisfoorumi', { visibility: 'members' });
    expect(await closedWithinASecond(visitor)).toBe(closeCodes.accessChanged);
    // A members-only space's meeting is answered to an outsider as one that does not exist.
    const refused = await enterRoom('kuntalaisfoorumi', undefined);
    expect(await refused.closed()).toBe(closeCodes.notFound);
    // The chair's rights stand: their socket is rechecked and answers as before.
    expect((await chair.request({ type: 'chat.send', text: 'Yhä täällä' })).type).toBe('ack');
    expect(chair.closeCode).toBeNull();
    await as('puheenjohtaja', 'PATCH', '/api/spaces/kuntalaisfoorumi', { visibility: 'public' });
  });
});

describe('the sockets of a session that ended', () => {
  it('are closed when it signs out, and those of the person’s other sessions stay open', async () => {
    const first = await extraSession(t.app.db.sql, ids.asukas!);
    const second = await extraSession(t.app.db.sql, ids.asukas!);
    const signingOut = await enterRoom('ymparistofoorumi', first.cookie);
    const staying = await enterRoom('ymparistofoorumi', second.cookie);
    await Promise.all([signingOut.welcome(), staying.welcome()]);
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/signout', headers: { cookie: first.cookie } });
    expect(response.statusCode).toBe(204);
    expect(await closedWithinASecond(signingOut)).toBe(closeCodes.sessionEnded);
    expect((await staying.request({ type: 'chat.send', text: 'Toinen laite' })).type).toBe('ack');
    expect(staying.closeCode).toBeNull();
  });

  it('are closed when the session is ended from another device', async () => {
    const here = await extraSession(t.app.db.sql, ids.asukas!);
    const elsewhere = await extraSession(t.app.db.sql, ids.asukas!);
    const socket = await enterRoom('ymparistofoorumi', elsewhere.cookie);
    const document = connect(url, `meeting:${(await idsOf(t.app.db.sql, 'ymparistofoorumi')).meetingId}:notes`, elsewhere.cookie);
    documents.push(document);
    await Promise.all([socket.welcome(), synced(document)]);
    const response = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${elsewhere.sessionId}`, headers: { cookie: here.cookie } });
    expect(response.statusCode).toBe(204);
    expect(await closedWithinASecond(socket)).toBe(closeCodes.sessionEnded);
    await eventually(() => document.closeCodes.includes(closeCodes.sessionEnded), 1000, 'the document socket closed with sessionEnded');
  });

  it('are all closed when every session of the person ends (as a password reset does)', async () => {
    const sessions = [await extraSession(t.app.db.sql, ids.raati3!), await extraSession(t.app.db.sql, ids.raati3!)];
    const sockets = await Promise.all(sessions.map((s) => enterRoom('asukasraati', s.cookie)));
    await Promise.all(sockets.map((s) => s.welcome()));
    await invalidateAllSessions(t.app.db.sql, t.app.accessChanges, ids.raati3!);
    expect(await Promise.all(sockets.map(closedWithinASecond))).toEqual([closeCodes.sessionEnded, closeCodes.sessionEnded]);
    cookies.raati3 = await signIn(t.app, 'raati3@pihlajalahti.example', DEMO_PASSWORD);
  });
});
