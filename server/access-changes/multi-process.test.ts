/**
 * Rights changed on one server process reach the sockets open on another within a second,
 * through Redis, with the processes sharing one PostgreSQL server. The embedded database belongs
 * to a single process, so this runs when TEST_DATABASE_URL names a server.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/connection.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-database.ts';
import { connect, eventually, storedDoc, synced, type Client } from '../collab/test-helpers.ts';
import { closeCodes } from '../protocol/room-messages.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { signInOverHttp, startServerProcess, upcomingMeetingOf, type ServerProcess } from '../test-process.ts';

const serverDatabase = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!serverDatabase) console.log('multi-process access test: runs only with TEST_DATABASE_URL (a shared PostgreSQL server)');

let database: TestDatabase;
let db: Database;
let a: ServerProcess;
let b: ServerProcess;
const rooms: RoomTestClient[] = [];
const documents: Client[] = [];

// Each stock provider listens for the process's exit.
process.setMaxListeners(50);

beforeAll(async () => {
  if (!serverDatabase) return;
  database = await createTestDatabase();
  // Channels of this run's own: other runs on the same Redis are not heard.
  const env = { REDIS_URL: redisUrl, REDIS_PREFIX: `aukio-test-${randomBytes(6).toString('hex')}` };
  a = await startServerProcess(database.options, env);
  // The second process finds the demo town seeded by the first.
  b = await startServerProcess(database.options, { ...env, AUKIO_DEMO: '0' });
  db = await openDatabase(database.options);
}, 120_000);

afterAll(async () => {
  for (const document of documents) document.destroy();
  await Promise.all(rooms.map((c) => c.close()));
  await a?.stop();
  await b?.stop();
  await db?.close();
  await database?.drop();
});

/** A request over HTTP to a process, as a signed-in person's browser sends it. */
async function call(server: ServerProcess, cookie: string, method: string, path: string, body?: object): Promise<void> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { cookie, origin: server.url, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

async function userId(cookie: string): Promise<string> {
  return ((await (await fetch(`${a.url}/api/auth/me`, { headers: { cookie } })).json()) as { user: { id: string } }).user.id;
}

function closedWithinASecond(client: RoomTestClient): Promise<number | 'still open'> {
  return Promise.race([client.closed(), new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 1000))]);
}

describe.runIf(serverDatabase)('rights changed on another process', () => {
  it('close a revoked juror’s document socket within a second, and nothing it sends later is stored', async () => {
    const [chair, juror] = await Promise.all([signInOverHttp(a.url, 'puheenjohtaja'), signInOverHttp(b.url, 'raati2')]);
    const [jury] = await db.sql<{ id: string }[]>`select id from spaces where slug = 'asukasraati'`;
    const name = `space:${jury!.id}:recommendations`;
    const document = connect(b.url, name, juror);
    documents.push(document);
    await synced(document);
    document.doc.getText('t').insert(0, 'Ennen. ');
    await eventually(async () => (await storedDoc(db.sql, name)).getText('t').toString().includes('Ennen'), 5000, 'the juror’s edit stored');

    await call(a, chair, 'DELETE', `/api/spaces/asukasraati/people/${await userId(juror)}/roles/juror`);
    await eventually(() => document.closeCodes.includes(closeCodes.accessChanged), 1000, 'closed with accessChanged within a second');
    document.doc.getText('t').insert(0, 'Jälkeen. ');
    await eventually(() => document.closeCodes.includes(closeCodes.notFound), 5000, 'the reconnect refused: the members-only jury answers as a document that does not exist');
    expect((await storedDoc(db.sql, name)).getText('t').toString()).not.toContain('Jälkeen');
  }, 30_000);

  it('close a demoted moderator’s room socket within a second', async () => {
    const [admin, moderatorCookie] = await Promise.all([signInOverHttp(a.url, 'yllapito'), signInOverHttp(b.url, 'moderaattori')]);
    const meetingId = await upcomingMeetingOf(b.url, 'kulttuurifoorumi');
    const moderator = await RoomTestClient.connect(b.url, meetingId, { cookie: moderatorCookie });
    rooms.push(moderator);
    expect((await moderator.welcome()).you.canModerate).toBe(true);
    await call(a, admin, 'DELETE', `/api/spaces/kulttuurifoorumi/people/${await userId(moderatorCookie)}/roles/moderator`);
    expect(await closedWithinASecond(moderator)).toBe(closeCodes.accessChanged);
    const again = await RoomTestClient.connect(b.url, meetingId, { cookie: moderatorCookie });
    rooms.push(again);
    expect((await again.welcome()).you.canModerate).toBe(false);
  }, 30_000);

  it('close the room socket of a session signed out there within a second', async () => {
    const resident = await signInOverHttp(a.url, 'asukas');
    const meetingId = await upcomingMeetingOf(b.url, 'ymparistofoorumi');
    const socket = await RoomTestClient.connect(b.url, meetingId, { cookie: resident });
    rooms.push(socket);
    await socket.welcome();
    await call(a, resident, 'POST', '/api/auth/signout', {});
    expect(await closedWithinASecond(socket)).toBe(closeCodes.sessionEnded);
  }, 30_000);
});
