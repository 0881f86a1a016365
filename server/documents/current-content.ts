/**
 * A document's content as it stands now, for reading (rendering, checking what exists): a copy of
 * the live Y.Doc when the document is open on this process, otherwise the stored snapshot plus
 * its updates. Nothing is written: a document that is not open is not loaded into the registry.
 *
 * Either source is current: every update is stored before any client sees it (see SharedDoc), so
 * the store holds at least what the live document shows. The live copy merely saves replaying
 * the update log while people are typing.
 */
import * as Y from 'yjs';
import type { Sql } from '../../db/connection.ts';
import type { DocumentOwner } from '../collab/document-store.ts';
import { readDocument } from '../collab/document-store.ts';
import { parseDocumentName } from '../collab/access.ts';
import type { DocumentRegistry } from '../collab/registry.ts';

export interface ContentSource {
  sql: Sql;
  /** The app's live documents (`app.documents`), when the collab endpoint is registered. */
  registry?: DocumentRegistry | undefined;
}

/**
 * A fresh Y.Doc holding the document's current state; the caller owns it (and may destroy it).
 * A document never written is an empty Y.Doc.
 */
export async function currentDocument(source: ContentSource, docName: string, owner: DocumentOwner): Promise<Y.Doc> {
  const live = await liveState(source.registry, docName, owner);
  const doc = new Y.Doc();
  if (live) {
    Y.applyUpdate(doc, live);
    return doc;
  }
  const stored = await readDocument(source.sql, docName);
  try {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const { update } of stored.updates) Y.applyUpdate(doc, update);
  } catch (error) {
    doc.destroy();
    throw error;
  }
  return doc;
}

/** The live document's state, or null when it is not open here (or cannot be used). */
async function liveState(registry: DocumentRegistry | undefined, docName: string, owner: DocumentOwner): Promise<Uint8Array | null> {
  const name = parseDocumentName(docName);
  // Only a document already in memory is taken from the registry: `open` would otherwise load it.
  if (!registry || registry.isClosed || !name || !registry.isLoaded(name.name)) return null;
  let shared;
  try {
    shared = await registry.open(name, owner);
  } catch {
    return null;
  }
  try {
    // Whatever the server has received so far is stored and applied first (this only awaits the
    // document's own write path, which would run anyway).
    await shared.flush();
    return shared.broken ? null : Y.encodeStateAsUpdate(shared.doc);
  } finally {
    // `open` paused the idle timer of a document nobody is on: it starts again.
    registry.release(shared);
  }
}
