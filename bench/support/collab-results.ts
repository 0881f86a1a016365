// bench/collab.ts's figures from its load generators' reports: per edit, the time until every
// other editor of its document had it; and whether Postgres holds every edit that anyone saw.
import * as Y from 'yjs';
import { openDatabase } from '../../db/connection.ts';
import { readDocument } from '../../server/collab/document-store.ts';
import type { CollabDoc, CollabLoadResult, EditorClocks } from './collab-protocol.ts';

export interface Latencies {
  /** Edits made. */
  edits: number;
  /** Edits some other editor of their document never saw. */
  lost: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 on document 0 (the big one), and on the others. */
  bigP99: number;
  smallP99: number;
}

export interface Seen {
  /** Per edit id: how many other editors have seen it, and when the last of them did. */
  count: Uint16Array;
  last: Float64Array;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Adds up the generators' reports. */
export function seenByOthers(results: CollabLoadResult[]): Seen {
  const size = results[0]?.seenCount.length ?? 0;
  const count = new Uint16Array(size);
  const last = new Float64Array(size);
  for (const r of results) {
    for (let id = 0; id < size; id += 1) {
      count[id]! += r.seenCount[id]!;
      if (r.lastSeenAt[id]! > last[id]!) last[id] = r.lastSeenAt[id]!;
    }
  }
  return { count, last };
}

/**
 * Per edit: the time until every other editor of its document had it. An edit someone never saw
 * counts as seen at `endedAt` (so, with losses, the percentiles are lower bounds).
 */
export function latencies(docs: CollabDoc[], results: CollabLoadResult[], seen: Seen, editsPerEditor: number, endedAt: number): Latencies {
  const editorCount = docs.reduce((n, d) => n + d.editors.length, 0);
  const docOf = new Int32Array(editorCount);
  for (const [d, doc] of docs.entries()) for (const e of doc.editors) docOf[e] = d;
  const all: number[] = [];
  const big: number[] = [];
  const small: number[] = [];
  let lost = 0;
  for (const r of results) {
    for (const [id, madeAt] of r.sent) {
      const doc = docOf[Math.floor(id / editsPerEditor)]!;
      const complete = seen.count[id] === docs[doc]!.editors.length - 1;
      if (!complete) lost += 1;
      const ms = (complete ? seen.last[id]! : endedAt) - madeAt;
      all.push(ms);
      (doc === 0 ? big : small).push(ms);
    }
  }
  const sorted = (xs: number[]) => Float64Array.from(xs).sort();
  const s = sorted(all);
  return { edits: all.length, lost, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? NaN, bigP99: percentile(sorted(big), 99), smallP99: percentile(sorted(small), 99) };
}

/**
 * Reads every document back from Postgres: how many editors' edits that another editor saw it
 * lacks. (An edit nobody saw may still be in a socket when the server stops; its editor would
 * send it again on reconnecting.)
 */
export async function missingFromStore(url: string, docs: CollabDoc[], editors: EditorClocks[], seen: Seen, editsPerEditor: number): Promise<number> {
  const db = await openDatabase({ url });
  try {
    let missing = 0;
    for (const [d, doc] of docs.entries()) {
      const stored = await readDocument(db.sql, doc.name);
      const ydoc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(ydoc, stored.snapshot);
      for (const { update } of stored.updates) Y.applyUpdate(ydoc, update);
      for (const e of editors) {
        if (e.doc !== d) continue;
        let lastSeen = -1;
        for (let seq = 0; seq < e.clocks.length; seq += 1) if (seen.count[e.index * editsPerEditor + seq]! > 0) lastSeen = seq;
        // Clocks are per client and contiguous: reaching the clock after an edit means holding it and every earlier one.
        if (lastSeen >= 0 && Y.getState(ydoc.store, e.clientId) < e.clocks[lastSeen]!) missing += 1;
      }
      ydoc.destroy();
    }
    return missing;
  } finally {
    await db.close();
  }
}
