import type { RoomSelf } from '../protocol/room-messages.ts';
import { RoomError, requireVoice } from '../rooms/commands.ts';
import type { RoomState } from '../rooms/room-state.ts';

/**
 * Who may send camera, microphone or screen into a room:
 * - in a `broadcast`, the stage (those who may chair it) and the person who has the floor;
 * - in a `meeting`, every participant;
 * - never someone muted or removed.
 */
export function requirePublisher(state: RoomState, self: RoomSelf, now: number): void {
  requireVoice(state, self, now);
  if (state.mode === 'broadcast' && !onStage(self) && state.floor?.userId !== self.userId) {
    throw new RoomError('forbidden', 'In a broadcast only the stage and the person who has the floor can send video or sound');
  }
}

/** On the stage: those who chair the meeting send whoever has the floor; everyone else only while given it. */
export function onStage(self: RoomSelf): boolean {
  return self.canChair;
}

