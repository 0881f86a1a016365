import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { StampedEvent } from '../protocol/room-messages.ts';

/**
 * Tells the other server processes that a room has new events. Events are already stored when
 * published, so a lost message only delays a process until the next one shows it a gap.
 */
export interface RoomBus {
  publish(meetingId: string, events: StampedEvent[]): Promise<void>;
  subscribe(meetingId: string, onEvents: (events: StampedEvent[]) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** One process: every room lives here, there is nobody else to tell. */
export class InProcessBus implements RoomBus {
  async publish(): Promise<void> {}
  async subscribe(): Promise<() => Promise<void>> {
    return async () => {};
  }
  async close(): Promise<void> {}
}

const channelOf = (meetingId: string) => `aukio:room:${meetingId}`;

export class RedisBus implements RoomBus {
  private readonly origin = randomUUID();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<(events: StampedEvent[]) => void>>();

  constructor(url: string) {
    this.publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.subscriber = new Redis(url, { lazyConnect: false });
    this.subscriber.on('message', (channel: string, text: string) => {
      const message = JSON.parse(text) as { origin: string; events: StampedEvent[] };
      if (message.origin === this.origin) return;
      for (const handler of this.handlers.get(channel) ?? []) handler(message.events);
    });
  }

  async publish(meetingId: string, events: StampedEvent[]): Promise<void> {
    await this.publisher.publish(channelOf(meetingId), JSON.stringify({ origin: this.origin, events }));
  }

  async subscribe(meetingId: string, onEvents: (events: StampedEvent[]) => void): Promise<() => Promise<void>> {
    const channel = channelOf(meetingId);
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      this.handlers.set(channel, (handlers = new Set()));
      await this.subscriber.subscribe(channel);
    }
    handlers.add(onEvents);
    return async () => {
      handlers.delete(onEvents);
      if (handlers.size === 0) {
        this.handlers.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
