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
  // A line the public never saw (held by the word filter, then perhaps hidden) stays out for them.
  if (!m.published && audience === 'public') return null;
  const hidden = m.hiddenReason !== null;
  // The public sees that a line was hidden and why, not whose it was: naming its author beside a
  // moderator's reason would single them out before the whole audience. Its author still sees it as theirs.
  const showAuthor = !hidden || audience !== 'public';
  return {
    messageId: m.messageId,
    seq: m.seq,
    at: m.at,
    userId: showAuthor ? m.userId : null,
    name: showAuthor ? m.name : null,
    text: hidden && audience !== 'staff' ? null : m.text,
    held: m.held,
    hidden: m.hiddenReason !== null ? { reason: m.hiddenReason } : null,
  };
}

/**
 * Everyone sees a question once it was published (asked without pre-moderation, or approved) and
 * as long as it was never hidden: merging or answering a question does not undo its hiding, and
 * a pending question merged into another stays unpublished.
 */
const visibleToAll = (q: Question) => q.published && q.hiddenReason === null;

function questionView(q: Question, audience: Audience, viewerId: string | null): QuestionView | null {
  if (!visibleToAll(q) && audience === 'public') return null;
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
 *
 * What it carries is never more than `snapshotFor` shows this viewer in the same state: live, that
 * is the state the event made; in a replay it is the room now (see `replayFor`).
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
      return staffOnly(e);
    case 'participant.removed':
      // Everyone's list, queue and floor lose the person, as a fresh snapshot does; why is for the staff and for them.
      return audience === 'public' ? { ...e, reason: '' } : e;
    case 'queue.lowered':
      // The chair's reason for taking someone out of the queue is told to them, not to the room.
      return audience === 'public' && e.reason !== null ? { ...e, reason: null } : e;
    case 'settings.changed':
      return audience === 'staff' ? e : { ...e, wordFilter: [] };
    case 'question.asked': {
      const q = state.questions.get(e.questionId);
      if (!q) return null;
      // Asked into pre-moderation: the public hears of it when (if) it is approved, not before.
      if (e.pending && audience === 'public') return null;
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
      const into = state.questions.get(e.intoId);
      if (!q) return null;
      // The new count of the question it joined, for those who see that one: everyone, live (a merge needs
      // a question everyone sees, so the bytes still depend only on `viewKey`); in a replay it may be hidden by now.
      const intoVotes = into && questionView(into, audienceOf(viewer, into.userId), viewer.userId) ? into.voters.size : undefined;
      // Those who never saw it (a pending question) learn only that the other one gained its asker's support.
      if (!q.published && audience === 'public') return intoVotes === undefined ? null : { type: 'question.tally', questionId: e.intoId, votes: intoVotes, mine: null };
      return intoVotes === undefined ? { type: e.type, questionId: e.questionId, intoId: e.intoId } : { ...e, intoVotes };
    }
    case 'poll.closed': {
      const poll = state.polls.get(e.pollId);
      return poll ? { ...e, results: { remote: pollTotals(poll), hall: poll.hallCounts, voters: poll.votes.size } } : null;
    }
    case 'question.hidden': {
      const q = state.questions.get(e.questionId);
      if (!q || (!q.published && audience === 'public')) return null;
      // The public's copy goes away; the reason is for its author (and the staff), as the hide form says.
      return audience === 'public' ? { ...e, reason: '' } : e;
    }
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
    case 'poll.hallCounted': {
      // Hall votes are results: hidden with the rest until the poll closes, unless the chair shows them.
      const poll = state.polls.get(e.pollId);
      return poll && resultsVisible(poll, viewer) ? e : null;
    }
    default:
      return e;
  }
}

type EventFrame = Extract<ServerMessage, { type: 'event' }>;

/**
 * Whether a payload carries more of a chat line or a question than the viewer's view of it in
 * `state` shows: its text or author after it was hidden, or the thing at all once it is out of
 * their sight. (The other payloads carry ids, counts and reasons that `eventFor` already cuts to
 * the viewer.)
 */
function showsMoreThan(payload: EventPayload, state: RoomState, viewer: RoomSelf, chat: () => Map<string, ChatMessage>): boolean {
  if (payload.type === 'chat.posted') {
    const m = chat().get(payload.messageId);
    const view = m && chatView(m, audienceOf(viewer, m.userId));
    return !view || view.text !== payload.text || view.userId !== payload.userId || view.name !== payload.name;
  }
  if (payload.type === 'question.asked') {
    const q = state.questions.get(payload.questionId);
    const view = q && questionView(q, audienceOf(viewer, q.userId), viewer.userId);
    return !view || view.text !== payload.text || view.userId !== payload.userId || view.name !== payload.name;
  }
  return false;
}

/**
 * What a viewer resuming after some events is sent of them, projected by the room as it is now;
 * or null when one of them would show something the viewer may no longer see (a chat line or a
 * question hidden since): they get a fresh snapshot instead, so that resuming never shows more
 * than loading the page anew. Live, each event was cut by the state it made; a replay has only the
 * state now, in which things may have become less visible than when they happened.
 */
export function replayFor(events: StampedEvent[], state: RoomState, viewer: RoomSelf): EventFrame[] | null {
  let chat: Map<string, ChatMessage> | undefined;
  const chatById = () => (chat ??= new Map(state.chat.map((m) => [m.messageId, m])));
  const frames: EventFrame[] = [];
  for (const stamped of events) {
    const payload = eventFor(stamped, state, viewer, subjectOf(stamped, state));
    if (!payload) continue;
    if (showsMoreThan(payload, state, viewer, chatById)) return null;
    frames.push({ type: 'event', seq: stamped.seq, at: stamped.at, event: payload });
  }
  return frames;
}
