import type { ServerMessage } from '../protocol/room-messages.ts';
import { RoomTestClient } from '../rooms/test-client.ts';

/** Frames one socket sends before the next is opened: well under the burst (20) and the refusals a socket may make (30 a minute). */
const FRAMES_PER_SOCKET = 10;

let nextRequest = 0;

export type Answer = Extract<ServerMessage, { type: 'ack' | 'reply' | 'error' }>;

/**
 * One person's presence in a room, over as many sockets as the abuse limits need: a socket is
 * replaced (the new one open before the old closes) after a few frames, so the limits, which are
 * expected behaviour, never decide a test.
 */
export class RoomSeat {
  private client: RoomTestClient | null = null;
  private sent = 0;

  constructor(
    private readonly baseUrl: string,
    readonly meetingId: string,
    private readonly cookie: string | undefined,
  ) {}

  /** The socket in use, if any. */
  get current(): RoomTestClient | null {
    return this.client;
  }

  /** The open socket, with room for `frames` more (a fresh one when the current one has sent its share). */
  async socket(frames = 1): Promise<RoomTestClient> {
    if (this.client && this.client.closeCode === null && this.sent + frames <= FRAMES_PER_SOCKET) return this.client;
    const previous = this.client;
    const fresh = await RoomTestClient.connect(this.baseUrl, this.meetingId, this.cookie ? { cookie: this.cookie } : {});
    const closed = fresh.closed().then((code) => {
      throw new Error(`the room closed the socket with ${code} instead of a welcome`);
    });
    await Promise.race([fresh.welcome(), closed]);
    this.client = fresh;
    this.sent = 0;
    await previous?.close();
    return fresh;
  }

  /** Sends a frame as it is and waits for the answer that carries `answerId` (null for frames the server cannot attribute). */
  async send(frame: string | Buffer, answerId: string | null): Promise<{ answer: Answer; client: RoomTestClient }> {
    const client = await this.socket();
    this.sent += 1;
    const from = client.received.length;
    client.sendRaw(frame);
    const answer = (await client.waitFor(
      (m) => (m.type === 'ack' || m.type === 'reply' || m.type === 'error') && m.requestId === answerId && client.received.indexOf(m) >= from,
    )) as Answer;
    return { answer, client };
  }

  /** Sends a message with a request id of its own and returns the answer. */
  async ask(message: object): Promise<{ answer: Answer; client: RoomTestClient }> {
    nextRequest += 1;
    const requestId = `seat${nextRequest}`;
    return this.send(JSON.stringify({ ...message, requestId }), requestId);
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = null;
  }
}

/** The request id the server will repeat in its answer to this frame (see parseClientMessage). */
export function answerIdOf(frame: string | Buffer): string | null {
  if (typeof frame !== 'string') return null;
  try {
    const value: unknown = JSON.parse(frame);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const requestId = (value as Record<string, unknown>).requestId;
    return typeof requestId === 'string' && requestId.length <= 64 ? requestId : null;
  } catch {
    return null;
  }
}
