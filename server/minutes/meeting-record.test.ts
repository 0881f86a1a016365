import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import type { ServerMessage } from '../protocol/room-messages.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { meetingRecord } from './meeting-record.ts';

let t: TestApp;
let url: string;
let meetingId: string;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['asukas', 'raati', 'puheenjohtaja']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
    ids[who] = (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookies[who]! } })).json().user.id;
  }
  const [row] = await t.app.db.sql<{ id: string }[]>`
    select m.id from meetings m join spaces s on s.id = m.space_id where s.slug = 'ymparistofoorumi'`;
  meetingId = row!.id;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await t.close();
});

async function join(who: string) {
  const client = await RoomTestClient.connect(url, meetingId, { cookie: cookies[who]! });
  clients.push(client);
  await client.welcome();
  return client;
}

const sawEvent = (client: RoomTestClient, type: string, test: (e: Record<string, unknown>) => boolean = () => true) =>
  client.waitFor((m) => m.type === 'event' && m.event.type === type && test(m.event as unknown as Record<string, unknown>));

const ok = async (answer: Promise<Extract<ServerMessage, { type: 'ack' | 'error' }>>) => expect(await answer).toMatchObject({ type: 'ack' });

describe('the meeting record', () => {
  it('lists exactly what happened in the room: attendance, speakers, polls, decisions and questions', async () => {
    const before = await meetingRecord(t.app.db.sql, meetingId);
    expect(before).toMatchObject({ attendance: [], speakers: { turns: [], totals: [] }, polls: [], questions: { answeredLive: [], toAnswerInWriting: [] } });
    expect(before!.agenda.every((item) => item.decisions.length === 0)).toBe(true);

    const chair = await join('puheenjohtaja');
    const code = (await chair.welcome()).checkInCode!;
    const resident = await join('asukas');
    const other = await join('raati');
    await sawEvent(chair, 'presence.joined', (e) => e.userId === ids.raati);
    const names = { asukas: (await resident.welcome()).you.name!, raati: (await other.welcome()).you.name! };

    // The resident comes to the hall, moves to the second item, asks for the floor and gets it.
    await ok(resident.request({ type: 'presence.checkIn', code }));
    await ok(chair.request({ type: 'agenda.goto', index: 1 }));
    await ok(resident.request({ type: 'queue.raise', pointOfOrder: false }));
    await ok(chair.request({ type: 'floor.next', preferNotYetSpoken: true }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await ok(chair.request({ type: 'floor.take' }));

    // A poll, voted remotely by one and counted in the hall.
    await ok(chair.request({ type: 'poll.open', question: 'Kunnostetaanko ranta?', options: ['Kyllä', 'Ei'], multiple: false, resultsWhile: 'open' }));
    const opened = (await sawEvent(other, 'poll.opened')) as { event: { pollId: string; options: { id: string }[] } };
    const { pollId } = opened.event;
    const [yes, no] = opened.event.options.map((o) => o.id) as [string, string];
    await ok(other.request({ type: 'poll.vote', pollId, optionIds: [yes] }));
    await ok(chair.request({ type: 'poll.hallCount', pollId, counts: { [yes]: 7, [no]: 3 } }));
    await ok(chair.request({ type: 'poll.close', pollId }));

    await ok(chair.request({ type: 'decision.record', itemIndex: 1, text: 'Suunnitelma hyväksyttiin.' }));

    // Questions: one anonymous, answered in writing; one signed, answered live; one left unanswered.
    await ok(other.request({ type: 'question.ask', text: 'Paljonko kunnostus maksaa?', anonymous: true }));
    await ok(resident.request({ type: 'question.ask', text: 'Milloin työt alkavat?', anonymous: false }));
    await ok(resident.request({ type: 'question.ask', text: 'Tuleeko rantaan laituri?', anonymous: false }));
    const asked = (text: string) =>
      sawEvent(chair, 'question.asked', (e) => e.text === text).then((m) => (m as { event: { questionId: string } }).event.questionId);
    await ok(chair.request({ type: 'question.answer', questionId: await asked('Paljonko kunnostus maksaa?'), how: 'written' }));
    await ok(chair.request({ type: 'question.answer', questionId: await asked('Milloin työt alkavat?'), how: 'live' }));

    // The other participant leaves before the end.
    await other.close();
    await sawEvent(chair, 'presence.left', (e) => e.userId === ids.raati);

    const record = (await meetingRecord(t.app.db.sql, meetingId))!;
    expect(record.meeting).toMatchObject({
      id: meetingId,
      spaceSlug: 'ymparistofoorumi',
      title: { fi: 'Rantapuiston kunnostus', sv: 'Upprustningen av Strandparken', en: 'Renovating the Shore Park' },
      mode: 'meeting',
      place: 'hybrid',
      address: 'Kaupungintalo, valtuustosali, Torikatu 1, Pihlajalahti',
    });
    expect(record.agenda.map((item) => item.decisions)).toEqual(record.agenda.map((_, i) => (i === 1 ? ['Suunnitelma hyväksyttiin.'] : [])));
    expect(record.unplacedDecisions).toEqual([]);

    expect(record.attendance.map((a) => [a.userId, a.mode, a.lastDeparture === null])).toEqual([
      [ids.puheenjohtaja, 'remote', true],
      [ids.asukas, 'hall', true],
      [ids.raati, 'remote', false],
    ]);
    const [chairAt, residentAt, otherAt] = record.attendance;
    expect(chairAt).toMatchObject({ name: 'Paavo Puhemies', roles: expect.arrayContaining(['chair']) });
    expect(residentAt).toMatchObject({ name: names.asukas, intervals: [{ mode: 'remote' }, { mode: 'hall' }] });
    expect(residentAt!.intervals[0]!.to).toBe(residentAt!.intervals[1]!.from);
    expect(otherAt!.name).toBe(names.raati);
    expect(Date.parse(otherAt!.lastDeparture!)).toBeGreaterThanOrEqual(Date.parse(otherAt!.firstArrival));
    for (const a of record.attendance) {
      expect(a.secondsPresent).toBeGreaterThanOrEqual(1);
      expect(a.minutesPresent).toBe(Math.round(a.secondsPresent / 60));
    }

    expect(record.speakers.turns).toEqual([{ userId: ids.asukas, name: names.asukas, itemIndex: 1, from: expect.any(String), seconds: expect.any(Number), ongoing: false }]);
    expect(record.speakers.turns[0]!.seconds).toBeGreaterThanOrEqual(1);
    expect(record.speakers.totals).toEqual([{ userId: ids.asukas, name: names.asukas, turns: 1, seconds: record.speakers.turns[0]!.seconds }]);

    expect(record.polls).toEqual([
      {
        pollId,
        question: 'Kunnostetaanko ranta?',
        multiple: false,
        status: 'closed',
        options: [
          { id: yes, label: 'Kyllä', remote: 1, hall: 7, total: 8 },
          { id: no, label: 'Ei', remote: 0, hall: 3, total: 3 },
        ],
        voters: 1,
      },
    ]);

    expect(record.questions.toAnswerInWriting).toEqual([
      { questionId: expect.any(String), at: expect.any(String), text: 'Paljonko kunnostus maksaa?', author: null, votes: 0 },
    ]);
    expect(record.questions.answeredLive).toEqual([
      { questionId: expect.any(String), at: expect.any(String), text: 'Milloin työt alkavat?', author: { userId: ids.asukas, name: names.asukas }, votes: 0 },
    ]);
  });

  it('is undefined for a meeting that does not exist', async () => {
    expect(await meetingRecord(t.app.db.sql, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });
});
