import WebSocket from 'ws';
import type { ClientMessage, MediaReplies, ServerMessage } from '../protocol/room-messages.ts';

type Sendable = ClientMessage extends infer M ? (M extends { type: string } ? Omit<M, 'requestId'> : never) : never;

/** A room socket as a test sees it: everything received, in order, and request/answer pairs. */
export class RoomTestClient {
  readonly received: ServerMessage[] = [];
  closeCode: number | null = null;
  closeReason: string | null = null;
  private waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private closeWaiters: ((code: number) => void)[] = [];
  private nextRequest = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(message)) return true;
        w.resolve(message);
        return false;
      });
    });
    socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      for (const resolve of this.closeWaiters) resolve(code);
    });
  }

  static async connect(baseUrl: string, meetingId: string, opts: { cookie?: string; since?: number; origin?: string } = {}): Promise<RoomTestClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/rooms/${meetingId}${opts.since !== undefined ? `?since=${opts.since}` : ''}`;
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.origin) headers.origin = opts.origin;
    const socket = new WebSocket(url, { headers });
    const client = new RoomTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Resolves with the first message (already received or still to come) that passes `test`. */
  waitFor<T extends ServerMessage>(test: (m: ServerMessage) => m is T, timeoutMs?: number): Promise<T>;
  waitFor(test: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  waitFor(test: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const found = this.received.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; received: ${JSON.stringify(this.received.slice(-5))}`)), timeoutMs);
      this.waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  welcome() {
    return this.waitFor((m): m is Extract<ServerMessage, { type: 'welcome' }> => m.type === 'welcome');
  }

  /** Sends a message and resolves with its answer: an ack or an error. */
  async request(message: Sendable): Promise<Extract<ServerMessage, { type: 'ack' | 'error' }>> {
    return (await this.answerTo(message)) as Extract<ServerMessage, { type: 'ack' | 'error' }>;
  }

  /** A media request: its answer, which may also be a reply with data. */
  answerTo(message: Sendable): Promise<Extract<ServerMessage, { type: 'ack' | 'reply' | 'error' }>> {
    this.nextRequest += 1;
    const requestId = `r${this.nextRequest}`;
    this.socket.send(JSON.stringify({ ...message, requestId }));
    return this.waitFor((m) => (m.type === 'ack' || m.type === 'reply' || m.type === 'error') && m.requestId === requestId) as Promise<
      Extract<ServerMessage, { type: 'ack' | 'reply' | 'error' }>
    >;
  }

  /** A media request whose reply carries data: the data, or a thrown error. */
  async ask<K extends keyof MediaReplies>(message: Extract<Sendable, { type: K }>): Promise<MediaReplies[K]> {
    const answer = await this.answerTo(message);
    if (answer.type !== 'reply') throw new Error(`${JSON.stringify(message).slice(0, 80)}: ${JSON.stringify(answer)}`);
    return answer.data as MediaReplies[K];
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  events() {
    return this.received.filter((m): m is Extract<ServerMessage, { type: 'event' }> => m.type === 'event');
  }

  closed(): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closeCode !== null) return;
    const done = this.closed();
    this.socket.close();
    await done;
  }
}
