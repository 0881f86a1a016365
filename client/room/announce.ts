import { localized, t } from '../i18n/i18n.svelte.ts';
import type { Announcer } from './announcer.svelte.ts';
import type { EventPayload, RoomSelf, RoomSnapshot } from './protocol.ts';

/** What a screen reader user is told about an event: counted when busy, in words when it matters. */
export function announceEvent(announcer: Announcer, event: EventPayload, you: RoomSelf, room: RoomSnapshot | null): void {
  const mine = (userId: string | null) => userId !== null && userId === you.userId;
  switch (event.type) {
    case 'chat.posted':
      if (!mine(event.userId)) announcer.count('chat');
      break;
    case 'question.asked':
      if (!mine(event.userId)) announcer.count('question');
      break;
    case 'queue.raised':
      if (!mine(event.userId)) announcer.count('hand');
      break;
    case 'floor.given':
      announcer.note(mine(event.userId) ? t('room.announce.yourFloor') : t('room.announce.floor', { name: event.name }));
      break;
    case 'floor.ended':
      if (mine(event.userId)) announcer.note(t('room.announce.yourFloorEnded'));
      break;
    case 'poll.opened':
      announcer.note(t('room.announce.pollOpened', { question: event.question }));
      break;
    case 'poll.closed': {
      const poll = room?.polls.find((p) => p.pollId === event.pollId);
      if (poll) announcer.note(t('room.announce.pollClosed', { question: poll.question }));
      break;
    }
    case 'agenda.moved': {
      const item = room?.agenda.find((a) => a.index === event.index);
      if (item) announcer.note(t('room.announce.agenda', { number: item.index + 1, title: localized(item.title) }));
      break;
    }
    case 'question.hidden':
      if (room?.questions.some((q) => q.questionId === event.questionId && mine(q.userId))) announcer.note(t('room.announce.yourQuestionHidden'));
      break;
    case 'participant.muted':
      if (mine(event.userId)) announcer.note(t('room.announce.youMuted', { reason: event.reason }));
      break;
    default:
      break;
  }
}
