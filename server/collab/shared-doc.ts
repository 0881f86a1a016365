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
import type { AccessLevel, DocumentName } from './access.ts';
import type { DocumentOwner } from './document-store.ts';
import type { DocumentHooks, LoadedDocument, Unfolded } from './lifecycle.ts';
import { awarenessMessage, decodeClientMessage, syncStep1Message, syncStep2Message, updateMessage } from './protocol.ts';
import { addsNothing, decodeUpdate } from './updates.ts';

export interface Connection {
  readonly socket: WebSocket;
  readonly userId: string | null;
  /** What the user's permissions allow; the document's read-only switch may narrow it. Changed only through `setPermitted`. */
  permitted: AccessLevel;
  /** The awareness client ids this socket announced, removed when it closes. */
  readonly clientIds: Set<number>;
  dropped: number;
}

export interface DocumentStats {
  /** Updates from read-only connections: never applied, broadcast or stored. */
  droppedUpdates: number;
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

  join(socket: WebSocket, userId: string | null, permitted: AccessLevel): Connection {
    const c: Connection = { socket, userId, permitted, clientIds: new Set(), dropped: 0 };
    this.connections.add(c);
    // A writer is asked for what it has that we lack; a reader has nothing we would take.
    if (this.canWrite(c)) this.send(c, syncStep1Message(this.doc));
    const states = this.awareness.getStates();
    if (states.size > 0) this.send(c, awarenessMessage(this.awareness, [...states.keys()]));
    return c;
  }

  leave(c: Connection): void {
    if (!this.connections.delete(c)) return;
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
          this.send(c, syncStep2Message(this.doc, message.stateVector));
          break;
        case 'update':
          this.receiveUpdate(c, message.update);
          break;
        case 'awareness':
          awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, c);
          break;
        case 'queryAwareness':
          this.send(c, awarenessMessage(this.awareness, [...this.awareness.getStates().keys()]));
          break;
      }
    } catch (error) {
      this.log.warn({ err: error, doc: this.name.name, userId: c.userId }, 'malformed document message: connection closed');
      c.socket.close(1003, 'Malformed message');
    }
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
