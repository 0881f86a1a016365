import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { RoomSelf, ServerMessage } from '../protocol/room-messages.ts';
import { closeCodes } from '../protocol/room-messages.ts';

// A burst of 20 messages, then 5 a second: far above what a person types, far below a flood.
const BUCKET_SIZE = 20;
const REFILL_PER_SECOND = 5;
// Joining a room's video takes a request per track seen (consume, resume): a bucket of its own.
const MEDIA_BUCKET_SIZE = 200;
const MEDIA_REFILL_PER_SECOND = 40;
// Refused frames (invalid or over the rate) a socket may send in a minute before it is closed.
const REFUSALS_PER_MINUTE = 30;
// A socket that does not read its messages is dropped rather than buffered without end; it resumes on reconnect.
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** One open room socket: who is on it, and how much they may send. */
export class Peer {
  private tokens = BUCKET_SIZE;
  private refilledAt = Date.now();
  private mediaTokens = MEDIA_BUCKET_SIZE;
  private mediaRefilledAt = Date.now();
  private refusals: number[] = [];
  private queued: string[] = [];

  constructor(
    readonly socket: WebSocket,
    /** The TCP connection under the WebSocket, corked so queued frames leave in one write. */
    private readonly connection: Socket,
    readonly self: RoomSelf,
  ) {}

  /** Holds an event frame until `flush()`. */
  enqueue(text: string): void {
    this.queued.push(text);
  }

  /**
   * Sends what is queued in one system call: with thousands of sockets, the cost of a broadcast
   * is the number of writes, not the bytes.
   */
  flush(): void {
    if (this.queued.length === 0) return;
    const frames = this.queued;
    this.queued = [];
    this.connection.cork();
    for (const frame of frames) this.write(frame);
    this.connection.uncork();
  }

  /** A frame now, after whatever is queued, so the order on the socket is kept. */
  send(text: string): void {
    this.flush();
    this.write(text);
  }

  private write(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(closeCodes.abuse, 'Too far behind: reconnect to resume');
      return;
    }
    this.socket.send(text);
  }

  sendMessage(message: ServerMessage): void {
    this.send(JSON.stringify(message));
  }

  /** Takes one message's worth from the bucket; false when the sender is over the rate. */
  takeToken(now = Date.now()): boolean {
    this.tokens = Math.min(BUCKET_SIZE, this.tokens + ((now - this.refilledAt) / 1000) * REFILL_PER_SECOND);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** The same for video signaling, which comes in bursts when joining. */
  takeMediaToken(now = Date.now()): boolean {
    this.mediaTokens = Math.min(MEDIA_BUCKET_SIZE, this.mediaTokens + ((now - this.mediaRefilledAt) / 1000) * MEDIA_REFILL_PER_SECOND);
    this.mediaRefilledAt = now;
    if (this.mediaTokens < 1) return false;
    this.mediaTokens -= 1;
    return true;
  }

  /** Counts a refused frame; true when the socket has refused too many and should be closed. */
  refuse(now = Date.now()): boolean {
    this.refusals = this.refusals.filter((t) => now - t < 60_000);
    this.refusals.push(now);
    return this.refusals.length > REFUSALS_PER_MINUTE;
  }

  close(code: number, reason: string): void {
    // A close frame's reason holds 123 bytes of UTF-8 (ws throws beyond): cut there, without a broken last character.
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(code, Buffer.from(reason).subarray(0, 123).toString().replace(/\uFFFD+$/, ''));
  }
}
