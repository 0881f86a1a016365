import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import type { ServerMessage } from '../protocol/room-messages.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { MAX_SOCKETS_PER_PERSON } from './room.ts';
import { RoomTestClient } from './test-client.ts';

let t: TestApp;
let url: string;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const meetings: Record<string, string> = {};
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['asukas', 'raati', 'raati2', 'raati3', 'moderaattori', 'puheenjohtaja', 'sihteeri']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
    ids[who] = (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookies[who]! } })).json().user.id;
  }
  const rows = await t.app.db.sql<{ id: string; slug: string }[]>`select m.id, s.slug from meetings m join spaces s on s.id = m.space_id`;
  for (const row of rows) meetings[row.slug] = row.id;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await t.close();
});

async function join(who: string | null, slug = 'ymparistofoorumi', opts: { since?: number } = {}) {
  const client = await RoomTestClient.connect(url, meetings[slug]!, { ...(who ? { cookie: cookies[who]! } : {}), ...opts });
  clients.push(client);
  return client;
}

const chatTexts = (client: RoomTestClient) =>
  client.events().flatMap((m) => (m.event.type === 'chat.posted' ? [m.event.text] : []));

describe('the room socket', () => {
  it('welcomes a participant with the room’s state and their rights', async () => {
    const chair = await join('puheenjohtaja');
    const welcome = await chair.welcome();
    expect(welcome.you).toMatchObject({ name: 'Paavo Puhemies', canParticipate: true, canModerate: true, canChair: true });
    expect(welcome.state?.mode).toBe('meeting');
    expect(welcome.checkInCode).toMatch(/^[A-Za-z0-9_-]{8}$/);
    const resident = await join('asukas');
    const mine = await resident.welcome();
    expect(mine.you).toMatchObject({ canParticipate: true, canModerate: false, canChair: false });
    expect(mine.checkInCode).toBeNull();
    await chair.waitFor((m) => m.type === 'event' && m.event.type === 'presence.joined' && m.event.userId === ids.asukas);
  });

  it('sends chat to everyone, in order, and lets a guest watch but not post', async () => {
    const a = await join('asukas', 'kuntalaisfoorumi');
    const guest = await join(null, 'kuntalaisfoorumi');
    expect((await guest.welcome()).you.canParticipate).toBe(false);
    expect(await a.request({ type: 'chat.send', text: 'Hyvää iltaa' })).toMatchObject({ type: 'ack' });
    await guest.waitFor((m) => m.type === 'event' && m.event.type === 'chat.posted' && m.event.text === 'Hyvää iltaa');
    const refused = await guest.request({ type: 'chat.send', text: 'Saanko minäkin?' });
    expect(refused).toMatchObject({ type: 'error', code: 'sign_in_required' });
    expect(guest.closeCode).toBeNull();
  });

  it('keeps the socket open after an invalid frame, with an error naming the problem', async () => {
    const a = await join('asukas');
    await a.welcome();
    expect(await a.request({ type: 'chat.send', text: 'x'.repeat(1001) })).toMatchObject({ type: 'error', code: 'invalid_message' });
    a.sendRaw('not json');
    await a.waitFor((m) => m.type === 'error' && m.message === 'Frames must be JSON text');
    const unknown = await a.request({ type: 'chat.explode' } as never);
    expect(unknown).toMatchObject({ code: 'invalid_message', message: 'Unknown message type "chat.explode"' });
    expect(await a.request({ type: 'chat.send', text: 'still here' })).toMatchObject({ type: 'ack' });
  });

  it('closes a socket that keeps sending garbage, and only that one', async () => {
    const abuser = await join('raati', 'ymparistofoorumi');
    const bystander = await join('asukas', 'ymparistofoorumi');
    await abuser.welcome();
    await bystander.welcome();
    for (let i = 0; i < 40; i += 1) abuser.sendRaw('{"type":');
    expect(await abuser.closed()).toBe(4408);
    expect(await bystander.request({ type: 'chat.send', text: 'minä olen yhä täällä' })).toMatchObject({ type: 'ack' });
  });

  it('refuses a 1 MB frame without closing other sockets', async () => {
    const big = await join('raati3', 'ymparistofoorumi');
    const other = await join('asukas', 'ymparistofoorumi');
    await big.welcome();
    await other.welcome();
    big.sendRaw(JSON.stringify({ type: 'chat.send', text: 'x'.repeat(1024 * 1024) }));
    expect(await big.closed()).toBe(1009);
    expect(await other.request({ type: 'chat.send', text: 'ok' })).toMatchObject({ type: 'ack' });
  });

  it('throttles a flood of messages', async () => {
    const flooder = await join('raati2', 'kuntalaisfoorumi');
    await flooder.welcome();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => flooder.request({ type: 'question.vote', questionId: `q${i}`, up: true })));
    expect(answers.filter((a) => a.type === 'error' && a.code === 'rate_limited').length).toBeGreaterThan(10);
  });

  it('refuses a muted participant’s messages, with the reason', async () => {
    const moderator = await join('moderaattori', 'liikuntafoorumi');
    const resident = await join('asukas', 'liikuntafoorumi');
    await moderator.welcome();
    await resident.welcome();
    await moderator.waitFor((m) => m.type === 'event' && m.event.type === 'presence.joined' && m.event.userId === ids.asukas);
    expect(await moderator.request({ type: 'participant.mute', userId: ids.asukas!, minutes: 10, reason: 'Huutelu' })).toMatchObject({ type: 'ack' });
    const refused = await resident.request({ type: 'chat.send', text: 'Hei!' });
    expect(refused).toMatchObject({ type: 'error', code: 'muted' });
    expect((refused as { message: string }).message).toMatch(/Huutelu/);
    expect((refused as { details: { reason: string; until: string } }).details).toMatchObject({ reason: 'Huutelu' });
    await moderator.request({ type: 'participant.unmute', userId: ids.asukas! });
    expect(await resident.request({ type: 'chat.send', text: 'Kiitos' })).toMatchObject({ type: 'ack' });
  });

  it('lets only the chair give the floor', async () => {
    const chair = await join('puheenjohtaja', 'kulttuurifoorumi');
    const resident = await join('asukas', 'kulttuurifoorumi');
    await chair.welcome();
    await resident.welcome();
    await resident.request({ type: 'queue.raise', pointOfOrder: false });
    const attempt = await resident.request({ type: 'floor.give', userId: ids.asukas! });
    expect(attempt).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await chair.request({ type: 'floor.next', preferNotYetSpoken: true })).toMatchObject({ type: 'ack' });
    await resident.waitFor((m) => m.type === 'event' && m.event.type === 'floor.given' && m.event.userId === ids.asukas);
  });

  it('shows the same queue order to five clients after concurrent raises, points of order first', async () => {
    const people = ['asukas', 'raati', 'raati2', 'raati3', 'sihteeri'];
    const joined = await Promise.all(people.map((who) => join(who, 'kuntalaisfoorumi')));
    await Promise.all(joined.map((c) => c.welcome()));
    await Promise.all(joined.map((c, i) => c.request({ type: 'queue.raise', pointOfOrder: i === 3 })));
    const observers = await Promise.all(people.map((who) => join(who, 'kuntalaisfoorumi')));
    const orders = await Promise.all(observers.map(async (c) => (await c.welcome()).state!.queue.map((q) => q.userId)));
    for (const order of orders) expect(order).toEqual(orders[0]);
    expect(orders[0]![0]).toBe(ids.raati3);
    expect(new Set(orders[0]).size).toBe(5);
    // Live clients that applied the events one by one hold the same order as fresh snapshots.
    // (The others' raises may still be on their way to it when the snapshots are read.)
    const live = () => joined[0]!.events().filter((m) => m.event.type === 'queue.raised').map((m) => (m.event as { userId: string }).userId);
    await expect.poll(() => new Set(live())).toEqual(new Set(orders[0]));
  });

  it('replays exactly what a disconnected client missed: 100 messages, once each, in order', async () => {
    const away = await join('raati', 'asukasraati');
    const talkers = await Promise.all(['raati2', 'raati3', 'puheenjohtaja', 'sihteeri'].map((who) => join(who, 'asukasraati')));
    await away.welcome();
    await Promise.all(talkers.map((c) => c.welcome()));
    expect(await away.request({ type: 'chat.send', text: 'before' })).toMatchObject({ type: 'ack' });
    const lastSeen = Math.max(...away.events().map((m) => m.seq));
    await away.close();
    for (let i = 1; i <= 100; i += 1) {
      const talker = talkers[i % talkers.length]!;
      let answer = await talker.request({ type: 'chat.send', text: `message ${i}` });
      // Each person may send 5 a second after a burst of 20: wait for the bucket as a client would.
      while (answer.type === 'error' && answer.code === 'rate_limited') {
        await new Promise((resolve) => setTimeout(resolve, 250));
        answer = await talker.request({ type: 'chat.send', text: `message ${i}` });
      }
      expect(answer.type).toBe('ack');
    }
    const back = await join('raati', 'asukasraati', { since: lastSeen });
    const welcome = await back.welcome();
    expect(welcome.state).toBeNull();
    await back.waitFor((m) => m.type === 'event' && m.event.type === 'chat.posted' && m.event.text === 'message 100');
    const texts = chatTexts(back);
    expect(texts).toEqual(Array.from({ length: 100 }, (_, i) => `message ${i + 1}`));
    const seqs = back.events().map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  }, 60_000);

  it('keeps a juror-only room closed to outsiders, signed in or not, exactly as a meeting that does not exist', async () => {
    const closing = async (client: RoomTestClient) => [await client.closed(), client.closeReason];
    const nowhere = await closing(await RoomTestClient.connect(url, randomUUID()));
    expect(nowhere).toEqual([4404, 'No such meeting']);
    expect(await closing(await join('asukas', 'asukasraati'))).toEqual(nowhere);
    // Asking a signed-out visitor to sign in would confirm that a private jury meets under this id.
    expect(await closing(await join(null, 'asukasraati'))).toEqual(nowhere);
  });

  it('refuses a socket opened from another site', async () => {
    const client = await RoomTestClient.connect(url, meetings.ymparistofoorumi!, { cookie: cookies.asukas!, origin: 'https://evil.example' });
    clients.push(client);
    expect(await client.closed()).toBe(4403);
  });
});

describe('moderation and the meeting’s end', () => {
  it('removes a participant with a reason, and keeps them out when they reconnect', async () => {
    const moderator = await join('moderaattori', 'kulttuurifoorumi');
    const resident = await join('raati2', 'kulttuurifoorumi');
    await moderator.welcome();
    await resident.welcome();
    await moderator.waitFor((m) => m.type === 'event' && m.event.type === 'presence.joined' && m.event.userId === ids.raati2);
    expect(await moderator.request({ type: 'participant.remove', userId: ids.raati2!, reason: 'Häirintä' })).toMatchObject({ type: 'ack' });
    expect(await resident.closed()).toBe(4409);
    const again = await join('raati2', 'kulttuurifoorumi');
    expect(await again.closed()).toBe(4409);
  });

  it('refuses messages once the meeting has ended', async () => {
    const chair = await join('puheenjohtaja', 'ymparistofoorumi');
    await chair.welcome();
    const meetingId = meetings.ymparistofoorumi!;
    for (const step of ['start', 'end']) {
      const response = await t.app.inject({ method: 'POST', url: `/api/meetings/${meetingId}/${step}`, headers: { cookie: cookies.puheenjohtaja! }, payload: {} });
      expect(response.statusCode).toBe(200);
    }
    expect(await chair.request({ type: 'chat.send', text: 'Vielä yksi asia' })).toMatchObject({ type: 'error', code: 'meeting_closed' });
  });
});

describe('questions and polls', () => {
  it('pre-moderates questions in a broadcast, keeps anonymous authors anonymous, and counts votes once', async () => {
    const moderator = await join('moderaattori', 'kuntalaisfoorumi');
    const asker = await join('asukas', 'kuntalaisfoorumi');
    const voter = await join('raati', 'kuntalaisfoorumi');
    await Promise.all([moderator.welcome(), asker.welcome(), voter.welcome()]);
    const asked = await asker.request({ type: 'question.ask', text: 'Miksi uimahallin remontti viivästyy?', anonymous: true });
    expect(asked.type).toBe('ack');
    const pending = await moderator.waitFor(
      (m): m is Extract<ServerMessage, { type: 'event' }> => m.type === 'event' && m.event.type === 'question.asked' && m.event.pending,
    );
    const questionId = (pending.event as { questionId: string }).questionId;
    expect(pending.event).toMatchObject({ userId: ids.asukas, anonymous: true });
    expect(voter.events().some((m) => m.event.type === 'question.asked' && (m.event as { questionId: string }).questionId === questionId)).toBe(false);

    await moderator.request({ type: 'question.approve', questionId });
    const published = await voter.waitFor((m) => m.type === 'event' && m.event.type === 'question.asked' && (m.event as { questionId: string }).questionId === questionId);
    expect((published as { event: unknown }).event).toMatchObject({ userId: null, name: null, anonymous: true });

    expect(await voter.request({ type: 'question.vote', questionId, up: true })).toMatchObject({ type: 'ack' });
    await voter.request({ type: 'question.vote', questionId, up: true });
    const tally = await asker.waitFor((m) => m.type === 'event' && m.event.type === 'question.tally');
    expect((tally as { event: unknown }).event).toMatchObject({ questionId, votes: 1, mine: null });
    expect(await asker.request({ type: 'question.vote', questionId, up: true })).toMatchObject({ code: 'own_question' });
  });

  it('runs a poll with results hidden until closed, changeable votes, and hall votes counted apart', async () => {
    const chair = await join('puheenjohtaja', 'liikuntafoorumi');
    const secretary = await join('sihteeri', 'liikuntafoorumi');
    const a = await join('asukas', 'liikuntafoorumi');
    const b = await join('raati', 'liikuntafoorumi');
    await Promise.all([chair.welcome(), secretary.welcome(), a.welcome(), b.welcome()]);
    await chair.request({ type: 'poll.open', question: 'Tekonurmi vai luonnonnurmi?', options: ['Tekonurmi', 'Luonnonnurmi'], multiple: false, resultsWhile: 'closed' });
    const opened = await a.waitFor((m) => m.type === 'event' && m.event.type === 'poll.opened');
    const poll = (opened as { event: { pollId: string; options: { id: string }[] } }).event;
    const [artificial, natural] = poll.options.map((o) => o.id) as [string, string];
    await a.request({ type: 'poll.vote', pollId: poll.pollId, optionIds: [artificial] });
    await a.request({ type: 'poll.vote', pollId: poll.pollId, optionIds: [natural] });
    await b.request({ type: 'poll.vote', pollId: poll.pollId, optionIds: [natural] });
    expect(await b.request({ type: 'poll.vote', pollId: poll.pollId, optionIds: [artificial, natural] })).toMatchObject({ code: 'invalid_choice' });
    expect(b.events().filter((m) => m.event.type === 'poll.tally').every((m) => Object.keys((m.event as { remote: object }).remote).length === 0)).toBe(true);
    expect(await a.request({ type: 'poll.hallCount', pollId: poll.pollId, counts: { [artificial]: 5 } })).toMatchObject({ code: 'forbidden' });
    await secretary.request({ type: 'poll.hallCount', pollId: poll.pollId, counts: { [artificial]: 12, [natural]: 4 } });
    await chair.request({ type: 'poll.close', pollId: poll.pollId });
    // Those who could not see the results while voting get them with the close.
    const closedLive = await b.waitFor((m) => m.type === 'event' && m.event.type === 'poll.closed');
    expect((closedLive as { event: { results: unknown } }).event.results).toEqual({ remote: { [artificial]: 0, [natural]: 2 }, hall: { [artificial]: 12, [natural]: 4 }, voters: 2 });
    const fresh = await join('raati2', 'liikuntafoorumi');
    const closed = (await fresh.welcome()).state!.polls.find((p) => p.pollId === poll.pollId)!;
    expect(closed.status).toBe('closed');
    expect(closed.results).toEqual({ remote: { [artificial]: 0, [natural]: 2 }, hall: { [artificial]: 12, [natural]: 4 }, voters: 2 });
    expect(await a.request({ type: 'poll.vote', pollId: poll.pollId, optionIds: [artificial] })).toMatchObject({ code: 'poll_closed' });
  });
});

describe('a publicly listed jury', () => {
  it('shows its page to all but keeps its sessions to its jurors', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/spaces/kuntalaisraati' })).statusCode).toBe(200);
    const outsider = await join('asukas', 'kuntalaisraati');
    expect(await outsider.closed()).toBe(4403);
    const anonymous = await join(null, 'kuntalaisraati');
    expect(await anonymous.closed()).toBe(4401);
    const juror = await join('raati2', 'kuntalaisraati');
    expect((await juror.welcome()).you.canParticipate).toBe(true);
  });
});

describe('sockets per person', () => {
  it(`lets one person hold ${MAX_SOCKETS_PER_PERSON} sockets in a room and refuses the next with 4429, logging no arrival for it; guests are not counted`, async () => {
    const watcher = await join(null, 'kulttuurifoorumi');
    const held = [];
    for (let i = 0; i < MAX_SOCKETS_PER_PERSON; i += 1) {
      const client = await join('sihteeri', 'kulttuurifoorumi');
      await client.welcome();
      held.push(client);
    }
    const over = await join('sihteeri', 'kulttuurifoorumi');
    expect(await Promise.race([over.welcome().then(() => 'welcomed'), over.closed()])).toBe(4429);
    expect(over.closeReason).toMatch(/close one/);
    const arrivals = async () => {
      const [row] = await t.app.db.sql<{ n: number }[]>`
        select count(*)::int as n from room_events where meeting_id = ${meetings.kulttuurifoorumi!}
        and event->>'type' = 'presence.joined' and event->>'userId' = ${ids.sihteeri!}`;
      return row!.n;
    };
    expect(await arrivals()).toBe(MAX_SOCKETS_PER_PERSON);
    // Guests write nothing to the log: a hall full of them behind one address is welcome.
    const guests = await Promise.all(Array.from({ length: 2 * MAX_SOCKETS_PER_PERSON }, () => join(null, 'kulttuurifoorumi')));
    for (const guest of guests) expect((await guest.welcome()).you.userId).toBeNull();
    // Closing one makes room for another.
    await held[0]!.close();
    await watcher.waitFor((m) => m.type === 'event' && m.event.type === 'presence.left' && m.event.userId === ids.sihteeri);
    const again = await join('sihteeri', 'kulttuurifoorumi');
    expect((await again.welcome()).you.userId).toBe(ids.sihteeri);
    expect(await arrivals()).toBe(MAX_SOCKETS_PER_PERSON + 1);
  });
});

describe('hall check-in', () => {
  it('gives the chair a QR poster whose code checks a participant in to the hall', async () => {
    const meetingId = meetings.liikuntafoorumi!;
    expect((await t.app.inject({ method: 'GET', url: `/api/meetings/${meetingId}/check-in.svg`, headers: { cookie: cookies.asukas! } })).statusCode).toBe(403);
    const poster = await t.app.inject({ method: 'GET', url: `/api/meetings/${meetingId}/check-in.svg`, headers: { cookie: cookies.puheenjohtaja! } });
    expect(poster.statusCode).toBe(200);
    expect(poster.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(poster.body).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    const chair = await join('puheenjohtaja', 'liikuntafoorumi');
    const code = (await chair.welcome()).checkInCode!;
    const resident = await join('raati3', 'liikuntafoorumi');
    await resident.welcome();
    expect(await resident.request({ type: 'presence.checkIn', code: 'wrong-code' })).toMatchObject({ code: 'invalid_code' });
    expect(await resident.request({ type: 'presence.checkIn', code })).toMatchObject({ type: 'ack' });
    const fresh = await join('moderaattori', 'liikuntafoorumi');
    const participant = (await fresh.welcome()).state!.participants.find((p) => p.userId === ids.raati3);
    expect(participant?.mode).toBe('hall');
  });
});
