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
  /** The last event applied: a reconnect resumes after it. */
  lastSeq = 0;
  /** Server clock minus this device's clock, estimated from event times. */
  clockOffsetMs = 0;
  #clockKnown = false;
  // Bookkeeping for applying events; the page shows `room`, which is reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #connections = new Map<string, number>();
  #needsSnapshot = false;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #listeners = new Set<RoomEventListener>();

  /** Whether there is a room to resume (after a page load there is none: the server sends a snapshot). */
  get hasState(): boolean {
    return this.room !== null;
  }

  /** The server's time now, as well as this device can tell. */
  serverNow(now = Date.now()): number {
    return now + this.clockOffsetMs;
  }

  /** True once: the room changed in a way no event describes, and a fresh snapshot is needed. */
  takeSnapshotRequest(): boolean {
    const wanted = this.#needsSnapshot;
    this.#needsSnapshot = false;
    return wanted;
  }

  /** Called after each applied event (for announcements); returns a function that stops it. */
  listen(listener: RoomEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Forget the room, so the next connection asks for a snapshot. */
  reset(): void {
    this.room = null;
    this.lastSeq = 0;
    this.#connections.clear();
  }

  receive(message: ServerMessage, receivedAt = Date.now()): void {
    switch (message.type) {
      case 'welcome':
        this.you = message.you;
        this.checkInCode = message.checkInCode;
        if (message.state) this.#load(message.state, receivedAt);
        break;
      case 'event':
        this.#event(message.seq, message.at, message.event, receivedAt);
        break;
      case 'viewers':
        this.viewers = message.count;
        if (this.room) this.room.viewers = message.count;
        break;
      case 'ack':
      case 'error':
        // Answers to requests: the connection resolves them.
        break;
    }
  }

  #load(snapshot: RoomSnapshot, receivedAt: number): void {
    const room = structuredClone(snapshot);
    // The snapshot counts the turn in progress up to when it was taken; keep completed turns only.
    if (room.floor) {
      const live = Math.max(0, Math.round((this.serverNow(receivedAt) - Date.parse(room.floor.since)) / 1000));
      const total = room.speakingSeconds[room.floor.userId] ?? 0;
      room.speakingSeconds[room.floor.userId] = Math.max(0, total - live);
    }
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.#connections = new Map(room.participants.filter((p) => p.present).map((p) => [p.userId, 1]));
    this.viewers = room.viewers;
    this.lastSeq = room.seq;
    this.room = room;
  }

  #event(seq: number, at: string, event: EventPayload, receivedAt: number): void {
    if (!this.room || !this.you || seq <= this.lastSeq) return;
    // Events arrive a little after they happen (or much later, when replayed): the largest
    // difference is the best estimate of how far the server's clock is ahead.
    const offset = Date.parse(at) - receivedAt;
    if (Number.isFinite(offset) && (!this.#clockKnown || offset > this.clockOffsetMs)) {
      this.clockOffsetMs = offset;
      this.#clockKnown = true;
    }
    const ctx: ApplyContext = { you: this.you, connections: this.#connections, needsSnapshot: false };
    applyRoomEvent(this.room, event, at, seq, ctx);
    this.room.seq = seq;
    this.lastSeq = seq;
    if (ctx.needsSnapshot) this.#needsSnapshot = true;
    for (const listener of this.#listeners) listener(event, this.you);
  }
}
