import type { StampedEvent } from '../protocol/room-messages.ts';
import type { RedisChannels } from '../redis-channels.ts';

/**
 * Tells the other server processes that a room has new events. Events are already stored when
 * published, so a lost message only delays a process until the next one shows it a gap.
 */
export interface RoomBus {
  publish(meetingId: string, events: StampedEvent[]): Promise<void>;
  subscribe(meetingId: string, onEvents: (events: StampedEvent[]) => void): Promise<() => Promise<void>>;
}

/** One process: every room lives here, there is nobody else to tell. */
export class InProcessBus implements RoomBus {
  async publish(): Promise<void> {}
  async subscribe(): Promise<() => Promise<void>> {
    return async () => {};
  }
}

const channelOf = (meetingId: string) => `room:${meetingId}`;

export class RedisBus implements RoomBus {
  constructor(private readonly channels: RedisChannels) {}

  publish(meetingId: string, events: StampedEvent[]): Promise<void> {
    return this.channels.publish(channelOf(meetingId), events);
  }

  subscribe(meetingId: string, onEvents: (events: StampedEvent[]) => void): Promise<() => Promise<void>> {
    return this.channels.subscribe(channelOf(meetingId), (events) => onEvents(events as StampedEvent[]));
  }
}
