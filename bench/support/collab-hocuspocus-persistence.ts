// The Hocuspocus baseline's persistence for bench/collab.ts: Aukio's, as a Hocuspocus extension,
// so the two servers differ in their own code and not in what they ask of Postgres.
//
// The same tables and the same SQL (server/collab/document-store.ts: readDocument, appendUpdates,
// writeSnapshot), the same batching (the updates of one document that arrive in one turn of the
// event loop go into one INSERT; batches of a document are written one after another), the same
// compaction rule (compactAfter) run in the background, the same load (snapshot + log) and the
// same final snapshot when the document leaves memory. And the same guarantee by default:
//
// - `before-broadcast` (default): the update is in Postgres before Hocuspocus applies and
//   broadcasts it, as on Aukio, so whatever anyone has seen is stored. Done in beforeHandleMessage,
//   which Hocuspocus awaits before it handles a frame; a frame whose update cannot be decoded, or
//   whose batch cannot be stored, rejects there and Hocuspocus closes that connection (Aukio
//   closes it too).
// - `after-broadcast` (COLLAB_HOCUSPOCUS_STORE=after-broadcast): the usual Hocuspocus way, the
//   update appended from onChange once it has been applied and broadcast; the same writes, off
//   the path to the other editors, and a weaker guarantee (a crash can lose an edit others saw).
//
// What Aukio does besides, and this does not: its check that an update adds something to the
// document (server/collab/updates.ts addsNothing); only empty updates (a reconnecting client's
// step 2 with nothing new) are skipped here. That check is Aukio's own cost, not persistence.
import type {
  beforeHandleMessagePayload,
  beforeUnloadDocumentPayload,
  Document,
  Extension,
  onChangePayload,
  onLoadDocumentPayload,
} from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Sql } from '../../db/connection.ts';
import { appendUpdates, readDocument, writeSnapshot, type DocumentOwner } from '../../server/collab/document-store.ts';
import { compactAfter } from '../../server/collab/shared-doc.ts';

export type StoreMode = 'before-broadcast' | 'after-broadcast';

const messageSync = 0;
const messageSyncReply = 4;

interface Waiting {
  update: Uint8Array;
  stored: () => void;
  failed: (error: unknown) => void;
}

/** One loaded document's write path. */
class UpdateLog {
  private pending: Waiting[] = [];
  private flushScheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private compaction: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly document: Document,
    private readonly owner: DocumentOwner,
    /** Stored updates not yet folded into the snapshot. */
    private unfolded: { ids: number[]; bytes: number },
    private readonly appliedBeforeStore: boolean,
  ) {}

  /** Resolves once the update is in Postgres. */
  append(update: Uint8Array): Promise<void> {
    return new Promise((stored, failed) => {
      this.pending.push({ update, stored, failed });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.chain = this.chain.then(() => this.storeBatch());
      });
    });
  }

  private async storeBatch(): Promise<void> {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    let ids: number[];
    try {
      ids = await appendUpdates(this.sql, this.document.name, this.owner, batch.map((b) => b.update));
    } catch (error) {
      for (const b of batch) b.failed(error);
      return;
    }
    for (const b of batch) b.stored();
    const bytes = batch.reduce((sum, b) => sum + b.update.byteLength, 0);
    // A snapshot may fold only what the document holds: stored before the broadcast, an update
    // is applied when Hocuspocus's handling of its frame resumes, in the microtasks that follow.
    if (this.appliedBeforeStore) this.foldable(ids, bytes);
    else setImmediate(() => this.foldable(ids, bytes));
  }

  private foldable(ids: number[], bytes: number): void {
    this.unfolded.ids.push(...ids);
    this.unfolded.bytes += bytes;
    if (this.compaction || (this.unfolded.ids.length < compactAfter.count && this.unfolded.bytes < compactAfter.bytes)) return;
    const state = Y.encodeStateAsUpdate(this.document);
    const folded = this.unfolded;
    this.unfolded = { ids: [], bytes: 0 };
    this.compaction = writeSnapshot(this.sql, this.document.name, state, folded.ids)
      .catch((error: unknown) => {
        console.error(`hocuspocus: compaction of ${this.document.name} failed`, error);
        this.unfolded = { ids: [...folded.ids, ...this.unfolded.ids], bytes: this.unfolded.bytes + folded.bytes };
      })
      .finally(() => (this.compaction = null));
  }

  /** Everything stored and folded: the document's final snapshot. */
  async close(): Promise<void> {
    await this.chain;
    await new Promise((resolve) => setImmediate(resolve));
    await this.compaction;
    if (this.unfolded.ids.length > 0) await writeSnapshot(this.sql, this.document.name, Y.encodeStateAsUpdate(this.document), this.unfolded.ids);
  }
}

/** The Yjs update a client frame carries (sync step 2 or update), or null for any other frame. */
function updateInFrame(frame: Uint8Array): Uint8Array | null {
  const decoder = decoding.createDecoder(frame);
  decoding.readVarString(decoder);
  const type = decoding.readVarUint(decoder);
  if (type !== messageSync && type !== messageSyncReply) return null;
  const syncType = decoding.readVarUint(decoder);
  if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) return null;
  return decoding.readVarUint8Array(decoder);
}

const isEmptyUpdate = (update: Uint8Array) => update.byteLength === 2 && update[0] === 0 && update[1] === 0;

const meetingDocument = /^meeting:([0-9a-f-]{36}):(?:notes|minutes)$/;

export class UpdateLogPersistence implements Extension {
  extensionName = 'bench-update-log';
  private readonly logs = new Map<string, UpdateLog>();

  constructor(
    private readonly sql: Sql,
    private readonly mode: StoreMode,
  ) {}

  async onLoadDocument({ documentName, document }: onLoadDocumentPayload): Promise<void> {
    const meetingId = meetingDocument.exec(documentName)?.[1];
    if (!meetingId) throw new Error(`No such document: ${documentName}`);
    const [owner] = await this.sql<DocumentOwner[]>`select space_id as "spaceId", id as "meetingId" from meetings where id = ${meetingId}`;
    if (!owner) throw new Error(`No such document: ${documentName}`);
    const stored = await readDocument(this.sql, documentName);
    // Hocuspocus has not attached its update handler yet: nothing here is broadcast or stored again.
    if (stored.snapshot) Y.applyUpdate(document, stored.snapshot);
    for (const { update } of stored.updates) Y.applyUpdate(document, update);
    const unfolded = { ids: stored.updates.map((u) => u.id), bytes: stored.updates.reduce((sum, u) => sum + u.update.byteLength, 0) };
    this.logs.set(documentName, new UpdateLog(this.sql, document, owner, unfolded, this.mode === 'after-broadcast'));
  }

  async beforeHandleMessage({ documentName, update: frame }: beforeHandleMessagePayload): Promise<void> {
    if (this.mode !== 'before-broadcast') return;
    const update = updateInFrame(frame);
    if (!update || isEmptyUpdate(update)) return;
    // Throws on bytes that are not an update: they must never reach the log.
    Y.decodeUpdate(update);
    await this.logs.get(documentName)?.append(update);
  }

  async onChange({ documentName, update, transactionOrigin }: onChangePayload): Promise<void> {
    // Only edits that came from a client (not the load above).
    if (this.mode !== 'after-broadcast' || !transactionOrigin || isEmptyUpdate(update)) return;
    this.logs
      .get(documentName)
      ?.append(update)
      .catch((error: unknown) => console.error(`hocuspocus: an update of ${documentName} could not be stored`, error));
  }

  async beforeUnloadDocument({ documentName }: beforeUnloadDocumentPayload): Promise<void> {
    const log = this.logs.get(documentName);
    this.logs.delete(documentName);
    await log?.close();
  }
}
