/**
 * A document in Postgres: a snapshot plus the updates not yet folded into it, in order. Plain SQL,
 * the same on the embedded and the server database.
 */
import * as Y from 'yjs';
import type { Queries, Sql } from '../../db/connection.ts';

export interface DocumentOwner {
  spaceId: string;
  meetingId: string | null;
}

export interface StoredDocument {
  snapshot: Uint8Array | null;
  /** Every update not folded into the snapshot, oldest first. */
  updates: { id: number; update: Uint8Array }[];
}

/** Snapshot and updates read in one consistent view (a compaction may commit meanwhile). */
export async function readDocument(sql: Sql, name: string): Promise<StoredDocument> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [snapshot] = await tx<{ state: Uint8Array }[]>`select state from document_snapshots where doc_name = ${name}`;
    const rows = await tx<{ id: string; update: Uint8Array }[]>`
      select id::text as id, "update" from document_updates where doc_name = ${name} order by document_updates.id`;
    return { snapshot: snapshot?.state ?? null, updates: rows.map((r) => ({ id: Number(r.id), update: r.update })) };
  });
}

/** Appends a batch in one statement (creating the document row on its first write); returns the new ids in order. */
export async function appendUpdates(sql: Sql, name: string, owner: DocumentOwner, updates: Uint8Array[]): Promise<number[]> {
  const rows = updates.map((update) => ({ doc_name: name, update: Buffer.from(update.buffer, update.byteOffset, update.byteLength) }));
  const ids = await sql<{ id: string }[]>`
    with document as (
      insert into documents (name, space_id, meeting_id) values (${name}, ${owner.spaceId}, ${owner.meetingId})
      on conflict (name) do nothing
    ), appended as (
      insert into document_updates ${sql(rows, 'doc_name', 'update')} returning id
    )
    select id::text as id from appended order by appended.id`;
  return ids.map((r) => Number(r.id));
}

/**
 * Folds updates into the snapshot and deletes exactly those rows, atomically. `state` must contain
 * every update in `folded`. It is merged with the stored snapshot rather than replacing it, so
 * nothing is lost even if another process held (and folded) the same document.
 */
export async function writeSnapshot(sql: Sql, name: string, state: Uint8Array, folded: number[]): Promise<void> {
  await sql.begin(async (tx) => {
    const [old] = await tx<{ state: Uint8Array }[]>`select state from document_snapshots where doc_name = ${name} for update`;
    const merged = old ? Y.mergeUpdates([old.state, state]) : state;
    const bytes = Buffer.from(merged.buffer, merged.byteOffset, merged.byteLength);
    await tx`
      insert into document_snapshots (doc_name, state) values (${name}, ${bytes})
      on conflict (doc_name) do update set state = excluded.state, updated_at = now()`;
    await tx`delete from document_updates where doc_name = ${name} and id = any(${folded}::bigint[])`;
  });
}

export async function notesReadOnly(sql: Sql, meetingId: string): Promise<boolean> {
  const [row] = await sql<{ readOnly: boolean }[]>`select read_only as "readOnly" from meeting_notes_settings where meeting_id = ${meetingId}`;
  return row?.readOnly ?? false;
}

export async function setNotesReadOnly(sql: Queries, meetingId: string, readOnly: boolean, userId: string): Promise<void> {
  await sql`
    insert into meeting_notes_settings (meeting_id, read_only, changed_by) values (${meetingId}, ${readOnly}, ${userId})
    on conflict (meeting_id) do update set read_only = excluded.read_only, changed_by = excluded.changed_by, changed_at = now()`;
}
