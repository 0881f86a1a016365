/**
 * How one event changes the room as this viewer sees it: the client's mirror of what the
 * server's views.ts sends. It mutates the snapshot in place (a `$state` proxy in the store).
 */
import { CAPTIONS_SHOWN, type EventPayload, type RoomSelf, type RoomSnapshot } from './protocol.ts';

/** Who is looking: events are applied the way the server's views show them to this viewer. */
export interface ApplyContext {
  you: RoomSelf;
}

/** Chat kept in memory: the snapshot brings 200, a long meeting should not grow without end. */
export const CHAT_KEPT = 500;

const secondsBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** Points of order first, then in the order hands went up (a stable sort keeps that order). */
function sortQueue(state: RoomSnapshot): void {
  state.queue.sort((a, b) => Number(b.pointOfOrder) - Number(a.pointOfOrder));
}

/** Ends the current turn at `at`, adding its seconds to the speaker's completed time. */
function endFloor(state: RoomSnapshot, at: string, seconds?: number): void {
  if (!state.floor) return;
  const { userId, since } = state.floor;
  state.speakingSeconds[userId] = (state.speakingSeconds[userId] ?? 0) + (seconds ?? secondsBetween(since, at));
  state.floor = null;
}

const resultsVisible = (you: RoomSelf, resultsWhile: 'open' | 'closed') => resultsWhile === 'open' || you.canChair || you.canModerate;

export function applyRoomEvent(state: RoomSnapshot, e: EventPayload, at: string, seq: number, ctx: ApplyContext): void {
  const { you } = ctx;
  switch (e.type) {
    case 'presence.joined': {
      // Each socket joins and leaves on its own: two tabs count twice, so closing one keeps the person present.
      const p = state.participants.find((x) => x.userId === e.userId);
      if (p) {
        p.connections += 1;
        p.present = true;
        p.name = e.name;
        p.roles = e.roles;
      } else {
        state.participants.push({ userId: e.userId, name: e.name, roles: e.roles, mode: e.mode, present: true, connections: 1, mutedUntil: null, muteReason: null });
      }
      break;
    }
    case 'presence.left': {
      const p = state.participants.find((x) => x.userId === e.userId);
      if (!p) break;
      p.connections = Math.max(0, p.connections - 1);
      p.present = p.connections > 0;
      // A raised hand keeps its place while its owner is away: the server passes over them until they are back.
      break;
    }
    case 'presence.checkedIn': {
      const p = state.participants.find((x) => x.userId === e.userId);
      if (p) p.mode = 'hall';
      break;
    }
    case 'chat.posted': {
      const existing = state.chat.find((m) => m.messageId === e.messageId);
      if (existing) {
        existing.held = e.held;
        break;
      }
      state.chat.push({ messageId: e.messageId, seq, at, userId: e.userId, name: e.name, text: e.text, held: e.held, hidden: null });
      if (state.chat.length > CHAT_KEPT) state.chat.splice(0, state.chat.length - CHAT_KEPT);
      break;
    }
    case 'chat.released': {
      const m = state.chat.find((c) => c.messageId === e.messageId);
      if (m) m.held = false;
      break;
    }
    case 'chat.hidden': {
      const m = state.chat.find((c) => c.messageId === e.messageId);
      if (m) {
        m.hidden = { reason: e.reason };
        m.held = false;
        if (!you.canModerate) m.text = null;
        // Like a fresh snapshot: the others are not told whose the hidden line was; its author still is.
        if (!you.canModerate && m.userId !== you.userId) {
          m.userId = null;
          m.name = null;
        }
      }
      break;
    }
    case 'participant.muted': {
      const p = state.participants.find((x) => x.userId === e.userId);
      if (p) {
        p.mutedUntil = e.until;
        p.muteReason = e.reason;
      }
      break;
    }
    case 'participant.unmuted': {
      const p = state.participants.find((x) => x.userId === e.userId);
      if (p) {
        p.mutedUntil = null;
        p.muteReason = null;
      }
      break;
    }
    case 'participant.removed': {
      state.participants = state.participants.filter((x) => x.userId !== e.userId);
      state.queue = state.queue.filter((q) => q.userId !== e.userId);
      if (state.floor?.userId === e.userId) endFloor(state, at);
      break;
    }
    case 'settings.changed':
      state.settings = {
        slowModeSeconds: e.slowModeSeconds,
        wordFilter: you.canModerate ? e.wordFilter : null,
        premoderation: e.premoderation,
      };
      break;
    case 'question.asked': {
      const status = e.pending ? 'pending' : 'approved';
      const existing = state.questions.find((q) => q.questionId === e.questionId);
      if (existing) {
        if (existing.status === 'pending' && !e.pending) existing.status = 'approved';
        break;
      }
      state.questions.push({
        questionId: e.questionId,
        seq,
        at,
        userId: e.userId,
        name: e.name,
        anonymous: e.anonymous,
        text: e.text,
        status,
        answeredHow: null,
        hiddenReason: null,
        mergedInto: null,
        votes: 0,
        mine: false,
      });
      break;
    }
    case 'question.approved': {
      const q = state.questions.find((x) => x.questionId === e.questionId);
      if (q && q.status === 'pending') q.status = 'approved';
      break;
    }
    case 'question.hidden': {
      const q = state.questions.find((x) => x.questionId === e.questionId);
      if (!q) break;
      // Like a fresh snapshot: a hidden question stays only with the moderators and its author.
      if (!you.canModerate && (you.userId === null || q.userId !== you.userId)) {
        state.questions = state.questions.filter((x) => x.questionId !== e.questionId);
        break;
      }
      q.status = 'hidden';
      q.hiddenReason = e.reason;
      break;
    }
    case 'question.merged': {
      const q = state.questions.find((x) => x.questionId === e.questionId);
      if (q) {
        q.status = 'merged';
        q.mergedInto = e.intoId;
      }
      // The merged question's voters, and its author, now back the one it was merged into: the server says how many.
      const into = state.questions.find((x) => x.questionId === e.intoId);
      if (into) {
        if (e.intoVotes !== undefined) into.votes = e.intoVotes;
        if (q && (q.mine || (you.userId !== null && q.userId === you.userId))) into.mine = true;
      }
      break;
    }
    case 'question.answered': {
      const q = state.questions.find((x) => x.questionId === e.questionId);
      if (q) {
        q.status = 'answered';
        q.answeredHow = e.how;
      }
      break;
    }
    case 'question.tally': {
      const q = state.questions.find((x) => x.questionId === e.questionId);
      if (q) {
        q.votes = e.votes;
        if (e.mine !== null) q.mine = e.mine;
      }
      break;
    }
    case 'queue.raised':
      if (!state.queue.some((q) => q.userId === e.userId)) {
        state.queue.push({ userId: e.userId, name: e.name, pointOfOrder: e.pointOfOrder, raisedAt: at });
        sortQueue(state);
      }
      break;
    case 'queue.lowered':
      state.queue = state.queue.filter((q) => q.userId !== e.userId);
      break;
    case 'floor.given':
      endFloor(state, at);
      state.queue = state.queue.filter((q) => q.userId !== e.userId);
      state.floor = { userId: e.userId, name: e.name, since: at };
      break;
    case 'floor.ended':
      if (state.floor?.userId === e.userId) endFloor(state, at, e.seconds);
      break;
    case 'poll.opened':
      if (state.polls.some((p) => p.pollId === e.pollId)) break;
      state.polls.push({
        pollId: e.pollId,
        question: e.question,
        options: e.options,
        multiple: e.multiple,
        resultsWhile: e.resultsWhile,
        status: 'open',
        results: resultsVisible(you, e.resultsWhile)
          ? { remote: Object.fromEntries(e.options.map((o) => [o.id, 0])), hall: null, voters: 0 }
          : null,
        mine: null,
      });
      break;
    case 'poll.tally': {
      const poll = state.polls.find((p) => p.pollId === e.pollId);
      if (!poll) break;
      if (poll.results) {
        poll.results.remote = e.remote;
        poll.results.voters = e.voters;
      }
      if (e.mine !== null) poll.mine = e.mine;
      break;
    }
    case 'poll.closed': {
      const poll = state.polls.find((p) => p.pollId === e.pollId);
      if (!poll) break;
      poll.status = 'closed';
      // The results are everyone's now: the close carries the final totals, also to those who could not see them.
      if (e.results) poll.results = e.results;
      break;
    }
    case 'poll.hallCounted': {
      const poll = state.polls.find((p) => p.pollId === e.pollId);
      if (poll?.results) poll.results.hall = e.counts;
      break;
    }
    case 'agenda.moved':
      state.currentItem = e.index;
      break;
    case 'decision.recorded': {
      const item = state.agenda.find((a) => a.index === e.itemIndex);
      if (item) item.decisions.push(e.text);
      break;
    }
    case 'recording.started':
      state.recording = { since: at };
      break;
    case 'recording.stopped':
    case 'recording.failed':
      state.recording = null;
      break;
    case 'caption.posted':
      state.captions.push({ seq, at, text: e.text });
      if (state.captions.length > CAPTIONS_SHOWN) state.captions.splice(0, state.captions.length - CAPTIONS_SHOWN);
      break;
    case 'question.voted':
    case 'poll.voted':
      // Never sent to viewers as such: they get the tallies instead.
      break;
  }
}
