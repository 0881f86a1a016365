import type {
  ChatView,
  PollView,
  QuestionView,
  RoomEvent,
  RoomSelf,
  RoomSnapshot,
  ServerMessage,
  StampedEvent,
} from '../protocol/room-messages.ts';
import { pollTotals, speakingSeconds, type ChatMessage, type Poll, type Question, type RoomState } from './room-state.ts';

/**
 * What one viewer may see of the room. Staff see everything; the person an event is about sees
 * their own; everyone else sees the public part (anonymous authors stay anonymous, held chat and
 * pending questions stay out, votes become totals).
 */
export type Audience = 'staff' | 'subject' | 'public';

export function audienceOf(viewer: RoomSelf, subjectId: string | null): Audience {
  if (viewer.canModerate) return 'staff';
  return viewer.userId !== null && viewer.userId === subjectId ? 'subject' : 'public';
}

function chatView(m: ChatMessage, audience: Audience): ChatView | null {
  if (m.held && audience === 'public') return null;
  return {
    messageId: m.messageId,
    seq: m.seq,
    at: m.at,
    userId: m.userId,
    name: m.name,
    text: m.hiddenReason !== null && audience !== 'staff' ? null : m.text,
    held: m.held,
    hidden: m.hiddenReason !== null ? { reason: m.hiddenReason } : null,
  };
}

function questionView(q: Question, audience: Audience, viewerId: string | null): QuestionView | null {
  const visibleToAll = q.status === 'approved' || q.status === 'answered' || q.status === 'merged';
  if (!visibleToAll && audience === 'public') return null;
  const showAuthor = !q.anonymous || audience !== 'public';
  return {
    questionId: q.questionId,
    seq: q.seq,
    at: q.at,
    userId: showAuthor ? q.userId : null,
    name: showAuthor ? q.name : null,
    anonymous: q.anonymous,
    text: q.text,
    status: q.status,
    answeredHow: q.answeredHow,
    hiddenReason: q.hiddenReason,
    mergedInto: q.mergedInto,
    votes: q.voters.size,
    mine: viewerId !== null && q.voters.has(viewerId),
  };
}

function resultsVisible(poll: Poll, viewer: RoomSelf): boolean {
  return poll.status === 'closed' || poll.resultsWhile === 'open' || viewer.canChair || viewer.canModerate;
}

function pollView(poll: Poll, viewer: RoomSelf): PollView {
  return {
    pollId: poll.pollId,
    question: poll.question,
    options: poll.options,
    multiple: poll.multiple,
    resultsWhile: poll.resultsWhile,
    status: poll.status,
    results: resultsVisible(poll, viewer) ? { remote: pollTotals(poll), hall: poll.hallCounts, voters: poll.votes.size } : null,
    mine: viewer.userId ? (poll.votes.get(viewer.userId) ?? null) : null,
  };
}

const CHAT_IN_SNAPSHOT = 200;

export function snapshotFor(state: RoomState, viewer: RoomSelf, viewers: number, now: string): RoomSnapshot {
  const speaking = speakingSeconds(state, now);
  return {
    meetingId: state.meetingId,
    seq: state.seq,
    mode: state.mode,
    settings: { ...state.settings, wordFilter: viewer.canModerate ? state.settings.wordFilter : null },
    participants: [...state.participants.values()]
      .filter((p) => !p.removed)
      .map((p) => ({
        userId: p.userId,
        name: p.name,
        roles: p.roles,
        mode: p.mode,
        present: p.connections > 0,
        connections: p.connections,
        mutedUntil: p.mutedUntil && (viewer.canModerate || viewer.userId === p.userId) ? new Date(p.mutedUntil).toISOString() : null,
        muteReason: p.mutedUntil && (viewer.canModerate || viewer.userId === p.userId) ? p.muteReason : null,
      })),
    viewers,
    chat: state.chat
      .slice(-CHAT_IN_SNAPSHOT * 2)
      .map((m) => chatView(m, audienceOf(viewer, m.userId)))
      .filter((m): m is ChatView => m !== null)
      .slice(-CHAT_IN_SNAPSHOT),
    questions: [...state.questions.values()]
      .map((q) => questionView(q, audienceOf(viewer, q.userId), viewer.userId))
      .filter((q): q is QuestionView => q !== null),
    queue: state.queue.map((q) => ({ ...q })),
    floor: state.floor,
    speakingSeconds: Object.fromEntries(speaking),
    polls: [...state.polls.values()].map((p) => pollView(p, viewer)),
    agenda: state.agenda.map((item, index) => ({ index, ...item, decisions: state.decisions.get(index) ?? [] })),
    currentItem: state.currentItem,
    recording: state.recording,
    captions: state.captions.map((line) => ({ ...line })),
  };
}

export type EventPayload = Extract<ServerMessage, { type: 'event' }>['event'];

/** Who an event is about: their audience class may see more of it. */
export function subjectOf(stamped: StampedEvent, state: RoomState): string | null {
  const e = stamped.event;
  switch (e.type) {
    case 'chat.released':
    case 'chat.hidden':
      return state.chat.find((m) => m.messageId === e.messageId)?.userId ?? null;
    case 'question.approved':
    case 'question.hidden':
    case 'question.merged':
    case 'question.answered':
      return state.questions.get(e.questionId)?.userId ?? null;
    default:
      return 'userId' in e ? e.userId : stamped.actorId;
  }
}

/** Viewers with the same key receive the same bytes for this event: it is serialized once per key. */
export function viewKey(stamped: StampedEvent, subject: string | null, viewer: RoomSelf): string {
  const actor = viewer.userId !== null && viewer.userId === stamped.actorId ? ':actor' : '';
  const chair = viewer.canChair ? ':chair' : '';
  return `${audienceOf(viewer, subject)}${actor}${chair}`;
}

/**
 * The event as `viewer` receives it, or null when it is not for them. Called after the event has
 * been applied to `state`. It depends only on `viewKey`.
 */
export function eventFor(stamped: StampedEvent, state: RoomState, viewer: RoomSelf, subject: string | null): EventPayload | null {
  const e = stamped.event;
  const audience = audienceOf(viewer, subject);
  const isActor = viewer.userId !== null && viewer.userId === stamped.actorId;
  const staffOnly = (event: RoomEvent) => (audience === 'public' ? null : event);
  switch (e.type) {
    case 'chat.posted':
      return e.held && audience === 'public' ? null : e;
    case 'chat.released': {
      // Those who never saw the held message get it now, as if just posted.
      if (audience !== 'public') return e;
      const m = state.chat.find((c) => c.messageId === e.messageId);
      return m ? { type: 'chat.posted', messageId: m.messageId, userId: m.userId, name: m.name, text: m.text, held: false } : null;
    }
    case 'chat.hidden': {
      const m = state.chat.find((c) => c.messageId === e.messageId);
      return m && (m.published || audience !== 'public') ? e : null;
    }
    case 'participant.muted':
    case 'participant.unmuted':
    case 'participant.removed':
      return staffOnly(e);
    case 'settings.changed':
      return audience === 'staff' ? e : { ...e, wordFilter: [] };
    case 'question.asked': {
      const q = state.questions.get(e.questionId);
      if (!q) return null;
      if (q.status === 'pending' && audience === 'public') return null;
      return e.anonymous && audience === 'public' ? { ...e, userId: null, name: null } : e;
    }
    case 'question.approved': {
      if (audience !== 'public') return e;
      const q = state.questions.get(e.questionId);
      return q
        ? { type: 'question.asked', questionId: q.questionId, userId: q.anonymous ? null : q.userId, name: q.anonymous ? null : q.name, anonymous: q.anonymous, text: q.text, pending: false }
        : null;
    }
    case 'question.voted': {
      const q = state.questions.get(e.questionId);
      if (!q || questionView(q, audienceOf(viewer, q.userId), viewer.userId) === null) return null;
      return { type: 'question.tally', questionId: q.questionId, votes: q.voters.size, mine: isActor ? e.up : null };
    }
    case 'question.merged': {
      const q = state.questions.get(e.questionId);
      if (!q || (!q.published && audience === 'public')) return null;
      return { ...e, intoVotes: state.questions.get(e.intoId)?.voters.size ?? 0 };
    }
    case 'poll.closed': {
      const poll = state.polls.get(e.pollId);
      return poll ? { ...e, results: { remote: pollTotals(poll), hall: poll.hallCounts, voters: poll.votes.size } } : null;
    }
    case 'question.hidden':
    case 'question.answered': {
      const q = state.questions.get(e.questionId);
      return q && (q.published || audience !== 'public') ? e : null;
    }
    case 'poll.voted': {
      const poll = state.polls.get(e.pollId);
      if (!poll) return null;
      const show = resultsVisible(poll, viewer);
      if (!show && audience !== 'subject') return null;
      return {
        type: 'poll.tally',
        pollId: poll.pollId,
        remote: show ? pollTotals(poll) : {},
        voters: show ? poll.votes.size : 0,
        mine: isActor ? e.optionIds : null,
      };
    }
    default:
      return e;
  }
}
