/**
 * Checks on a Yjs update before it is stored: a malformed one must never reach the update log
 * (it would make the document unloadable), and one that adds nothing need not be stored.
 */
import * as Y from 'yjs';

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/** Parses the update without applying it; throws when the bytes are not a Yjs update. */
export function decodeUpdate(update: Uint8Array): DecodedUpdate {
  return Y.decodeUpdate(update);
}

/**
 * True when applying the update would change nothing: every struct is already in the document
 * and every deletion already done. A reconnecting client's sync step 2 is usually like this.
 */
export function addsNothing(doc: Y.Doc, { structs, ds }: DecodedUpdate): boolean {
  const known = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    if (struct.id.clock + struct.length > (known.get(struct.id.client) ?? 0)) return false;
  }
  if (ds.clients.size === 0) return true;
  const done = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of ds.clients) {
    const doneRanges = done.clients.get(client) ?? [];
    for (const range of ranges) if (!covered(doneRanges, range.clock, range.clock + range.len)) return false;
  }
  return true;
}

/** Whether [from, to) lies within the union of the (sorted) ranges. */
function covered(ranges: readonly { clock: number; len: number }[], from: number, to: number): boolean {
  let at = from;
  for (const r of ranges) {
    if (r.clock > at) break;
    if (r.clock + r.len > at) at = r.clock + r.len;
    if (at >= to) return true;
  }
  return at >= to;
}
