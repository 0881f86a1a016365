import type { CaptionLine, RoomEvent, StampedEvent } from '../protocol/room-messages.ts';

/**
 * The whole state of a live room, rebuilt by folding its event log: after a restart, on another
 * process, or when a client resumes. `applyEvent` is the only thing that changes it.
 */

export interface Participant {
  userId: string;
  name: string;
  roles: string[];
  mode: 'hall' | 'remote';
  /** Open sockets of this person across all processes (a phone and a laptop count once each). */
  connections: number;
  mutedUntil: number | null;
  muteReason: string | null;
  removed: boolean;
  /** Attendance intervals for the minutes. */
  attendance: { from: string; to: string | null; mode: 'hall' | 'remote' }[];
  lastChatAt: number;
}

export interface ChatMessage {
  messageId: string;
  seq: number;
  at: string;
  userId: string;
  name: string;
  text: string;
  held: boolean;
  /** Everyone has seen it: it was never held, or a moderator released it. */
  published: boolean;
  hiddenReason: string | null;
}

export interface Question {
  questionId: string;
  seq: number;
  at: string;
  userId: string;
  name: string;
  anonymous: boolean;
  text: string;
  status: 'pending' | 'approved' | 'hidden' | 'merged' | 'answered';
  answeredHow: 'live' | 'written' | null;
  hiddenReason: string | null;
  mergedInto: string | null;
  /** Everyone has seen it: asked without pre-moderation, or approved. */
  published: boolean;
  voters: Set<string>;
}

export interface Poll {
  pollId: string;
  question: string;
  options: { id: string; label: string }[];
  multiple: boolean;
  resultsWhile: 'open' | 'closed';
  status: 'open' | 'closed';
  votes: Map<string, string[]>;
  hallCounts: Record<string, number> | null;
}

export interface QueueEntry {
  userId: string;
  name: string;
  pointOfOrder: boolean;
  raisedAt: string;
}

export interface AgendaItem {
  title: { fi: string; sv: string; en: string };
  presenter: string | null;
}

export interface SpeakingTurn {
  userId: string;
  name: string;
  itemIndex: number;
  from: string;
  seconds: number;
}

export interface RoomState {
  meetingId: string;
  mode: 'meeting' | 'broadcast';
  seq: number;
  settings: { slowModeSeconds: number; wordFilter: string[]; premoderation: boolean };
  participants: Map<string, Participant>;
  chat: ChatMessage[];
  questions: Map<string, Question>;
  queue: QueueEntry[];
  floor: { userId: string; name: string; since: string } | null;
  turns: SpeakingTurn[];
  polls: Map<string, Poll>;
  agenda: AgendaItem[];
  currentItem: number;
  decisions: Map<number, string[]>;
  recording: { since: string } | null;
  /** The latest caption lines, for the snapshot; all of them stay in the log (and in recordings). */
  captions: CaptionLine[];
}

/** Caption lines shown over the video at once. */
export const CAPTIONS_SHOWN = 3;

export function emptyRoomState(meetingId: string, mode: 'meeting' | 'broadcast', agenda: AgendaItem[]): RoomState {
  return {
    meetingId,
    mode,
    seq: 0,
    // Broadcasts pre-moderate questions by default: a large audience, a small stage.
    settings: { slowModeSeconds: 0, wordFilter: [], premoderation: mode === 'broadcast' },
    participants: new Map(),
    chat: [],
    questions: new Map(),
    queue: [],
    floor: null,
    turns: [],
    polls: new Map(),
    agenda,
    currentItem: 0,
    decisions: new Map(),
    recording: null,
    captions: [],
  };
}

/** The queue as everyone sees it: points of order first, then in the order hands went up. */
function sortQueue(queue: QueueEntry[]): void {
  queue.sort((a, b) => Number(b.pointOfOrder) - Number(a.pointOfOrder));
}

const secondsBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

function endFloor(state: RoomState, at: string): void {
  if (!state.floor) return;
  const turn = state.turns.at(-1);
  if (turn && turn.userId === state.floor.userId && turn.from === state.floor.since) turn.seconds = secondsBetween(turn.from, at);
  state.floor = null;
}

export function applyEvent(state: RoomState, stamped: StampedEvent): void {
  if (stamped.seq <= state.seq) return;
  state.seq = stamped.seq;
  const { at } = stamped;
  const e: RoomEvent = stamped.event;
  switch (e.type) {
    case 'presence.joined': {
      const existing = state.participants.get(e.userId);
      if (existing) {
        existing.connections += 1;
        existing.name = e.name;
        existing.roles = e.roles;
        if (existing.connections === 1) existing.attendance.push({ from: at, to: null, mode: existing.mode });
      } else {
        state.participants.set(e.userId, {
          userId: e.userId,
          name: e.name,
          roles: e.roles,
          mode: e.mode,
          connections: 1,
          mutedUntil: null,
          muteReason: null,
          removed: false,
          attendance: [{ from: at, to: null, mode: e.mode }],
          lastChatAt: 0,
        });
      }
      break;
    }
    case 'presence.left': {
      const p = state.participants.get(e.userId);
      if (!p || p.connections === 0) break;
      p.connections -= 1;
      // A dropped connection keeps its place in the queue: a network blip must not cost anyone their turn.
      if (p.connections === 0) {
        const open = p.attendance.at(-1);
        if (open && open.to === null) open.to = at;
      }
      break;
    }
    case 'presence.checkedIn': {
      const p = state.participants.get(e.userId);
      if (!p || p.mode === 'hall') break;
      p.mode = 'hall';
      const open = p.attendance.at(-1);
      if (open && open.to === null) open.to = at;
      if (p.connections > 0) p.attendance.push({ from: at, to: null, mode: 'hall' });
      break;
    }
    case 'chat.posted':
      state.chat.push({ messageId: e.messageId, seq: stamped.seq, at, userId: e.userId, name: e.name, text: e.text, held: e.held, published: !e.held, hiddenReason: null });
      { const p = state.participants.get(e.userId); if (p) p.lastChatAt = Date.parse(at); }
      break;
    case 'chat.released': {
      const m = state.chat.find((c) => c.messageId === e.messageId);
      if (m) {
        m.held = false;
        m.published = true;
      }
      break;
    }
    case 'chat.hidden': {
      const m = state.chat.find((c) => c.messageId === e.messageId);
      if (m) {
        m.hiddenReason = e.reason;
        m.held = false;
      }
      break;
    }
    case 'participant.muted': {
      const p = state.participants.get(e.userId);
      if (p) {
        p.mutedUntil = Date.parse(e.until);
        p.muteReason = e.reason;
      }
      break;
    }
    case 'participant.unmuted': {
      const p = state.participants.get(e.userId);
      if (p) {
        p.mutedUntil = null;
        p.muteReason = null;
      }
      break;
    }
    case 'participant.removed': {
      const p = state.participants.get(e.userId);
      if (p) p.removed = true;
      state.queue = state.queue.filter((q) => q.userId !== e.userId);
      if (state.floor?.userId === e.userId) endFloor(state, at);
      break;
    }
    case 'settings.changed':
      state.settings = { slowModeSeconds: e.slowModeSeconds, wordFilter: e.wordFilter, premoderation: e.premoderation };
      break;
    case 'question.asked':
      state.questions.set(e.questionId, {
        questionId: e.questionId,
        seq: stamped.seq,
        at,
        userId: e.userId ?? '',
        name: e.name ?? '',
        anonymous: e.anonymous,
        text: e.text,
        status: e.pending ? 'pending' : 'approved',
        answeredHow: null,
        hiddenReason: null,
        mergedInto: null,
        published: !e.pending,
        voters: new Set(),
      });
      break;
    case 'question.voted': {
      const q = state.questions.get(e.questionId);
      if (q) {
        if (e.up) q.voters.add(e.userId);
        else q.voters.delete(e.userId);
      }
      break;
    }
    case 'question.approved': {
      const q = state.questions.get(e.questionId);
      if (q && q.status === 'pending') {
        q.status = 'approved';
        q.published = true;
      }
      break;
    }
    case 'question.hidden': {
      const q = state.questions.get(e.questionId);
      if (q) {
        q.status = 'hidden';
        q.hiddenReason = e.reason;
      }
      break;
    }
    case 'question.merged': {
      const q = state.questions.get(e.questionId);
      const into = state.questions.get(e.intoId);
      if (q && into) {
        q.status = 'merged';
        q.mergedInto = e.intoId;
        for (const voter of q.voters) into.voters.add(voter);
        into.voters.add(q.userId);
      }
      break;
    }
    case 'question.answered': {
      const q = state.questions.get(e.questionId);
      if (q) {
        q.status = 'answered';
        q.answeredHow = e.how;
      }
      break;
    }
    case 'queue.raised':
      if (!state.queue.some((q) => q.userId === e.userId)) {
        state.queue.push({ userId: e.userId, name: e.name, pointOfOrder: e.pointOfOrder, raisedAt: at });
        sortQueue(state.queue);
      }
      break;
    case 'queue.lowered':
      state.queue = state.queue.filter((q) => q.userId !== e.userId);
      break;
    case 'floor.given':
      endFloor(state, at);
      state.queue = state.queue.filter((q) => q.userId !== e.userId);
      state.floor = { userId: e.userId, name: e.name, since: at };
      state.turns.push({ userId: e.userId, name: e.name, itemIndex: state.currentItem, from: at, seconds: 0 });
      break;
    case 'floor.ended':
      endFloor(state, at);
      break;
    case 'poll.opened':
      state.polls.set(e.pollId, {
        pollId: e.pollId,
        question: e.question,
        options: e.options,
        multiple: e.multiple,
        resultsWhile: e.resultsWhile,
        status: 'open',
        votes: new Map(),
        hallCounts: null,
      });
      break;
    case 'poll.voted': {
      const poll = state.polls.get(e.pollId);
      if (poll && poll.status === 'open') poll.votes.set(e.userId, e.optionIds);
      break;
    }
    case 'poll.closed': {
      const poll = state.polls.get(e.pollId);
      if (poll) poll.status = 'closed';
      break;
    }
    case 'poll.hallCounted': {
      const poll = state.polls.get(e.pollId);
      if (poll) poll.hallCounts = e.counts;
      break;
    }
    case 'agenda.moved':
      state.currentItem = e.index;
      break;
    case 'decision.recorded':
      state.decisions.set(e.itemIndex, [...(state.decisions.get(e.itemIndex) ?? []), e.text]);
      break;
    case 'recording.started':
      state.recording = { since: at };
      break;
    case 'recording.stopped':
    case 'recording.failed':
      state.recording = null;
      break;
    case 'caption.posted':
      state.captions.push({ seq: stamped.seq, at, text: e.text });
      if (state.captions.length > CAPTIONS_SHOWN) state.captions.shift();
      break;
  }
}

/** Seconds each person has spoken, the turn in progress counted up to `now`. */
export function speakingSeconds(state: RoomState, now: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const turn of state.turns) {
    const live = state.floor && state.floor.userId === turn.userId && state.floor.since === turn.from;
    totals.set(turn.userId, (totals.get(turn.userId) ?? 0) + (live ? secondsBetween(turn.from, now) : turn.seconds));
  }
  return totals;
}

export function pollTotals(poll: Poll): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(poll.options.map((o) => [o.id, 0]));
  for (const choice of poll.votes.values()) for (const id of choice) totals[id] = (totals[id] ?? 0) + 1;
  return totals;
}
