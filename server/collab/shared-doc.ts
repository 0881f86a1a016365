/**
 * One live document: its Y.Doc and awareness, the sockets on it, and the write path. An update
 * from a writer is checked, stored with the others that arrived in the same turn (one INSERT),
 * and only then applied and broadcast; so whatever any client has seen is in Postgres.
 */
import type { FastifyBaseLogger } from 'fastify';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { retryWhileUnavailable } from '../../db/retry.ts';
import { closeCodes } from '../protocol/room-messages.ts';
import type { AccessLevel, DocumentName } from './access.ts';
import type { DocumentOwner } from './document-store.ts';
import type { DocumentHooks, LoadedDocument, Unfolded } from './lifecycle.ts';
import { ConnectionLimits, MAX_AWARENESS_UPDATE } from './limits.ts';
import {
  awarenessClocks,
  awarenessMessage,
  decodeAwarenessUpdate,
  decodeClientMessage,
  encodeAwarenessUpdate,
  syncStep1Message,
  syncStep2Message,
  updateMessage,
  type AwarenessEntry,
} from './protocol.ts';
import { addsNothing, decodeUpdate } from './updates.ts';

export interface Connection {
  readonly socket: WebSocket;
  readonly userId: string | null;
  /** What the user's permissions allow; the document's read-only switch may narrow it. Changed only through `setPermitted`. */
  permitted: AccessLevel;
  /** The awareness client ids this socket announced, removed when it closes. */
  readonly clientIds: Set<number>;
  dropped: number;
  /** The signed-in person's name: their caret carries it, whatever their client says. */
  readonly displayName: string | null;
  /** The awareness client id this connection speaks for: the first it announced. */
  awarenessId: number | null;
  /** Its rate limits (limits.ts). */
  readonly limits: ConnectionLimits;
}

export interface DocumentStats {
  /** Updates from read-only connections: never applied, broadcast or stored. */
  droppedUpdates: number;
  /** Awareness updates from read-only and anonymous connections: never applied or passed on. */
  droppedAwareness: number;
  /** Messages refused by a limit (limits.ts) or for speaking for another connection's caret. */
  refusedMessages: number;
  storedUpdates: number;
  storeFailures: number;
  compactions: number;
  loadFailures: number;
}

/** Fold the update log into a snapshot when it grows past either. */
export const compactAfter = { count: 500, bytes: 4 * 1024 * 1024 };
/** A client this far behind is cut off (it reconnects and resyncs) rather than held in memory. */
const MAX_BUFFERED = 64 * 1024 * 1024;

export class SharedDoc {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  /** Set when an accepted update could not be applied: the document must be reloaded, never snapshotted. */
  broken = false;
  /** Unloading: whatever still arrives is left with its sender, who syncs it again on reconnecting. */
  private closing = false;
  private readonly connections = new Set<Connection>();
  /** Which connection speaks for each awareness client id. */
  private readonly awarenessOwners = new Map<number, Connection>();
  private pending: { update: Uint8Array; origin: Connection }[] = [];
  private flushScheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private compaction: Promise<void> | null = null;
  private unfolded: Unfolded;
  private readOnly: boolean;

  constructor(
    readonly name: DocumentName,
    private readonly owner: DocumentOwner,
    loaded: LoadedDocument,
    private readonly hooks: DocumentHooks,
    private readonly log: FastifyBaseLogger,
    private readonly stats: DocumentStats,
  ) {
    this.doc = loaded.doc;
    this.unfolded = loaded.unfolded;
    this.readOnly = loaded.readOnly;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      const message = updateMessage(update);
      for (const c of this.connections) if (c !== origin) this.send(c, message);
    });
    this.awareness.on('update', ({ added, updated, removed }: Record<'added' | 'updated' | 'removed', number[]>, origin: unknown) => {
      const from = this.connections.has(origin as Connection) ? (origin as Connection) : null;
      if (from) {
        for (const id of [...added, ...updated]) from.clientIds.add(id);
        for (const id of removed) from.clientIds.delete(id);
      }
      const message = awarenessMessage(this.awareness, [...added, ...updated, ...removed]);
      for (const c of this.connections) this.send(c, message);
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  canWrite(c: Connection): boolean {
    return c.permitted === 'write' && !this.readOnly;
  }

  /**
   * Whether the connection may show a caret to the others: a signed-in writer (by their rights; the
   * chair's lock on the notes stops their edits, not their presence). A reader's or an anonymous
   * watcher's caret would let anyone appear among the editors, under any name.
   */
  mayAnnounce(c: Connection): boolean {
    return c.permitted === 'write' && c.userId !== null && c.displayName !== null;
  }

  join(socket: WebSocket, userId: string | null, permitted: AccessLevel, displayName: string | null): Connection {
    const c: Connection = { socket, userId, permitted, clientIds: new Set(), dropped: 0, displayName, awarenessId: null, limits: new ConnectionLimits() };
    this.connections.add(c);
    // A writer is asked for what it has that we lack; a reader has nothing we would take.
    if (this.canWrite(c)) this.send(c, syncStep1Message(this.doc));
    const states = this.awareness.getStates();
    if (states.size > 0) this.send(c, awarenessMessage(this.awareness, [...states.keys()]));
    return c;
  }

  leave(c: Connection): void {
    if (!this.connections.delete(c)) return;
    if (c.awarenessId !== null && this.awarenessOwners.get(c.awarenessId) === c) this.awarenessOwners.delete(c.awarenessId);
    this.removeCaret(c);
  }

  /** Takes the connection's caret away from the others (it left, or may no longer show one). */
  removeCaret(c: Connection): void {
    c.limits.waitingAwareness = null;
    if (c.clientIds.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...c.clientIds], null);
  }

  /** The chair's switch on meeting notes: writers become readers and back, at once. */
  setReadOnly(readOnly: boolean): void {
    if (this.readOnly === readOnly) return;
    this.readOnly = readOnly;
    // Writers again: ask them for the edits they could not send meanwhile.
    if (!readOnly) for (const c of this.connections) if (this.canWrite(c)) this.send(c, syncStep1Message(this.doc));
  }

  /**
   * The connection's rights changed, or are held while they are rechecked: from now on its updates
   * are taken or dropped accordingly. A writer again is asked for its state, so edits dropped
   * meanwhile come back (as after the notes' read-only switch).
   */
  setPermitted(c: Connection, permitted: AccessLevel): void {
    const could = this.canWrite(c);
    c.permitted = permitted;
    if (!could && this.canWrite(c)) this.send(c, syncStep1Message(this.doc));
  }

  receive(c: Connection, data: Uint8Array): void {
    if (this.closing) return;
    try {
      const message = decodeClientMessage(data);
      switch (message.kind) {
        case 'syncStep1':
          // Answered with the whole document the client lacks: an honest client asks once per connection.
          if (!c.limits.syncRequests.take()) return this.refuse(c, 'sync request over the rate');
          this.send(c, syncStep2Message(this.doc, message.stateVector));
          break;
        case 'update':
          this.receiveUpdate(c, message.update);
          break;
        case 'awareness':
          this.receiveAwareness(c, message.update);
          break;
        case 'queryAwareness':
          if (!c.limits.syncRequests.take()) return this.refuse(c, 'awareness query over the rate');
          this.send(c, awarenessMessage(this.awareness, [...this.awareness.getStates().keys()]));
          break;
      }
    } catch (error) {
      this.closeMalformed(c, error);
    }
  }

  private closeMalformed(c: Connection, error: unknown): void {
    this.log.warn({ err: error, doc: this.name.name, userId: c.userId }, 'malformed document message: connection closed');
    c.socket.close(1003, 'Malformed message');
  }

  /** A message a limit refused: dropped and counted; a connection that keeps sending them is closed. */
  private refuse(c: Connection, what: string): void {
    this.stats.refusedMessages += 1;
    const close = c.limits.refuse() && c.socket.readyState === WebSocket.OPEN;
    // The first of a flood is logged, and the close that ends it; not each one.
    if (c.limits.refused === 1 || close) this.log.warn({ doc: this.name.name, userId: c.userId, refused: c.limits.refused, closed: close }, `document message refused: ${what}`);
    if (close) c.socket.close(closeCodes.abuse, 'Too many refused messages');
  }

  /**
   * A caret: only a signed-in writer's, only for the client id the connection first announced,
   * no bigger than a caret is, at a person's pace, and under the person's own name.
   */
  private receiveAwareness(c: Connection, update: Uint8Array): void {
    if (!this.mayAnnounce(c)) {
      // Their stock client sends its caret like anyone's: dropped quietly, the connection stays.
      this.stats.droppedAwareness += 1;
      return;
    }
    if (update.byteLength > MAX_AWARENESS_UPDATE) {
      this.stats.refusedMessages += 1;
      this.log.warn({ doc: this.name.name, userId: c.userId, bytes: update.byteLength }, 'oversized awareness update: connection closed');
      c.socket.close(1009, 'Awareness update too large');
      return;
    }
    // The stock client sends back every caret it is given (y-websocket's awareness handler does not
    // look at where a change came from): such echoes change nothing here, and cost no token.
    if (!awarenessClocks(update).some((entry) => this.changesAwareness(entry))) return;
    if (c.limits.awareness.take()) return this.applyAwareness(c, update);
    // Over the rate: the latest caret waits for the next token, replacing any older one waiting (a
    // caret that has moved on is out of date), so the others still see where it stopped.
    const timerRunning = c.limits.waitingAwareness !== null;
    c.limits.waitingAwareness = update;
    if (timerRunning) return;
    setTimeout(() => {
      const waiting = c.limits.waitingAwareness;
      c.limits.waitingAwareness = null;
      if (!waiting || this.closing || !this.connections.has(c)) return;
      c.limits.awareness.take();
      try {
        this.applyAwareness(c, waiting);
      } catch (error) {
        this.closeMalformed(c, error);
      }
    }, c.limits.awareness.msUntilToken()).unref();
  }

  /** Whether y-protocols would apply the entry: a newer clock, or a removal of a state that is there. */
  private changesAwareness({ clientId, clock, left }: { clientId: number; clock: number; left: boolean }): boolean {
    const current = this.awareness.meta.get(clientId)?.clock ?? 0;
    return current < clock || (current === clock && left && this.awareness.states.has(clientId));
  }

  /** Throws on a malformed update. */
  private applyAwareness(c: Connection, update: Uint8Array): void {
    const entries = decodeAwarenessUpdate(update).filter((entry) => this.changesAwareness({ ...entry, left: entry.state === null }));
    if (entries.length === 0) return;
    for (const entry of entries) {
      if (!this.speaksFor(c, entry.clientId)) return this.refuse(c, `awareness for client ${entry.clientId}, not the connection's own`);
      if (entry.state !== null && (typeof entry.state !== 'object' || Array.isArray(entry.state))) return this.refuse(c, 'awareness state that is not an object');
    }
    const named = entries.map((entry): AwarenessEntry => (entry.state === null ? entry : { ...entry, state: withName(entry.state as Record<string, unknown>, c.displayName!) }));
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(named), c);
  }

  /**
   * Whether the connection may set or remove this client id's caret: the first id it announces is its
   * own; an id another connection holds is refused (it would rename or remove their caret), unless that
   * connection is the same person's, reconnected before the server noticed the old socket had gone.
   */
  private speaksFor(c: Connection, clientId: number): boolean {
    if (c.awarenessId !== null) return c.awarenessId === clientId && this.awarenessOwners.get(clientId) === c;
    // The server's own id: its (empty) local state is not anyone's to set.
    if (clientId === this.awareness.clientID) return false;
    const owner = this.awarenessOwners.get(clientId);
    if (owner && owner !== c) {
      if (owner.userId !== c.userId) return false;
      // The old connection no longer speaks for it, and leaving will not remove it.
      owner.clientIds.delete(clientId);
    }
    c.awarenessId = clientId;
    this.awarenessOwners.set(clientId, c);
    return true;
  }

  private receiveUpdate(c: Connection, update: Uint8Array): void {
    if (!this.canWrite(c)) {
      this.stats.droppedUpdates += 1;
      c.dropped += 1;
      if (c.dropped === 1 || c.dropped % 100 === 0) {
        this.log.warn({ doc: this.name.name, userId: c.userId, dropped: c.dropped }, 'update from a read-only connection dropped');
      }
      return;
    }
    // Throws on bytes that are not an update: they must never reach the log.
    const decoded = decodeUpdate(update);
    if (this.pending.length === 0 && addsNothing(this.doc, decoded)) return;
    this.pending.push({ update, origin: c });
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Everything that arrives in this turn of the event loop goes into one INSERT.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /** Stores, applies and broadcasts everything received so far; resolves when that is done. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.storeBatch());
    return this.chain;
  }

  private async storeBatch(): Promise<void> {
    const batch = this.pending.splice(0);
    if (batch.length === 0 || this.broken) return;
    let ids: number[];
    try {
      // Through a short database outage the edits wait here, unseen by others, until they are stored.
      ids = await retryWhileUnavailable(() => this.hooks.store(this.name, this.owner, batch.map((b) => b.update)));
    } catch (error) {
      this.stats.storeFailures += 1;
      this.log.error({ err: error, doc: this.name.name, updates: batch.length }, 'document updates could not be stored');
      // Their senders still hold the edits: on reconnecting they sync them again.
      for (const origin of new Set(batch.map((b) => b.origin))) origin.socket.close(1011, 'Your latest edits could not be saved; reconnecting');
      return;
    }
    this.stats.storedUpdates += batch.length;
    try {
      for (const { update, origin } of batch) Y.applyUpdate(this.doc, update, origin);
    } catch (error) {
      this.broken = true;
      this.log.error({ err: error, doc: this.name.name }, 'a stored update could not be applied: document closed');
      this.closeAll(1011, 'The document failed; reconnecting');
      return;
    }
    this.unfolded.ids.push(...ids);
    this.unfolded.bytes += batch.reduce((sum, b) => sum + b.update.byteLength, 0);
    this.maybeCompact();
  }

  /**
   * An edit by the server itself (the minutes filled in from the meeting's record) takes the
   * writers' path after what arrived before it: stored, then applied and broadcast. Rejects, unseen
   * by anyone, when it could not be stored.
   */
  applyFromServer(update: Uint8Array): Promise<void> {
    const applied = this.flush().then(async () => {
      if (this.closing || this.broken) throw new Error(`Document ${this.name.name} is closed`);
      const ids = await this.hooks.store(this.name, this.owner, [update]);
      this.stats.storedUpdates += 1;
      Y.applyUpdate(this.doc, update);
      this.unfolded.ids.push(...ids);
      this.unfolded.bytes += update.byteLength;
      this.maybeCompact();
    });
    this.chain = applied.catch(() => undefined);
    return applied;
  }

  /** In the background: the state taken now contains every update this document has stored or loaded. */
  private maybeCompact(): void {
    if (this.compaction || (this.unfolded.ids.length < compactAfter.count && this.unfolded.bytes < compactAfter.bytes)) return;
    const state = Y.encodeStateAsUpdate(this.doc);
    const folded = this.unfolded;
    this.unfolded = { ids: [], bytes: 0 };
    this.compaction = this.hooks
      .compact(this.name, state, folded.ids)
      .then(
        () => void (this.stats.compactions += 1),
        (error: unknown) => {
          this.log.warn({ err: error, doc: this.name.name }, 'document compaction failed; the update log is kept');
          this.unfolded = { ids: [...folded.ids, ...this.unfolded.ids], bytes: this.unfolded.bytes + folded.bytes };
        },
      )
      .finally(() => (this.compaction = null));
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.connections) c.socket.close(code, reason);
  }

  /** The last client has gone: store what is pending, fold the log, release the memory. */
  async unload(): Promise<void> {
    this.closing = true;
    await this.flush();
    await this.compaction;
    try {
      if (!this.broken) await this.hooks.unload(this.name, this.doc, this.unfolded.ids);
    } catch (error) {
      this.log.warn({ err: error, doc: this.name.name }, 'final snapshot failed; the update log is kept');
    }
    this.awareness.destroy();
    this.doc.destroy();
  }

  private send(c: Connection, message: Uint8Array): void {
    if (c.socket.readyState !== WebSocket.OPEN) return;
    if (c.socket.bufferedAmount > MAX_BUFFERED) {
      c.socket.terminate();
      return;
    }
    c.socket.send(message);
  }
}

/** The state with the person's own name in its `user` field (which carets and the list of editors show). */
function withName(state: Record<string, unknown>, name: string): Record<string, unknown> {
  const user = state['user'];
  const fields = user !== null && typeof user === 'object' && !Array.isArray(user) ? user : {};
  return { ...state, user: { ...fields, name } };
}
