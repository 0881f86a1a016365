import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../db/test-database.ts';
import type { ServerMessage } from '../protocol/room-messages.ts';
import { signInOverHttp, startServerProcess, upcomingMeetingOf, type ServerProcess } from '../test-process.ts';
import { MAX_SOCKETS_PER_PERSON } from './room.ts';
import { RoomTestClient } from './test-client.ts';

// Two server processes share a room through Redis and one PostgreSQL server. The embedded
// database belongs to a single process, so this runs when TEST_DATABASE_URL names a server.
const serverDatabase = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!serverDatabase) console.log('multi-process room test: runs only with TEST_DATABASE_URL (a shared PostgreSQL server)');

let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  if (!serverDatabase) return;
  database = await createTestDatabase();
  a = await startServerProcess(database.options, { REDIS_URL: redisUrl });
  // The second process finds the demo town seeded by the first.
  b = await startServerProcess(database.options, { REDIS_URL: redisUrl, AUKIO_DEMO: '0' });
}, 90_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await a?.stop();
  await b?.stop();
  await database?.drop();
});

describe.runIf(serverDatabase)('a room across two server processes', () => {
  it('shows the same chat, queue order and poll to participants on either process', async () => {
    const meetings = (await (await fetch(`${a.url}/api/meetings/upcoming`)).json()) as { meetings: { id: string; spaceSlug: string }[] };
    const meetingId = meetings.meetings.find((m) => m.spaceSlug === 'kulttuurifoorumi')!.id;
    const people = ['puheenjohtaja', 'asukas', 'moderaattori', 'sihteeri'];
    const joined = await Promise.all(
      people.map(async (who, i) => {
        const server = i % 2 === 0 ? a : b;
        const client = await RoomTestClient.connect(server.url, meetingId, { cookie: await signInOverHttp(server.url, who) });
        clients.push(client);
        await client.welcome();
        return client;
      }),
    );
    const [chair, onB1, onA, onB2] = joined as [RoomTestClient, RoomTestClient, RoomTestClient, RoomTestClient];

    expect((await onB1.request({ type: 'chat.send', text: 'Terveisiä prosessilta B' })).type).toBe('ack');
    await chair.waitFor((m) => m.type === 'event' && m.event.type === 'chat.posted' && m.event.text === 'Terveisiä prosessilta B');
    expect((await chair.request({ type: 'chat.send', text: 'Ja A vastaa' })).type).toBe('ack');
    await onB2.waitFor((m) => m.type === 'event' && m.event.type === 'chat.posted' && m.event.text === 'Ja A vastaa');

    await Promise.all([onB1, onA, onB2].map((c) => c.request({ type: 'queue.raise', pointOfOrder: false })));
    expect((await chair.request({ type: 'poll.open', question: 'Kesäteatteri?', options: ['Kyllä', 'Ei'], multiple: false, resultsWhile: 'open' })).type).toBe('ack');
    const opened = (await onB2.waitFor((m) => m.type === 'event' && m.event.type === 'poll.opened')) as Extract<ServerMessage, { type: 'event' }>;
    const poll = opened.event as { pollId: string; options: { id: string }[] };
    await onB1.request({ type: 'poll.vote', pollId: poll.pollId, optionIds: [poll.options[0]!.id] });
    await onA.request({ type: 'poll.vote', pollId: poll.pollId, optionIds: [poll.options[1]!.id] });

    const lastSeq = async (c: RoomTestClient) => Math.max(...c.events().map((m) => m.seq));
    const target = Math.max(...(await Promise.all(joined.map(lastSeq))));
    await Promise.all(joined.map((c) => c.waitFor((m) => m.type === 'event' && m.seq >= target)));

    // Fresh snapshots from each process agree with each other.
    const onEach = await Promise.all(
      [a, b].map(async (server) => {
        const c = await RoomTestClient.connect(server.url, meetingId, { cookie: await signInOverHttp(server.url, 'puheenjohtaja') });
        clients.push(c);
        return (await c.welcome()).state!;
      }),
    );
    const [stateA, stateB] = onEach as [NonNullable<(typeof onEach)[0]>, NonNullable<(typeof onEach)[0]>];
    expect(stateB.chat.map((m) => m.text)).toEqual(stateA.chat.map((m) => m.text));
    expect(stateA.chat.map((m) => m.text)).toEqual(['Terveisiä prosessilta B', 'Ja A vastaa']);
    expect(stateB.queue.map((q) => q.userId)).toEqual(stateA.queue.map((q) => q.userId));
    expect(stateA.queue).toHaveLength(3);
    expect(stateB.polls[0]!.results).toEqual(stateA.polls[0]!.results);
    expect(stateA.polls[0]!.results!.voters).toBe(2);
  }, 60_000);

  it(`caps one person's sockets in a room at ${MAX_SOCKETS_PER_PERSON} across both processes`, async () => {
    const meetingId = await upcomingMeetingOf(a.url, 'liikuntafoorumi');
    const cookies = { a: await signInOverHttp(a.url, 'raati3'), b: await signInOverHttp(b.url, 'raati3') };
    const open = async (on: 'a' | 'b') => {
      const client = await RoomTestClient.connect((on === 'a' ? a : b).url, meetingId, { cookie: cookies[on] });
      clients.push(client);
      return Promise.race([client.welcome().then(() => 'welcome'), client.closed()]);
    };
    // Alternating, so each process must count the other's arrivals (they reach it through the log's lock).
    for (let i = 0; i < MAX_SOCKETS_PER_PERSON; i += 1) expect(await open(i % 2 === 0 ? 'a' : 'b')).toBe('welcome');
    expect(await open('a')).toBe(4429);
    expect(await open('b')).toBe(4429);
  }, 60_000);
});
