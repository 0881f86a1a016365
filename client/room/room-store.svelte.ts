import { applyRoomEvent, type ApplyContext } from './apply-event.ts';
import type { EventPayload, RoomSelf, RoomSnapshot, ServerMessage } from './protocol.ts';

export type RoomEventListener = (event: EventPayload, you: RoomSelf) => void;

/**
 * The room as this viewer sees it: the snapshot from `welcome`, kept up to date by applying each
 * event in sequence order. `speakingSeconds` holds completed turns only; the turn in progress is
 * `floor`, counted with `serverNow()`.
 */
export class RoomStore {
  you = $state<RoomSelf | null>(null);
  room = $state<RoomSnapshot | null>(null);
  checkInCode = $state<string | null>(null);
  viewers = $state(0);
  /** The caption line a captioner is typing now; null once it is finished (or nobody is typing). */
  interimCaption = $state<string | null>(null);
  /** The last event applied: a reconnect resumes after it. */
  lastSeq = 0;
  /** Server clock minus this device's clock, from the server's time in the last `welcome`. */
  clockOffsetMs = 0;
  // Bookkeeping, not shown.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #listeners = new Set<RoomEventListener>();

  /** Whether there is a room to resume (after a page load there is none: the server sends a snapshot). */
  get hasState(): boolean {
    return this.room !== null;
  }

  /** Forgets the room: the next socket gets a snapshot instead of resuming (the person's rights changed). */
  reset(): void {
    this.room = null;
    this.you = null;
    this.checkInCode = null;
    this.interimCaption = null;
    this.lastSeq = 0;
  }

  /** The server's time now, as well as this device can tell. */
  serverNow(now = Date.now()): number {
    return now + this.clockOffsetMs;
  }

  /** Called after each applied event (for announcements); returns a function that stops it. */
  listen(listener: RoomEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  receive(message: ServerMessage, receivedAt = Date.now()): void {
    switch (message.type) {
      case 'welcome':
        this.you = message.you;
        this.checkInCode = message.checkInCode;
        this.#setClock(message.now, receivedAt);
        this.interimCaption = null;
        if (message.state) this.#load(message.state, message.now);
        break;
      case 'event':
        this.#event(message.seq, message.at, message.event);
        break;
      case 'caption.interim':
        this.interimCaption = message.text;
        break;
      case 'viewers':
        this.viewers = message.count;
        if (this.room) this.room.viewers = message.count;
        break;
      case 'ack':
      case 'error':
      case 'reply':
        // Answers to requests: the connection resolves them.
        break;
      default:
        // Media notices: the media session hears them from the connection.
        break;
    }
  }

  /** The server says what its clock read when it sent `welcome`: the turn timer counts with that. */
  #setClock(serverTime: string, receivedAt: number): void {
    const offset = Date.parse(serverTime) - receivedAt;
    if (Number.isFinite(offset)) this.clockOffsetMs = offset;
  }

  #load(snapshot: RoomSnapshot, takenAt: string): void {
    const room = structuredClone(snapshot);
    // The snapshot counts the turn in progress up to when it was taken; keep completed turns only.
    if (room.floor) {
      const live = Math.max(0, Math.round((Date.parse(takenAt) - Date.parse(room.floor.since)) / 1000));
      const total = room.speakingSeconds[room.floor.userId] ?? 0;
      room.speakingSeconds[room.floor.userId] = Math.max(0, total - (Number.isFinite(live) ? live : 0));
    }
    this.viewers = room.viewers;
    this.lastSeq = room.seq;
    this.room = room;
  }

  #event(seq: number, at: string, event: EventPayload): void {
    if (!this.room || !this.you || seq <= this.lastSeq) return;
    const ctx: ApplyContext = { you: this.you };
    applyRoomEvent(this.room, event, at, seq, ctx);
    if (event.type === 'caption.posted') this.interimCaption = null;
    this.room.seq = seq;
    this.lastSeq = seq;
    for (const listener of this.#listeners) listener(event, this.you);
  }
}
