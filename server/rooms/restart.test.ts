import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../db/test-database.ts';
import type { RoomSnapshot } from '../protocol/room-messages.ts';
import { signInOverHttp, startServerProcess, upcomingMeetingOf } from '../test-process.ts';
import { RoomTestClient } from './test-client.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ persistent: true });
});
afterAll(() => database.drop());

/** The parts of a room that a crash must not lose; presence is rebuilt, so it is left out. */
function durable(state: RoomSnapshot) {
  return {
    chat: state.chat.map((m) => [m.name, m.text]),
    questions: state.questions.map((q) => [q.text, q.votes, q.status]),
    queue: state.queue.map((q) => q.userId),
    polls: state.polls.map((p) => [p.question, p.status, p.results]),
    currentItem: state.currentItem,
  };
}

describe('a server crash during a meeting', () => {
  it('loses no chat message, question, vote or queue entry', async () => {
    const first = await startServerProcess(database.options);
    const meetingId = await upcomingMeetingOf(first.url, 'ymparistofoorumi');
    const chairCookie = await signInOverHttp(first.url, 'puheenjohtaja');
    const residentCookie = await signInOverHttp(first.url, 'asukas');
    const chair = await RoomTestClient.connect(first.url, meetingId, { cookie: chairCookie });
    const resident = await RoomTestClient.connect(first.url, meetingId, { cookie: residentCookie });
    await chair.welcome();
    await resident.welcome();

    const acked = async (p: ReturnType<RoomTestClient['request']>) => expect((await p).type).toBe('ack');
    await acked(resident.request({ type: 'chat.send', text: 'Rantaan tarvitaan lisää penkkejä' }));
    // More than ten events, so the log is read back in numeric order, not as text (1, 10, 11, …, 2).
    for (let i = 1; i <= 12; i += 1) await acked(chair.request({ type: 'chat.send', text: `Kommentti ${i}` }));
    await acked(resident.request({ type: 'question.ask', text: 'Milloin työt alkavat?', anonymous: false }));
    const asked = await chair.waitFor((m) => m.type === 'event' && m.event.type === 'question.asked');
    const questionId = (asked as { event: { questionId: string } }).event.questionId;
    await acked(chair.request({ type: 'question.vote', questionId, up: true }));
    await acked(resident.request({ type: 'queue.raise', pointOfOrder: false }));
    await acked(chair.request({ type: 'poll.open', question: 'Penkit vai pöydät?', options: ['Penkit', 'Pöydät'], multiple: false, resultsWhile: 'open' }));
    const opened = await resident.waitFor((m) => m.type === 'event' && m.event.type === 'poll.opened');
    const poll = (opened as { event: { pollId: string; options: { id: string }[] } }).event;
    await acked(resident.request({ type: 'poll.vote', pollId: poll.pollId, optionIds: [poll.options[0]!.id] }));

    const observer = await RoomTestClient.connect(first.url, meetingId, { cookie: chairCookie });
    const before = durable((await observer.welcome()).state!);
    await first.stop('SIGKILL');
    expect(await chair.closed()).toBe(1006);

    const second = await startServerProcess(database.options);
    try {
      const back = await RoomTestClient.connect(second.url, meetingId, { cookie: chairCookie });
      const after = (await back.welcome()).state!;
      expect(durable(after)).toEqual(before);
      expect(before.chat).toEqual([
        ['Aino Asukas', 'Rantaan tarvitaan lisää penkkejä'],
        ...Array.from({ length: 12 }, (_, i) => ['Paavo Puhemies', `Kommentti ${i + 1}`]),
      ]);
      expect(before.questions).toEqual([['Milloin työt alkavat?', 1, 'approved']]);
      expect(before.queue).toHaveLength(1);
      // Presence from before the crash is closed, not left hanging: only the reconnected chair is here.
      expect(after.participants.filter((p) => p.present).map((p) => p.name)).toEqual(['Paavo Puhemies']);
      await back.close();
    } finally {
      await second.stop();
    }
  }, 90_000);
});
