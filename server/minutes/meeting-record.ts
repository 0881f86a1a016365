import type { Queries, Sql } from '../../db/connection.ts';
import { withFallback } from '../meetings/localized.ts';
import { agendaOf, findMeeting, type MeetingRow } from '../meetings/store.ts';
import { readEvents } from '../rooms/event-log.ts';
import { applyEvent, emptyRoomState, pollTotals, speakingSeconds, type Question, type RoomState } from '../rooms/room-state.ts';
import type { MeetingRecord } from './schemas.ts';

export type { MeetingRecord } from './schemas.ts';

/**
 * The meeting's own record for the minutes: its details and agenda with the decisions, who attended
 * and how long, who spoke when, the polls and the questions answered live or left to answer in
 * writing. Folded from the room's whole event log with the room's own reducer, so the record says
 * exactly what the room showed. Undefined when there is no such meeting.
 */
export async function meetingRecord(sql: Sql, meetingId: string, now = new Date()): Promise<MeetingRecord | undefined> {
  return snapshot(sql, async (tx) => {
    const meeting = await findMeeting(tx, meetingId);
    return meeting ? fold(tx, meeting, now) : undefined;
  });
}

/** `meetingRecord` for a meeting already read (e.g. by a route that checked access to it). */
export function recordOf(sql: Sql, meeting: MeetingRow, now = new Date()): Promise<MeetingRecord> {
  return snapshot(sql, (tx) => fold(tx, meeting, now));
}

/** One consistent view of the meeting, its agenda and its log, while the room may still be appending. */
function snapshot<T>(sql: Sql, read: (tx: Queries) => Promise<T>): Promise<T> {
  return sql.begin('isolation level repeatable read read only', read) as Promise<T>;
}

async function fold(tx: Queries, meeting: MeetingRow, now: Date): Promise<MeetingRecord> {
  const agenda = await agendaOf(tx, meeting.id);
  const state = emptyRoomState(
    meeting.id,
    meeting.mode,
    agenda.map((item) => ({ title: item.title, presenter: item.presenter })),
  );
  for (const stamped of await readEvents(tx, meeting.id, 0)) applyEvent(state, stamped);

  const nowIso = now.toISOString();
  // An interval still open (someone present, or a turn still speaking) counts up to now while the
  // meeting runs, and at most to its scheduled end otherwise.
  const openUntil = meeting.state === 'live' ? nowIso : new Date(Math.min(now.getTime(), meeting.endsAt.getTime())).toISOString();

  return {
    generatedAt: nowIso,
    meeting: {
      id: meeting.id,
      spaceSlug: meeting.spaceSlug,
      title: withFallback(meeting.title),
      startsAt: meeting.startsAt.toISOString(),
      endsAt: meeting.endsAt.toISOString(),
      state: meeting.state,
      mode: meeting.mode,
      place: meeting.place,
      address: meeting.address,
    },
    agenda: agenda.map((item, index) => ({
      index,
      id: item.id,
      title: item.title,
      presenter: item.presenter,
      decisions: state.decisions.get(index) ?? [],
    })),
    unplacedDecisions: [...state.decisions.entries()]
      .filter(([index]) => index >= agenda.length)
      .sort(([a], [b]) => a - b)
      .flatMap(([itemIndex, texts]) => texts.map((text) => ({ itemIndex, text }))),
    attendance: attendanceOf(state, openUntil),
    speakers: speakersOf(state, openUntil),
    polls: [...state.polls.values()].map((poll) => {
      const remote = pollTotals(poll);
      return {
        pollId: poll.pollId,
        question: poll.question,
        multiple: poll.multiple,
        status: poll.status,
        options: poll.options.map((o) => {
          const hall = poll.hallCounts ? (poll.hallCounts[o.id] ?? 0) : null;
          return { id: o.id, label: o.label, remote: remote[o.id] ?? 0, hall, total: (remote[o.id] ?? 0) + (hall ?? 0) };
        }),
        voters: poll.votes.size,
      };
    }),
    questions: {
      answeredLive: questionsAnswered(state, 'live'),
      toAnswerInWriting: questionsAnswered(state, 'written'),
    },
  };
}

const seconds = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

function attendanceOf(state: RoomState, openUntil: string): MeetingRecord['attendance'] {
  const attendees = [...state.participants.values()].filter((p) => p.attendance.length > 0);
  return attendees
    .map((p) => {
      const last = p.attendance.at(-1)!;
      const present = p.attendance.reduce((sum, i) => sum + seconds(i.from, i.to ?? openUntil), 0);
      return {
        userId: p.userId,
        name: p.name,
        roles: p.roles,
        mode: p.mode,
        firstArrival: p.attendance[0]!.from,
        lastDeparture: last.to,
        secondsPresent: present,
        minutesPresent: Math.round(present / 60),
        intervals: p.attendance.map((i) => ({ from: i.from, to: i.to, mode: i.mode })),
        removed: p.removed,
      };
    })
    .sort((a, b) => a.firstArrival.localeCompare(b.firstArrival) || a.name.localeCompare(b.name, 'fi'));
}

function speakersOf(state: RoomState, openUntil: string): MeetingRecord['speakers'] {
  const isOngoing = (t: { userId: string; from: string }) => state.floor?.userId === t.userId && state.floor.since === t.from;
  const turns = state.turns.map((t) => ({
    userId: t.userId,
    name: t.name,
    itemIndex: t.itemIndex,
    from: t.from,
    seconds: isOngoing(t) ? seconds(t.from, openUntil) : t.seconds,
    ongoing: isOngoing(t),
  }));
  const spoken = speakingSeconds(state, openUntil);
  const totals = new Map<string, { userId: string; name: string; turns: number; seconds: number }>();
  for (const t of turns) {
    const total = totals.get(t.userId) ?? { userId: t.userId, name: t.name, turns: 0, seconds: spoken.get(t.userId) ?? 0 };
    total.turns += 1;
    totals.set(t.userId, total);
  }
  return { turns, totals: [...totals.values()] };
}

function questionsAnswered(state: RoomState, how: 'live' | 'written'): MeetingRecord['questions']['answeredLive'] {
  return [...state.questions.values()]
    .filter((q: Question) => q.status === 'answered' && q.answeredHow === how)
    .sort((a, b) => a.seq - b.seq)
    .map((q) => ({
      questionId: q.questionId,
      at: q.at,
      text: q.text,
      author: q.anonymous || !q.userId ? null : { userId: q.userId, name: q.name },
      votes: q.voters.size,
    }));
}
