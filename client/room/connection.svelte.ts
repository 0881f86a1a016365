import { closeCodes, type MediaReplies, type RoomErrorDetails, type RoomSelf, type Sendable, type ServerMessage } from './protocol.ts';
import type { RoomStore } from './room-store.svelte.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Why the socket closed, as the server said it. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * A refusal or failure of one request: a server error code (`muted`, `slow_mode`…) or `offline`/`timeout`.
 * `details` holds what the server says in machine-readable form (until when muted, seconds to wait…).
 */
export class RoomCommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: RoomErrorDetails = {},
  ) {
    super(message);
    this.name = 'RoomCommandError';
  }
}

/** Close codes after which trying again cannot help: the person has to do something first. */
const FINAL_CODES: ReadonlySet<number> = new Set([closeCodes.signInRequired, closeCodes.forbidden, closeCodes.notFound, closeCodes.removed]);

/**
 * Close codes after which the room held here was shown with rights the person no longer has (or,
 * signed out, with a name no longer theirs): it is dropped, and the socket reconnects without
 * resuming, so the server sends the room as the new rights show it, or refuses it.
 */
const START_AFRESH_CODES: ReadonlySet<number> = new Set([closeCodes.accessChanged, closeCodes.sessionEnded]);

const REQUEST_TIMEOUT_MS = 15_000;
// At most this long between tries, so that after a restart or a crash people are back within seconds of the server.
const MAX_DELAY_MS = 5_000;

/** How long to wait before reconnecting after the `attempt`th failure in a row. */
export function reconnectDelay(code: number, attempt: number, random: number): number {
  if (code === closeCodes.serverShutdown) return 500 + random * 2000;
  // Soon, but spread: a space made members-only closes every visitor's socket at once.
  if (START_AFRESH_CODES.has(code)) return 250 + random * 1750;
  // Closed for sending too much, or falling too far behind: give it a moment.
  if (code === closeCodes.abuse) return 10_000 + random * 5000;
  // Open in too many windows: try now and then, in case one closed or a dead connection was dropped meanwhile.
  if (code === closeCodes.tooManyConnections) return 15_000 + random * 15_000;
  const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt);
  return base / 2 + (random * base) / 2;
}

export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ConnectionOptions {
  /** The socket address for a meeting, resuming after `since` when given. */
  url?: (meetingId: string, since: number | null) => string;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  /** The server ended the session this page was signed in with: the page shows the person signed out. */
  onSessionEnded?: () => void;
}

const OPEN = 1;

export function roomSocketUrl(meetingId: string, since: number | null): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = since !== null ? `?since=${since}` : '';
  return `${scheme}://${location.host}/rooms/${encodeURIComponent(meetingId)}${query}`;
}

/** Whether the server cuts the room the same way for both: the same person with the same rights (every `can…`). */
function sameView(a: RoomSelf, b: RoomSelf): boolean {
  const rights = (self: RoomSelf) => Object.entries(self).filter(([key]) => key.startsWith('can'));
  return a.userId === b.userId && JSON.stringify(rights(a)) === JSON.stringify(rights(b));
}

/** Every message that is not an answer to a request, after the store has applied it. */
export type MessageListener = (message: ServerMessage) => void;

interface Pending {
  /** The ack's seq, or a reply's data. */
  resolve: (answer: unknown) => void;
  reject: (error: RoomCommandError) => void;
  timer: unknown;
}

/**
 * One live connection to a meeting's room. It applies what arrives to the store, answers
 * requests with their acks or errors, and after a drop reconnects by itself with backoff,
 * resuming after the last event it saw.
 */
export class RoomConnection {
  status = $state<ConnectionStatus>('connecting');
  /** The last close, while reconnecting or for good. */
  lastClose = $state<CloseInfo | null>(null);
  /** Failed attempts since the last welcome. */
  attempt = $state(0);

  #socket: SocketLike | null = null;
  // Requests awaiting their answer: bookkeeping, not shown.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #pending = new Map<string, Pending>();
  #nextId = 0;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #listeners = new Set<MessageListener>();
  #timer: unknown = null;
  #stopped = true;
  readonly #options: Required<ConnectionOptions>;

  constructor(
    readonly meetingId: string,
    readonly store: RoomStore,
    options: ConnectionOptions = {},
  ) {
    this.#options = {
      url: options.url ?? roomSocketUrl,
      createSocket: options.createSocket ?? ((url) => new WebSocket(url)),
      random: options.random ?? Math.random,
      setTimer: options.setTimer ?? ((fn, ms) => setTimeout(fn, ms)),
      clearTimer: options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>)),
      onSessionEnded: options.onSessionEnded ?? (() => {}),
    };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.status = 'connecting';
    this.#open();
    globalThis.addEventListener?.('online', this.#onOnline);
  }

  /** Close for good (leaving the page). */
  stop(): void {
    this.#stopped = true;
    globalThis.removeEventListener?.('online', this.#onOnline);
    this.#clearTimer();
    this.#detach(this.#socket)?.close(1000, 'Leaving');
    this.#socket = null;
    this.#failPending('offline');
    this.status = 'closed';
  }

  /** Send a message; resolves with the seq of the event it caused (null when nothing changed). */
  send(message: Sendable): Promise<number | null> {
    return this.#request(message) as Promise<number | null>;
  }

  /** Send a media request whose reply carries data. */
  ask<K extends keyof MediaReplies>(message: Extract<Sendable, { type: K }>): Promise<MediaReplies[K]> {
    return this.#request(message) as Promise<MediaReplies[K]>;
  }

  /** Hears every message that is not an answer (welcome, events, media notices); returns a function that stops it. */
  listen(listener: MessageListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #request(message: Sendable): Promise<unknown> {
    const socket = this.#socket;
    if (this.status !== 'connected' || !socket || socket.readyState !== OPEN) {
      return Promise.reject(new RoomCommandError('offline', 'Not connected'));
    }
    this.#nextId += 1;
    const requestId = `r${this.#nextId}`;
    return new Promise((resolve, reject) => {
      const timer = this.#options.setTimer(() => {
        this.#pending.delete(requestId);
        reject(new RoomCommandError('timeout', 'No answer from the server'));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(requestId, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...message, requestId }));
    });
  }

  #onOnline = () => {
    if (this.status !== 'reconnecting') return;
    this.#clearTimer();
    this.#open();
  };

  #open(): void {
    const since = this.store.hasState ? this.store.lastSeq : null;
    const socket = this.#options.createSocket(this.#options.url(this.meetingId, since));
    socket.onmessage = (ev) => this.#onMessage(socket, ev);
    socket.onclose = (ev) => this.#onClose(socket, ev);
    socket.onerror = () => {
      // A close follows every error; that is where it is handled.
    };
    this.#socket = socket;
  }

  #onMessage(socket: SocketLike, ev: MessageEvent): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(ev.data)) as ServerMessage;
    } catch {
      return;
    }
    if (socket !== this.#socket) return;
    if (message.type === 'ack' || message.type === 'error' || message.type === 'reply') {
      this.#answer(message);
      return;
    }
    if (message.type === 'welcome' && message.state === null && this.store.you && !sameView(this.store.you, message.you)) {
      // Resumed as someone else, or with other rights (a role given or taken meanwhile): the room held
      // was cut for the old ones and the events since are cut for the new. Load it afresh instead.
      this.store.reset();
      this.#detach(socket)?.close(1000, 'Reloading the room');
      this.#open();
      return;
    }
    if (message.type === 'welcome') {
      this.status = 'connected';
      this.attempt = 0;
      this.lastClose = null;
    }
    this.store.receive(message);
    for (const listener of this.#listeners) listener(message);
  }

  #answer(message: Extract<ServerMessage, { type: 'ack' | 'error' | 'reply' }>): void {
    if (message.requestId === null) return;
    const pending = this.#pending.get(message.requestId);
    if (!pending) return;
    this.#pending.delete(message.requestId);
    this.#options.clearTimer(pending.timer);
    if (message.type === 'ack') pending.resolve(message.seq);
    else if (message.type === 'reply') pending.resolve(message.data);
    else pending.reject(new RoomCommandError(message.code, message.message, message.details));
  }

  #onClose(socket: SocketLike, ev: CloseEvent): void {
    if (socket !== this.#socket || this.#stopped) return;
    this.#socket = null;
    this.#failPending('offline');
    this.lastClose = { code: ev.code, reason: ev.reason };
    if (FINAL_CODES.has(ev.code)) {
      this.status = 'closed';
      return;
    }
    if (START_AFRESH_CODES.has(ev.code)) this.store.reset();
    if (ev.code === closeCodes.sessionEnded) this.#options.onSessionEnded();
    this.status = 'reconnecting';
    const delay = reconnectDelay(ev.code, this.attempt, this.#options.random());
    this.attempt += 1;
    this.#timer = this.#options.setTimer(() => {
      this.#timer = null;
      if (!this.#stopped) this.#open();
    }, delay);
  }

  #detach(socket: SocketLike | null): SocketLike | null {
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
    }
    return socket;
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#options.clearTimer(this.#timer);
    this.#timer = null;
  }

  #failPending(code: string): void {
    for (const pending of this.#pending.values()) {
      this.#options.clearTimer(pending.timer);
      pending.reject(new RoomCommandError(code, 'Not connected'));
    }
    this.#pending.clear();
  }
}
