/**
 * A document's life, as four named hooks (after Hocuspocus): `authenticate` a connection,
 * `load` the document from Postgres, `store` accepted updates, `unload` it when the last
 * client has gone. Tests can replace any of them.
 */
import * as Y from 'yjs';
import type { Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { authenticate, type Authentication, type DocumentName } from './access.ts';
import { appendUpdates, notesReadOnly, readDocument, writeSnapshot, type DocumentOwner } from './document-store.ts';

export interface LoadedDocument {
  doc: Y.Doc;
  /** The stored updates it holds that are not folded into the snapshot (ids, total size): compaction is due when they grow. */
  unfolded: Unfolded;
  /** Meeting notes the chair made read-only. */
  readOnly: boolean;
}

export interface Unfolded {
  ids: number[];
  bytes: number;
}

export interface DocumentHooks {
  authenticate(user: SessionUser | null, doc: DocumentName): Promise<Authentication>;
  /** Rejects with a DocumentLoadError when the stored document cannot be applied. */
  load(doc: DocumentName): Promise<LoadedDocument>;
  /** Appends updates in order, in one write; resolves with their ids. */
  store(doc: DocumentName, owner: DocumentOwner, updates: Uint8Array[]): Promise<number[]>;
  /** Folds the updates `folded` (all contained in `state`) into the snapshot, in the background while the document is open. */
  compact(doc: DocumentName, state: Uint8Array, folded: number[]): Promise<void>;
  /** The last client has gone and everything is stored: the final state, before it leaves memory. */
  unload(doc: DocumentName, ydoc: Y.Doc, unfolded: number[]): Promise<void>;
}

export class DocumentLoadError extends Error {
  constructor(
    readonly docName: string,
    readonly updateId: number | 'snapshot',
    cause: unknown,
  ) {
    super(`Document ${docName} could not be loaded: stored ${updateId === 'snapshot' ? 'snapshot' : `update ${updateId}`} is unreadable (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}

export function databaseHooks(sql: Sql): DocumentHooks {
  return {
    authenticate: (user, doc) => authenticate(sql, user, doc),

    async load(doc) {
      const [stored, readOnly] = await Promise.all([readDocument(sql, doc.name), doc.kind === 'notes' ? notesReadOnly(sql, doc.ownerId) : false]);
      const ydoc = new Y.Doc();
      let at: number | 'snapshot' = 'snapshot';
      try {
        if (stored.snapshot) Y.applyUpdate(ydoc, stored.snapshot);
        for (const { id, update } of stored.updates) {
          at = id;
          Y.applyUpdate(ydoc, update);
        }
      } catch (error) {
        ydoc.destroy();
        throw new DocumentLoadError(doc.name, at, error);
      }
      const bytes = stored.updates.reduce((sum, u) => sum + u.update.byteLength, 0);
      return { doc: ydoc, unfolded: { ids: stored.updates.map((u) => u.id), bytes }, readOnly };
    },

    store: (doc, owner, updates) => appendUpdates(sql, doc.name, owner, updates),

    compact: (doc, state, folded) => writeSnapshot(sql, doc.name, state, folded),

    // A document reopened later loads from one snapshot instead of replaying its tail.
    unload: async (doc, ydoc, unfolded) => {
      if (unfolded.length > 0) await writeSnapshot(sql, doc.name, Y.encodeStateAsUpdate(ydoc), unfolded);
    },
  };
}
