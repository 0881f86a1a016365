/**
 * The room socket's visibility invariant, as tests check it: a viewer is never sent more than the
 * server's fresh snapshot for them shows (at the moment the frame speaks for: its event's, or the
 * moment of resuming for a replayed one), and what their client folds from what it was sent is the
 * room that loading the page afresh shows.
 *
 * A viewer's room is folded by the client's own code (client/room/apply-event.ts). The fresh
 * snapshot is the server's `snapshotFor` over the meeting's log folded by `applyEvent`, as a room
 * folds it; it is read from the database, so taking it changes nothing (a socket would arrive).
 */
import { applyRoomEvent } from '../../client/room/apply-event.ts';
import type { Sql } from '../../db/connection.ts';
import type { RoomSelf, RoomSnapshot, ServerMessage, StampedEvent } from '../protocol/room-messages.ts';
import { readEvents } from '../rooms/event-log.ts';
import { agendaOf } from '../rooms/registry.ts';
import { applyEvent, emptyRoomState, type AgendaItem } from '../rooms/room-state.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { snapshotFor, type EventPayload } from '../rooms/views.ts';

/** A meeting's log as it stands, and the snapshots a room folded from it would give. */
export class MeetingLog {
  private constructor(
    readonly meetingId: string,
    private readonly mode: 'meeting' | 'broadcast',
    private readonly agenda: AgendaItem[],
    readonly events: StampedEvent[],
  ) {}

  static async read(sql: Sql, meetingId: string): Promise<MeetingLog> {
    const [meeting] = await sql<{ mode: 'meeting' | 'broadcast' }[]>`select mode from meetings where id = ${meetingId}`;
    return new MeetingLog(meetingId, meeting!.mode, await agendaOf(sql, meetingId), await readEvents(sql, meetingId, 0));
  }

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  /** The snapshot each viewer would be welcomed with right after event `seq` (0: before any), in the order asked. */
  snapshots(requests: readonly { seq: number; you: RoomSelf }[]): RoomSnapshot[] {
    const order = requests.map((_, i) => i).sort((a, b) => requests[a]!.seq - requests[b]!.seq);
    const state = emptyRoomState(this.meetingId, this.mode, structuredClone(this.agenda));
    const result: RoomSnapshot[] = [];
    let next = 0;
    for (const index of order) {
      const { seq, you } = requests[index]!;
      while (next < this.events.length && this.events[next]!.seq <= seq) applyEvent(state, this.events[next++]!);
      // The clock only moves speaking times, which the comparisons leave out.
      result[index] = snapshotFor(state, you, 0, new Date().toISOString());
    }
    return result;
  }

  snapshot(seq: number, you: RoomSelf): RoomSnapshot {
    return this.snapshots([{ seq, you }])[0]!;
  }
}

/** An event frame a viewer was sent, and the point of the log whose snapshot it must stay within. */
export interface SentFrame {
  seq: number;
  event: EventPayload;
  /** The event's own seq, or for a replayed event the log's end when the viewer resumed. */
  checkAt: number;
}

/**
 * One viewer's room as their client holds it across sockets: the welcome's snapshot (or what it
 * held before resuming) with each event folded in, as client/room/room-store.svelte.ts does.
 */
export class ViewerFold {
  you: RoomSelf | null = null;
  room: RoomSnapshot | null = null;
  lastSeq = 0;
  readonly frames: SentFrame[] = [];
  private readonly sources: { client: RoomTestClient; read: number; resumedAt: number }[] = [];

  /** A viewer that held `room` (e.g. a snapshot taken at some point of the log) before resuming. */
  static holding(room: RoomSnapshot, you: RoomSelf): ViewerFold {
    const fold = new ViewerFold();
    fold.you = you;
    fold.room = structuredClone(room);
    fold.lastSeq = room.seq;
    return fold;
  }

  /**
   * How far into the log the fold speaks for: its last event, or where its latest socket resumed
   * (the replay covered everything up to there, sent or not).
   */
  get upTo(): number {
    return Math.max(this.lastSeq, this.sources.at(-1)?.resumedAt ?? 0);
  }

  /** Reads a socket of this viewer; `resumedAt`: the log's last seq once its welcome and replay had all arrived. */
  follow(client: RoomTestClient, resumedAt: number): void {
    this.catchUp();
    this.sources.push({ client, read: 0, resumedAt });
  }

  /** Folds what the viewer's sockets received since the last call, in the order of the sockets. */
  catchUp(): void {
    for (const source of this.sources) {
      for (; source.read < source.client.received.length; source.read += 1) this.receive(source.client.received[source.read]!, source.resumedAt);
    }
  }

  private receive(message: ServerMessage, resumedAt: number): void {
    if (message.type === 'welcome') {
      this.you = message.you;
      if (message.state) {
        this.room = structuredClone(message.state);
        this.lastSeq = message.state.seq;
      }
      return;
    }
    if (message.type !== 'event') return;
    this.frames.push({ seq: message.seq, event: message.event, checkAt: Math.max(message.seq, resumedAt) });
    if (!this.room || !this.you || message.seq <= this.lastSeq) return;
    applyRoomEvent(this.room, message.event, message.at, message.seq, { you: this.you });
    this.room.seq = message.seq;
    this.lastSeq = message.seq;
  }
}

/**
 * What an event frame carries beyond what the viewer's snapshot shows, or null. Content is checked
 * against the snapshot (a line's text and author, a question, a hide reason, poll results, the
 * word filter); facts with no place in the snapshot (mutes, a removal's or a queue removal's
 * reason) are for the staff and the person concerned only.
 */
export function beyondSnapshot(event: EventPayload, snapshot: RoomSnapshot, you: RoomSelf): string | null {
  const staffOrSelf = (userId: string) => you.canModerate || (you.userId !== null && you.userId === userId);
  const chat = (id: string) => snapshot.chat.find((m) => m.messageId === id);
  const question = (id: string) => snapshot.questions.find((q) => q.questionId === id);
  const poll = (id: string) => snapshot.polls.find((p) => p.pollId === id);
  switch (event.type) {
    case 'chat.posted': {
      const m = chat(event.messageId);
      if (!m) return 'a chat line the snapshot does not show';
      if (m.text !== event.text) return `the text of a line the snapshot shows as ${JSON.stringify(m.text)}`;
      if (m.userId !== event.userId || m.name !== event.name) return `the author of a line the snapshot shows by ${JSON.stringify(m.name)}`;
      return null;
    }
    case 'chat.hidden':
      return chat(event.messageId)?.hidden?.reason === event.reason ? null : 'the hide reason of a line the snapshot does not show hidden';
    case 'question.asked': {
      const q = question(event.questionId);
      if (!q) return 'a question the snapshot does not show';
      if (q.text !== event.text) return 'a question text the snapshot does not show';
      if (q.userId !== event.userId || q.name !== event.name) return `the author of a question the snapshot shows by ${JSON.stringify(q.name)}`;
      return null;
    }
    case 'question.hidden':
      return event.reason === '' || question(event.questionId)?.hiddenReason === event.reason ? null : 'the hide reason of a question the snapshot does not show';
    case 'question.tally':
      return question(event.questionId) ? null : 'the votes of a question the snapshot does not show';
    case 'question.merged':
      return event.intoVotes === undefined || question(event.intoId) ? null : 'the votes of a question the snapshot does not show';
    case 'poll.tally': {
      const p = poll(event.pollId);
      if ((Object.keys(event.remote).length > 0 || event.voters > 0) && !p?.results) return 'poll results the snapshot hides';
      if (event.mine !== null && !p?.mine) return 'a vote the snapshot does not show as theirs';
      return null;
    }
    case 'poll.hallCounted':
      return poll(event.pollId)?.results ? null : 'hall votes of a poll whose results the snapshot hides';
    case 'poll.closed':
      return !event.results || poll(event.pollId)?.status === 'closed' ? null : 'results of a poll the snapshot shows open';
    case 'settings.changed':
      return event.wordFilter.length === 0 || snapshot.settings.wordFilter !== null ? null : 'the word filter, which the snapshot withholds';
    case 'participant.muted':
    case 'participant.unmuted':
      return staffOrSelf(event.userId) ? null : 'a mute, which is for the staff and the muted person';
    case 'participant.removed':
      return event.reason === '' || staffOrSelf(event.userId) ? null : 'the reason for a removal';
    case 'queue.lowered':
      return event.reason === null || staffOrSelf(event.userId) ? null : 'the reason for a removal from the queue';
    default:
      return null;
  }
}

/** Each frame the viewer was sent that carries more than their snapshot at its point of the log, described. */
export function framesBeyondSnapshots(log: MeetingLog, fold: ViewerFold): string[] {
  const you = fold.you;
  if (!you) return [];
  const snapshots = log.snapshots(fold.frames.map((f) => ({ seq: f.checkAt, you })));
  return fold.frames.flatMap((frame, i) => {
    const why = beyondSnapshot(frame.event, snapshots[i]!, you);
    return why ? [`event ${frame.seq} (${frame.event.type}, checked at ${frame.checkAt}): ${why}: ${JSON.stringify(frame.event).slice(0, 200)}`] : [];
  });
}

const byKey = <T>(items: T[], key: (item: T) => string) => [...items].sort((a, b) => key(a).localeCompare(key(b)));

/** Key order does not matter: objects are compared as sorted JSON. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/**
 * The parts of a room that a viewer's fold and a fresh snapshot must agree on. Left out: when
 * things happened (a line released from hold arrives with the release's time), the chat's order,
 * speaking times (counted with the clock) and the audience count.
 */
function comparable(room: RoomSnapshot) {
  return {
    settings: [room.settings],
    participants: byKey(room.participants, (p) => p.userId).map((p) => ({ ...p })),
    chat: byKey(room.chat, (m) => m.messageId).map(({ messageId, userId, name, text, held, hidden }) => ({ messageId, userId, name, text, held, hidden })),
    questions: byKey(room.questions, (q) => q.questionId).map(({ seq: _seq, at: _at, ...q }) => q),
    polls: byKey(room.polls, (p) => p.pollId),
    queue: room.queue.map(({ userId, name, pointOfOrder }) => ({ userId, name, pointOfOrder })),
    floor: [room.floor && { userId: room.floor.userId, name: room.floor.name }],
    agenda: room.agenda.map(({ index, decisions }) => ({ index, decisions })),
    currentItem: [room.currentItem],
    recording: [room.recording !== null],
    captions: room.captions.map((c) => c.text),
  };
}

/** Where a viewer's fold differs from the fresh snapshot, one line per differing item. */
export function roomDifferences(fold: RoomSnapshot, fresh: RoomSnapshot): string[] {
  const a = comparable(fold);
  const b = comparable(fresh);
  const found: string[] = [];
  for (const part of Object.keys(a) as (keyof typeof a)[]) {
    const left: unknown[] = a[part];
    const right: unknown[] = b[part];
    if (canonical(left) === canonical(right)) continue;
    const rightTexts = new Set(right.map(canonical));
    const leftTexts = new Set(left.map(canonical));
    const before = found.length;
    for (const item of left) if (!rightTexts.has(canonical(item))) found.push(`${part}: the fold shows ${canonical(item)}`);
    for (const item of right) if (!leftTexts.has(canonical(item))) found.push(`${part}: a fresh load shows ${canonical(item)}`);
    if (found.length === before) found.push(`${part}: in another order: ${canonical(left)} / ${canonical(right)}`);
  }
  return found;
}

/**
 * A viewer who held the room as it stood after event `since` (a snapshot then) resumes from there:
 * their socket once the whole replay has arrived, and their fold. Null when the room turned them away.
 */
export async function resumeViewer(
  baseUrl: string,
  sql: Sql,
  meetingId: string,
  cookie: string | undefined,
  since: number,
): Promise<{ client: RoomTestClient; fold: ViewerFold } | null> {
  const client = await RoomTestClient.connect(baseUrl, meetingId, { ...(cookie ? { cookie } : {}), since });
  const welcome = await Promise.race([client.welcome(), client.closed()]);
  if (typeof welcome === 'number') return null;
  await replayed(client);
  const log = await MeetingLog.read(sql, meetingId);
  const fold = ViewerFold.holding(log.snapshot(since, welcome.you), welcome.you);
  fold.follow(client, log.lastSeq);
  fold.catchUp();
  return { client, fold };
}

/** Resolves once everything the join sent (welcome, replay) has arrived: frames are answered only after it. */
export async function replayed(client: RoomTestClient): Promise<void> {
  // A refusal (the text is empty), from anyone: it changes nothing.
  client.sendRaw('{"type":"chat.send","requestId":"replayed","text":""}');
  await client.waitFor((m) => m.type === 'error' && m.requestId === 'replayed');
}

/**
 * The invariant for one viewer: each frame they were sent within their snapshot at its point of
 * the log, and their fold the room a fresh load shows where they have reached. Empty when it holds.
 */
export async function visibilityProblems(sql: Sql, meetingId: string, fold: ViewerFold): Promise<string[]> {
  fold.catchUp();
  if (!fold.room || !fold.you) return ['no room: the viewer was never welcomed'];
  const log = await MeetingLog.read(sql, meetingId);
  return [...framesBeyondSnapshots(log, fold), ...roomDifferences(fold.room, log.snapshot(fold.upTo, fold.you))];
}
