import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Redis pub/sub between the server processes of one town: the rooms' events and the notices that
 * someone's rights changed go through here. It carries news only (Postgres holds the truth), so
 * a process never receives what it published itself: it has acted on it already.
 */
export class RedisChannels {
  private readonly origin = randomUUID();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<(payload: unknown) => void>>();

  constructor(
    url: string,
    /** Put before every channel name: deployments (or test runs) sharing one Redis do not hear each other. */
    private readonly prefix = 'aukio',
  ) {
    this.publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.subscriber = new Redis(url, { lazyConnect: false });
    this.subscriber.on('message', (channel: string, text: string) => {
      const message = JSON.parse(text) as { origin: string; payload: unknown };
      if (message.origin === this.origin) return;
      for (const handler of this.handlers.get(channel) ?? []) handler(message.payload);
    });
  }

  async publish(name: string, payload: unknown): Promise<void> {
    await this.publisher.publish(this.channel(name), JSON.stringify({ origin: this.origin, payload }));
  }

  /** Resolves once Redis confirms the subscription; returns the function that ends it. */
  async subscribe(name: string, handler: (payload: unknown) => void): Promise<() => Promise<void>> {
    const channel = this.channel(name);
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      this.handlers.set(channel, (handlers = new Set()));
      await this.subscriber.subscribe(channel);
    }
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this.handlers.get(channel) === handlers) {
        this.handlers.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }

  close(): void {
    this.handlers.clear();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private channel(name: string): string {
    return `${this.prefix}:${name}`;
  }
}
