import { randomBytes } from 'node:crypto';
import type { ClientMessageOf, RoomCommand, RoomErrorDetails, RoomEvent, RoomSelf } from '../protocol/room-messages.ts';
import type { RoomState } from './room-state.ts';

/** A refusal the participant is told about in an error frame; the socket stays open. */
export class RoomError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: RoomErrorDetails,
  ) {
    super(message);
  }
}

export const newId = () => randomBytes(9).toString('base64url');

export const requireParticipant = (self: RoomSelf) => {
  if (!self.userId) throw new RoomError('sign_in_required', 'Sign in to take part');
  if (!self.canParticipate) throw new RoomError('forbidden', 'You can follow this meeting but not take part in it');
};
export const requireModerator = (self: RoomSelf) => {
  if (!self.canModerate) throw new RoomError('forbidden', 'Only moderators can do that');
};
export const requireChair = (self: RoomSelf) => {
  if (!self.canChair) throw new RoomError('forbidden', 'Only the chair can do that');
};
export const requireCaptioner = (self: RoomSelf) => {
  if (!self.canCaption) throw new RoomError('forbidden', 'Only the chair, the secretary or a moderator can caption');
};

/** A caption is one line over the video: line breaks and runs of spaces become single spaces. */
export const captionLine = (text: string) => text.replace(/\s+/g, ' ').trim();

export function requireVoice(state: RoomState, self: RoomSelf, now: number) {
  requireParticipant(self);
  const p = state.participants.get(self.userId!);
  if (p?.removed) throw new RoomError('removed', 'You were removed from this meeting');
  if (p?.mutedUntil && p.mutedUntil > now) {
    const until = new Date(p.mutedUntil).toISOString();
    const reason = p.muteReason ?? '';
    throw new RoomError('muted', `You are muted until ${until}: ${reason}`, { until, reason });
  }
}

function question(state: RoomState, id: string) {
  const q = state.questions.get(id);
  if (!q) throw new RoomError('not_found', 'No such question');
  return q;
}

function openPoll(state: RoomState, id: string) {
  const poll = state.polls.get(id);
  if (!poll) throw new RoomError('not_found', 'No such poll');
  return poll;
}

const heldByFilter = (text: string, words: string[]) => {
  const lower = text.toLocaleLowerCase('fi');
  return words.some((w) => lower.includes(w.toLocaleLowerCase('fi')));
};

type Handler<K extends RoomCommand['type']> = (state: RoomState, self: RoomSelf, msg: ClientMessageOf<K>, now: number) => RoomEvent[];

/**
 * What each message does: checks the sender may do it in the room as it stands, and returns the
 * events to record. Nothing here writes; the room appends the events and then applies them.
 */
const handlers: { [K in RoomCommand['type']]: Handler<K> } = {
  'chat.send': (state, self, msg, now) => {
    requireVoice(state, self, now);
    const p = state.participants.get(self.userId!);
    const wait = state.settings.slowModeSeconds * 1000 - (now - (p?.lastChatAt ?? 0));
    if (!self.canModerate && wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw new RoomError('slow_mode', `Slow mode: you can send again in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
    const held = !self.canModerate && heldByFilter(msg.text, state.settings.wordFilter);
    return [{ type: 'chat.posted', messageId: newId(), userId: self.userId!, name: self.name!, text: msg.text.trim(), held }];
  },
  'chat.hide': (state, self, msg) => {
    requireModerator(self);
    if (!state.chat.some((m) => m.messageId === msg.messageId)) throw new RoomError('not_found', 'No such message');
    return [{ type: 'chat.hidden', messageId: msg.messageId, reason: msg.reason.trim() }];
  },
  'chat.release': (state, self, msg) => {
    requireModerator(self);
    const m = state.chat.find((c) => c.messageId === msg.messageId);
    if (!m || !m.held) throw new RoomError('not_found', 'No held message with that id');
    return [{ type: 'chat.released', messageId: m.messageId }];
  },
  'question.ask': (state, self, msg, now) => {
    requireVoice(state, self, now);
    const pending = !self.canModerate && (state.settings.premoderation || heldByFilter(msg.text, state.settings.wordFilter));
    return [{ type: 'question.asked', questionId: newId(), userId: self.userId!, name: self.name!, anonymous: msg.anonymous, text: msg.text.trim(), pending }];
  },
  'question.vote': (state, self, msg, now) => {
    requireVoice(state, self, now);
    const q = question(state, msg.questionId);
    if (q.status !== 'approved') throw new RoomError('not_open', 'This question is not open for votes');
    if (q.userId === self.userId) throw new RoomError('own_question', 'You cannot vote for your own question');
    if (q.voters.has(self.userId!) === msg.up) return [];
    return [{ type: 'question.voted', questionId: q.questionId, userId: self.userId!, up: msg.up }];
  },
  'question.approve': (state, self, msg) => {
    requireModerator(self);
    const q = question(state, msg.questionId);
    if (q.status !== 'pending') throw new RoomError('conflict', 'Only a pending question can be approved');
    return [{ type: 'question.approved', questionId: q.questionId }];
  },
  'question.hide': (state, self, msg) => {
    requireModerator(self);
    const q = question(state, msg.questionId);
    if (q.status === 'hidden') return [];
    return [{ type: 'question.hidden', questionId: q.questionId, reason: msg.reason.trim() }];
  },
  'question.merge': (state, self, msg) => {
    requireModerator(self);
    const q = question(state, msg.questionId);
    const into = question(state, msg.intoId);
    if (q.questionId === into.questionId) throw new RoomError('conflict', 'A question cannot be merged into itself');
    // Merging would not make a hidden question visible again (views.ts keeps it hidden), so it would only mislead.
    if (q.status === 'hidden') throw new RoomError('conflict', 'A hidden question cannot be merged');
    if (into.status !== 'approved' && into.status !== 'answered') throw new RoomError('conflict', 'Merge into a question everyone can see');
    return [{ type: 'question.merged', questionId: q.questionId, intoId: into.questionId }];
  },
  'question.answer': (state, self, msg) => {
    requireModerator(self);
    const q = question(state, msg.questionId);
    if (q.status !== 'approved' && q.status !== 'answered') throw new RoomError('conflict', 'Only a visible question can be answered');
    return [{ type: 'question.answered', questionId: q.questionId, how: msg.how }];
  },
  'queue.raise': (state, self, msg, now) => {
    requireVoice(state, self, now);
    if (state.floor?.userId === self.userId) throw new RoomError('conflict', 'You have the floor already');
    if (state.queue.some((q) => q.userId === self.userId)) return [];
    return [{ type: 'queue.raised', userId: self.userId!, name: self.name!, pointOfOrder: msg.pointOfOrder }];
  },
  'queue.lower': (state, self) => {
    requireParticipant(self);
    if (!state.queue.some((q) => q.userId === self.userId)) return [];
    return [{ type: 'queue.lowered', userId: self.userId!, reason: null }];
  },
  'queue.remove': (state, self, msg) => {
    requireChair(self);
    if (!state.queue.some((q) => q.userId === msg.userId)) throw new RoomError('not_found', 'That person is not in the queue');
    return [{ type: 'queue.lowered', userId: msg.userId, reason: msg.reason.trim() }];
  },
  'floor.give': (state, self, msg) => {
    requireChair(self);
    const p = state.participants.get(msg.userId);
    if (!p || p.removed || p.connections === 0) throw new RoomError('not_found', 'That person is not in the room');
    return [{ type: 'floor.given', userId: p.userId, name: p.name }];
  },
  'floor.next': (state, self, msg) => {
    requireChair(self);
    const spoken = new Set(state.turns.map((t) => t.userId));
    // Someone whose connection dropped keeps their place but is passed over until they are back.
    const waiting = state.queue.filter((q) => (state.participants.get(q.userId)?.connections ?? 0) > 0);
    const next = (msg.preferNotYetSpoken && waiting.find((q) => q.pointOfOrder || !spoken.has(q.userId))) || waiting[0];
    if (!next) throw new RoomError('empty_queue', 'Nobody present is waiting to speak');
    return [{ type: 'floor.given', userId: next.userId, name: next.name }];
  },
  'floor.take': (state, self) => {
    requireChair(self);
    if (!state.floor) return [];
    const seconds = Math.round((Date.now() - Date.parse(state.floor.since)) / 1000);
    return [{ type: 'floor.ended', userId: state.floor.userId, seconds }];
  },
  'poll.open': (_state, self, msg) => {
    requireChair(self);
    const options = msg.options.map((label) => ({ id: newId(), label: label.trim() }));
    return [{ type: 'poll.opened', pollId: newId(), question: msg.question.trim(), options, multiple: msg.multiple, resultsWhile: msg.resultsWhile }];
  },
  'poll.vote': (state, self, msg, now) => {
    requireVoice(state, self, now);
    const poll = openPoll(state, msg.pollId);
    if (poll.status !== 'open') throw new RoomError('poll_closed', 'This poll is closed');
    if (!poll.multiple && msg.optionIds.length > 1) throw new RoomError('invalid_choice', 'Choose one option');
    const known = new Set(poll.options.map((o) => o.id));
    if (!msg.optionIds.every((id) => known.has(id))) throw new RoomError('invalid_choice', 'No such option in this poll');
    return [{ type: 'poll.voted', pollId: poll.pollId, userId: self.userId!, optionIds: msg.optionIds }];
  },
  'poll.close': (state, self, msg) => {
    requireChair(self);
    const poll = openPoll(state, msg.pollId);
    if (poll.status === 'closed') return [];
    return [{ type: 'poll.closed', pollId: poll.pollId }];
  },
  'poll.hallCount': (state, self, msg) => {
    if (!self.canCountHall) throw new RoomError('forbidden', 'Only the secretary or the chair adds hall votes');
    const poll = openPoll(state, msg.pollId);
    const known = new Set(poll.options.map((o) => o.id));
    if (!Object.keys(msg.counts).every((id) => known.has(id))) throw new RoomError('invalid_choice', 'No such option in this poll');
    const counts = Object.fromEntries(poll.options.map((o) => [o.id, msg.counts[o.id] ?? 0]));
    return [{ type: 'poll.hallCounted', pollId: poll.pollId, counts }];
  },
  'agenda.goto': (state, self, msg) => {
    requireChair(self);
    if (msg.index >= state.agenda.length) throw new RoomError('not_found', 'No such agenda item');
    return msg.index === state.currentItem ? [] : [{ type: 'agenda.moved', index: msg.index }];
  },
  'decision.record': (state, self, msg) => {
    requireChair(self);
    if (msg.itemIndex >= state.agenda.length) throw new RoomError('not_found', 'No such agenda item: decisions are recorded under an agenda item');
    return [{ type: 'decision.recorded', itemIndex: msg.itemIndex, text: msg.text.trim() }];
  },
  'participant.mute': (state, self, msg, now) => {
    requireModerator(self);
    if (!state.participants.has(msg.userId)) throw new RoomError('not_found', 'That person is not in the room');
    return [{ type: 'participant.muted', userId: msg.userId, until: new Date(now + msg.minutes * 60_000).toISOString(), reason: msg.reason.trim() }];
  },
  'participant.unmute': (state, self, msg) => {
    requireModerator(self);
    if (!state.participants.get(msg.userId)?.mutedUntil) return [];
    return [{ type: 'participant.unmuted', userId: msg.userId }];
  },
  'participant.remove': (state, self, msg) => {
    requireModerator(self);
    const p = state.participants.get(msg.userId);
    if (!p) throw new RoomError('not_found', 'That person is not in the room');
    if (p.userId === self.userId) throw new RoomError('conflict', 'You cannot remove yourself');
    return p.removed ? [] : [{ type: 'participant.removed', userId: p.userId, reason: msg.reason.trim() }];
  },
  'room.settings': (state, self, msg) => {
    requireModerator(self);
    const settings = {
      slowModeSeconds: msg.slowModeSeconds ?? state.settings.slowModeSeconds,
      wordFilter: msg.wordFilter?.map((w) => w.trim()).filter(Boolean) ?? state.settings.wordFilter,
      premoderation: msg.premoderation ?? state.settings.premoderation,
    };
    return [{ type: 'settings.changed', ...settings }];
  },
  'caption.send': (_state, self, msg) => {
    requireCaptioner(self);
    // Text still being typed is only relayed, by the room; it never enters the log.
    if (!msg.final) throw new RoomError('internal', 'handled by the room');
    return [{ type: 'caption.posted', text: captionLine(msg.text) }];
  },
  'presence.checkIn': () => {
    // Checked in by the room itself, which knows the meeting's hall code.
    throw new RoomError('internal', 'handled by the room');
  },
};

export function decide(state: RoomState, self: RoomSelf, msg: RoomCommand, now: number): RoomEvent[] {
  const handler = handlers[msg.type] as Handler<typeof msg.type>;
  return handler(state, self, msg as never, now);
}
