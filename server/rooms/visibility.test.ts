/**
 * What each viewer of a room is sent, live and when resuming with `?since=`, against what a fresh
 * load shows them: nothing hidden from them since (a line, a question, a reason, poll results)
 * reaches them, and their client folds what they were sent into the room a fresh load shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { resumeViewer, ViewerFold, visibilityProblems } from '../hardening/room-visibility.ts';
import type { RoomEvent, ServerMessage } from '../protocol/room-messages.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { RoomTestClient } from './test-client.ts';

let t: TestApp;
let url: string;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['asukas', 'raati', 'moderaattori', 'puheenjohtaja', 'sihteeri']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
    ids[who] = (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookies[who]! } })).json().user.id;
  }
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await t.close();
});

/** A meeting of its own for each test, in a public forum where the demo's moderator, secretary and chair hold their roles. */
async function freshMeeting(): Promise<string> {
  const [row] = await t.app.db.sql<{ id: string }[]>`
    insert into meetings (space_id, title, description, starts_at, ends_at, mode, place)
    select id, ${t.app.db.sql.json({ fi: 'Kokous' })}, ${t.app.db.sql.json({ fi: '' })}, now(), now() + interval '2 hours', 'meeting', 'online'
    from spaces where slug = 'ymparistofoorumi' returning id`;
  return row!.id;
}

async function join(meetingId: string, who: string | null, since?: number): Promise<RoomTestClient> {
  const client = await RoomTestClient.connect(url, meetingId, { ...(who ? { cookie: cookies[who]! } : {}), ...(since !== undefined ? { since } : {}) });
  clients.push(client);
  await client.welcome();
  return client;
}

type EventFrame = Extract<ServerMessage, { type: 'event' }>;

/** Sends a message that must be carried out; the event it caused, as `staff` (who sees everything) received it. */
async function caused<T extends RoomEvent['type']>(by: RoomTestClient, message: Parameters<RoomTestClient['request']>[0], staff: RoomTestClient, type: T) {
  const answer = await by.request(message);
  if (answer.type !== 'ack' || answer.seq === null) throw new Error(`${JSON.stringify(message)}: ${JSON.stringify(answer)}`);
  const seq = answer.seq;
  const frame = (await staff.waitFor((m) => m.type === 'event' && m.seq === seq)) as EventFrame;
  if (frame.event.type !== type) throw new Error(`${JSON.stringify(message)} caused ${frame.event.type}, not ${type}`);
  return frame.event as Extract<RoomEvent, { type: T }>;
}

async function ok(answer: Promise<Extract<ServerMessage, { type: 'ack' | 'error' }>>): Promise<void> {
  expect(await answer).toMatchObject({ type: 'ack' });
}

/** Every event so far has reached these viewers: a caption line (everyone's) as a marker. */
async function settled(chair: RoomTestClient, ...viewers: RoomTestClient[]): Promise<void> {
  const answer = await chair.request({ type: 'caption.send', text: 'Merkki', final: true });
  if (answer.type !== 'ack') throw new Error(JSON.stringify(answer));
  await Promise.all(viewers.map((v) => v.waitFor((m) => m.type === 'event' && m.seq >= answer.seq!)));
}

/** A viewer resuming after `since` (holding the room as it stood then), once all of its replay has arrived. */
async function resume(meetingId: string, who: string | null, since: number) {
  const resumed = await resumeViewer(url, t.app.db.sql, meetingId, who ? cookies[who] : undefined, since);
  if (!resumed) throw new Error(`${who ?? 'a guest'} was turned away`);
  clients.push(resumed.client);
  return resumed;
}

/** A viewer who has been connected since `client` was welcomed. */
function live(client: RoomTestClient): ViewerFold {
  const fold = new ViewerFold();
  fold.follow(client, 0);
  fold.catchUp();
  return fold;
}

/**
 * Nothing the viewer was sent shows more than their snapshot did then, and their fold is what a
 * fresh load shows at the point of the log it has reached (after `settled`, everything so far).
 */
async function expectWithinSnapshots(meetingId: string, fold: ViewerFold): Promise<void> {
  expect(await visibilityProblems(t.app.db.sql, meetingId, fold)).toEqual([]);
}

const eventsOf = <T extends string>(client: RoomTestClient, type: T) =>
  client.events().flatMap((m) => (m.event.type === type ? [m.event as Extract<EventFrame['event'], { type: T }>] : []));

describe('resuming with ?since=', () => {
  it('sends a guest resuming from 0 neither a question hidden while pending, nor one hidden after it was shown, nor a chat line hidden later: no text, no author', async () => {
    const meetingId = await freshMeeting();
    const moderator = await join(meetingId, 'moderaattori');
    const resident = await join(meetingId, 'asukas');
    await ok(moderator.request({ type: 'room.settings', premoderation: true }));
    const pending = await caused(resident, { type: 'question.ask', text: 'Salainen kysymys', anonymous: false }, moderator, 'question.asked');
    await ok(moderator.request({ type: 'question.hide', questionId: pending.questionId, reason: 'Asiaton' }));
    await ok(moderator.request({ type: 'room.settings', premoderation: false }));
    const shown = await caused(resident, { type: 'question.ask', text: 'Hetken näkynyt kysymys', anonymous: false }, moderator, 'question.asked');
    await ok(moderator.request({ type: 'question.hide', questionId: shown.questionId, reason: 'Asiaton' }));
    const line = await caused(resident, { type: 'chat.send', text: 'Hetken näkynyt viesti' }, moderator, 'chat.posted');
    await ok(moderator.request({ type: 'chat.hide', messageId: line.messageId, reason: 'Kiroilua' }));

    const guest = await resume(meetingId, null, 0);
    const sent = JSON.stringify(guest.client.received);
    for (const text of ['Salainen kysymys', 'Hetken näkynyt kysymys', 'Hetken näkynyt viesti']) expect(sent).not.toContain(text);
    expect(eventsOf(guest.client, 'chat.posted').filter((e) => e.messageId === line.messageId)).toEqual([]);
    expect(guest.fold.room!.chat.find((m) => m.messageId === line.messageId)).toMatchObject({ userId: null, name: null, text: null, hidden: { reason: 'Kiroilua' } });
    expect(guest.fold.room!.questions).toEqual([]);
    await expectWithinSnapshots(meetingId, guest.fold);

    // Their author resuming sees both questions as hidden, with the reason, and the line as theirs, without its text.
    const author = await resume(meetingId, 'asukas', 0);
    expect(author.fold.room!.questions.map((q) => [q.text, q.status, q.hiddenReason])).toEqual([
      ['Salainen kysymys', 'hidden', 'Asiaton'],
      ['Hetken näkynyt kysymys', 'hidden', 'Asiaton'],
    ]);
    expect(author.fold.room!.chat.find((m) => m.messageId === line.messageId)).toMatchObject({ userId: ids.asukas, text: null });
    await expectWithinSnapshots(meetingId, author.fold);
  });

  it('still replays what was missed when nothing in it was hidden since', async () => {
    const meetingId = await freshMeeting();
    const moderator = await join(meetingId, 'moderaattori');
    const resident = await join(meetingId, 'asukas');
    const early = await caused(resident, { type: 'chat.send', text: 'Ensimmäinen' }, moderator, 'chat.posted');
    await ok(moderator.request({ type: 'chat.hide', messageId: early.messageId, reason: 'Kiroilua' }));
    const [log] = await t.app.db.sql<{ lastSeq: string }[]>`select last_seq as "lastSeq" from room_logs where meeting_id = ${meetingId}`;
    await ok(resident.request({ type: 'chat.send', text: 'Toinen' }));
    const guest = await resume(meetingId, null, Number(log!.lastSeq));
    expect((await guest.client.welcome()).state).toBeNull();
    expect(eventsOf(guest.client, 'chat.posted').map((e) => e.text)).toEqual(['Toinen']);
    await expectWithinSnapshots(meetingId, guest.fold);
  });
});

describe('what a fresh load shows the public', () => {
  it('keeps a line held by the word filter and then hidden out of the public’s sight, author and all', async () => {
    const meetingId = await freshMeeting();
    const moderator = await join(meetingId, 'moderaattori');
    const resident = await join(meetingId, 'asukas');
    await ok(moderator.request({ type: 'room.settings', wordFilter: ['kielletty'] }));
    const held = await caused(resident, { type: 'chat.send', text: 'kielletty sana' }, moderator, 'chat.posted');
    expect(held.held).toBe(true);
    await ok(moderator.request({ type: 'chat.hide', messageId: held.messageId, reason: 'Kiroilua' }));
    for (const who of [null, 'raati']) {
      const viewer = await join(meetingId, who);
      expect((await viewer.welcome()).state!.chat.map((m) => m.messageId)).not.toContain(held.messageId);
    }
    // Its author is told it was hidden.
    const author = await join(meetingId, 'asukas');
    expect((await author.welcome()).state!.chat.find((m) => m.messageId === held.messageId)).toMatchObject({ userId: ids.asukas, text: null, hidden: { reason: 'Kiroilua' } });
  });

  it('keeps a pending question merged into another out of the public’s sight, and counts its asker’s support', async () => {
    const meetingId = await freshMeeting();
    const moderator = await join(meetingId, 'moderaattori');
    const resident = await join(meetingId, 'asukas');
    const guest = await join(meetingId, null);
    await ok(moderator.request({ type: 'room.settings', premoderation: true }));
    const pending = await caused(resident, { type: 'question.ask', text: 'Hyväksymätön kaksoiskappale', anonymous: false }, moderator, 'question.asked');
    const target = await caused(moderator, { type: 'question.ask', text: 'Milloin uimahalli avataan?', anonymous: false }, moderator, 'question.asked');
    await ok(moderator.request({ type: 'question.merge', questionId: pending.questionId, intoId: target.questionId }));
    const chair = await join(meetingId, 'puheenjohtaja');
    await settled(chair, guest);
    const fresh = (await (await join(meetingId, null)).welcome()).state!;
    expect(fresh.questions.map((q) => [q.questionId, q.votes])).toEqual([[target.questionId, 1]]);
    expect(JSON.stringify(guest.received)).not.toContain('Hyväksymätön kaksoiskappale');
    await expectWithinSnapshots(meetingId, live(guest));
  });

  it('refuses to merge a hidden question, which would otherwise have shown it again', async () => {
    const meetingId = await freshMeeting();
    const moderator = await join(meetingId, 'moderaattori');
    const resident = await join(meetingId, 'asukas');
    const hidden = await caused(resident, { type: 'question.ask', text: 'Loukkaava kysymys', anonymous: false }, moderator, 'question.asked');
    const target = await caused(moderator, { type: 'question.ask', text: 'Asiallinen kysymys', anonymous: false }, moderator, 'question.asked');
    await ok(moderator.request({ type: 'question.hide', questionId: hidden.questionId, reason: 'Loukkaava' }));
    expect(await moderator.request({ type: 'question.merge', questionId: hidden.questionId, intoId: target.questionId })).toMatchObject({ type: 'error', code: 'conflict' });
    const fresh = (await (await join(meetingId, null)).welcome()).state!;
    expect(fresh.questions.map((q) => q.text)).toEqual(['Asiallinen kysymys']);
  });
});

describe('what is sent live', () => {
  it('keeps hall votes hidden with the other results while the chair hides them', async () => {
    const meetingId = await freshMeeting();
    const chair = await join(meetingId, 'puheenjohtaja');
    const secretary = await join(meetingId, 'sihteeri');
    const resident = await join(meetingId, 'asukas');
    const guest = await join(meetingId, null);
    const poll = await caused(chair, { type: 'poll.open', question: 'Tekonurmi?', options: ['Kyllä', 'Ei'], multiple: false, resultsWhile: 'closed' }, chair, 'poll.opened');
    await ok(resident.request({ type: 'poll.vote', pollId: poll.pollId, optionIds: [poll.options[0]!.id] }));
    await ok(secretary.request({ type: 'poll.hallCount', pollId: poll.pollId, counts: { [poll.options[0]!.id]: 40, [poll.options[1]!.id]: 3 } }));
    await settled(chair, resident, guest);
    expect(eventsOf(guest, 'poll.hallCounted')).toEqual([]);
    expect(eventsOf(resident, 'poll.hallCounted')).toEqual([]);
    expect(eventsOf(chair, 'poll.hallCounted')).toHaveLength(1);
    for (const viewer of [guest, resident, chair]) await expectWithinSnapshots(meetingId, live(viewer));
    // Closing shows everyone the results, hall votes included.
    await ok(chair.request({ type: 'poll.close', pollId: poll.pollId }));
    const closed = await guest.waitFor((m) => m.type === 'event' && m.event.type === 'poll.closed');
    expect((closed as EventFrame).event).toMatchObject({ results: { hall: { [poll.options[0]!.id]: 40, [poll.options[1]!.id]: 3 }, voters: 1 } });
  });

  it('tells a hidden question’s reason to its author and the staff, not to the room', async () => {
    const meetingId = await freshMeeting();
    const moderator = await join(meetingId, 'moderaattori');
    const resident = await join(meetingId, 'asukas');
    const guest = await join(meetingId, null);
    const other = await join(meetingId, 'raati');
    const question = await caused(resident, { type: 'question.ask', text: 'Miksi?', anonymous: true }, moderator, 'question.asked');
    await ok(moderator.request({ type: 'question.hide', questionId: question.questionId, reason: 'Henkilöön käyvä' }));
    const chair = await join(meetingId, 'puheenjohtaja');
    await settled(chair, resident, guest, other);
    expect(eventsOf(resident, 'question.hidden')).toEqual([{ type: 'question.hidden', questionId: question.questionId, reason: 'Henkilöön käyvä' }]);
    for (const viewer of [guest, other]) {
      expect(eventsOf(viewer, 'question.hidden')).toEqual([{ type: 'question.hidden', questionId: question.questionId, reason: '' }]);
      await expectWithinSnapshots(meetingId, live(viewer));
    }
  });

  it('tells the chair’s reason for taking someone out of the queue to them and the staff, not to the room', async () => {
    const meetingId = await freshMeeting();
    const chair = await join(meetingId, 'puheenjohtaja');
    const resident = await join(meetingId, 'asukas');
    const guest = await join(meetingId, null);
    await ok(resident.request({ type: 'queue.raise', pointOfOrder: false }));
    await ok(chair.request({ type: 'queue.remove', userId: ids.asukas!, reason: 'Puhui jo kolmesti' }));
    await settled(chair, resident, guest);
    expect(eventsOf(resident, 'queue.lowered')).toEqual([{ type: 'queue.lowered', userId: ids.asukas, reason: 'Puhui jo kolmesti' }]);
    expect(eventsOf(guest, 'queue.lowered')).toEqual([{ type: 'queue.lowered', userId: ids.asukas, reason: null }]);
    await expectWithinSnapshots(meetingId, live(guest));
  });

  it('takes a removed participant out of everyone’s list and queue, as a fresh load shows, telling the reason only to the staff and them', async () => {
    const meetingId = await freshMeeting();
    const moderator = await join(meetingId, 'moderaattori');
    const juror = await join(meetingId, 'raati');
    const guest = await join(meetingId, null);
    const resident = await join(meetingId, 'asukas');
    await ok(juror.request({ type: 'queue.raise', pointOfOrder: false }));
    await ok(moderator.request({ type: 'participant.remove', userId: ids.raati!, reason: 'Häirintä' }));
    expect(await juror.closed()).toBe(4409);
    const chair = await join(meetingId, 'puheenjohtaja');
    await settled(chair, guest, resident);
    for (const viewer of [guest, resident]) {
      expect(eventsOf(viewer, 'participant.removed')).toEqual([{ type: 'participant.removed', userId: ids.raati, reason: '' }]);
      await expectWithinSnapshots(meetingId, live(viewer));
    }
    expect(eventsOf(moderator, 'participant.removed')).toEqual([{ type: 'participant.removed', userId: ids.raati, reason: 'Häirintä' }]);
  });
});
