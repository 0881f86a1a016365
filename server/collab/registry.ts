/**
 * The documents open on this process: each loaded once however many sockets arrive at once,
 * unloaded a short while after its last client leaves, and all flushed on shutdown.
 */
import type { FastifyBaseLogger } from 'fastify';
import { closeCodes } from '../protocol/room-messages.ts';
import { notesDocumentName, type DocumentName } from './access.ts';
import type { DocumentOwner } from './document-store.ts';
import { DocumentLoadError, type DocumentHooks } from './lifecycle.ts';
import { SharedDoc, type DocumentStats } from './shared-doc.ts';

export class DocumentRegistry {
  readonly stats: DocumentStats = { droppedUpdates: 0, droppedAwareness: 0, refusedMessages: 0, storedUpdates: 0, storeFailures: 0, compactions: 0, loadFailures: 0 };
  private readonly docs = new Map<string, Promise<SharedDoc>>();
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly hooks: DocumentHooks,
    private readonly log: FastifyBaseLogger,
    /** How long an empty document stays in memory: a page refresh should not reload it. */
    public idleMs = 10_000,
  ) {}

  /** The live document, loaded if need be. Rejects (DocumentLoadError) when its stored data cannot be read. */
  async open(name: DocumentName, owner: DocumentOwner): Promise<SharedDoc> {
    if (this.closed) throw new Error('The server is shutting down');
    // A document being unloaded is stored first, then loaded again.
    for (let u = this.unloading.get(name.name); u; u = this.unloading.get(name.name)) await u;
    clearTimeout(this.idleTimers.get(name.name));
    this.idleTimers.delete(name.name);
    let shared = this.docs.get(name.name);
    if (shared) {
      const current = await shared;
      if (!current.broken) return current;
      if (this.docs.get(name.name) === shared) this.docs.delete(name.name);
    }
    if (!this.docs.has(name.name)) {
      shared = this.hooks.load(name).then((loaded) => new SharedDoc(name, owner, loaded, this.hooks, this.log, this.stats));
      this.docs.set(name.name, shared);
      shared.catch((error: unknown) => {
        if (this.docs.get(name.name) === shared) this.docs.delete(name.name);
        this.stats.loadFailures += 1;
        // Nothing is written for this document: its stored rows stay as they are for repair.
        this.log.error({ err: error, doc: name.name }, error instanceof DocumentLoadError ? error.message : 'document could not be loaded');
      });
    }
    return this.docs.get(name.name)!;
  }

  /** A socket left: an empty document is unloaded after a while. */
  release(shared: SharedDoc): void {
    const key = shared.name.name;
    if (this.closed || shared.connectionCount > 0 || this.idleTimers.has(key)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(key);
      if (shared.connectionCount > 0 || this.docs.get(key) === undefined) return;
      this.docs.delete(key);
      const done = shared
        .unload()
        .catch((error: unknown) => this.log.error({ err: error, doc: key }, 'document unload failed'))
        .finally(() => this.unloading.delete(key));
      this.unloading.set(key, done);
    }, this.idleMs);
    timer.unref();
    this.idleTimers.set(key, timer);
  }

  /** The chair switched a meeting's notes to read-only or back: applies to the sockets already on it. */
  async setNotesReadOnly(meetingId: string, readOnly: boolean): Promise<void> {
    const shared = await this.docs.get(notesDocumentName(meetingId))?.catch(() => undefined);
    shared?.setReadOnly(readOnly);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether a document is in memory, being unloaded included (for tests and monitoring). */
  isLoaded(name: string): boolean {
    return this.docs.has(name) || this.unloading.has(name);
  }

  /** Shutdown: every socket is closed, every pending update stored, every document folded. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    const docs = await Promise.allSettled(this.docs.values());
    this.docs.clear();
    const open = docs.flatMap((d) => (d.status === 'fulfilled' ? [d.value] : []));
    for (const shared of open) shared.closeAll(closeCodes.serverShutdown, 'The server is restarting');
    await Promise.all([...open.map((shared) => shared.unload()), ...this.unloading.values()]);
  }
}
