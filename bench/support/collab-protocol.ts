// What bench/collab.ts and its load generators (collab-load.ts) say to each other, and the edit
// markers every load generator writes and looks for. The server children speak the fanout IPC
// (fanout-server-ipc.ts: ready, stats, stop).

/** Which server a run measures. */
export type CollabTarget = 'aukio' | 'hocuspocus';

export interface CollabDoc {
  name: string;
  /** Global indices of every editor on this document, across all load generators. */
  editors: number[];
}

export interface CollabEditor {
  /** Global index: edit ids are `index * editsPerEditor + seq`. */
  index: number;
  /** Index into LoadConfig.docs. */
  doc: number;
  /** Aukio: the session cookie (`aukio_session=…`); Hocuspocus: the token its onAuthenticate checks. */
  credential: string;
  displayName: string;
}

/** One load generator's share (as JSON in COLLAB_LOAD). */
export interface CollabLoadConfig {
  target: CollabTarget;
  /** Aukio: ws://host:port/collab (the provider appends /<docName>); Hocuspocus: ws://host:port. */
  url: string;
  docs: CollabDoc[];
  /** The editors this process runs. */
  editors: CollabEditor[];
  editsPerEditor: number;
  intervalMs: number;
  /** Seeds the editors' phases, positions and deletions: both targets get the same edits. */
  seed: number;
  /** How long to wait, once every generator has made its edits, for the last deliveries. */
  drainMs: number;
}

export interface EditorClocks {
  index: number;
  doc: number;
  clientId: number;
  /** The editor's own clock after each of its edits (by seq): a stored document holding edit n reaches clocks[n]. */
  clocks: number[];
}

export interface CollabLoadResult {
  /** [edit id, when it was made (ms on the machine's monotonic clock)] for this process's editors. */
  sent: [number, number][];
  /** Per edit id: how many of this process's editors have seen it, and when the last of them did. */
  seenCount: number[];
  lastSeenAt: number[];
  editors: EditorClocks[];
  /** How late, at worst, an edit was made against its schedule (a saturated generator shows here). */
  maxSendLagMs: number;
  /** Sockets that closed during the edit window (the provider reconnects; ours does not). */
  closedEarly: number;
  /** This process's CPU over the edit window and drain, µs. */
  cpuUs: number;
}

export type CollabLoadToParent =
  | { type: 'progress'; message: string }
  | { type: 'connected'; editors: number; seconds: number }
  /** This process's editors have made all their edits. */
  | { type: 'edited' }
  | { type: 'result'; result: CollabLoadResult }
  | { type: 'failed'; message: string };

/**
 * `go`: `startAt` is when the first edits are due, on the monotonic clock (all generators start
 * together). `drain`: every generator has made its edits; wait for the last deliveries and report.
 */
export type ParentToCollabLoad = { type: 'go'; startAt: number } | { type: 'drain' } | { type: 'finish' };

/**
 * Milliseconds on CLOCK_MONOTONIC: one clock for every process on the machine, so an edit made in
 * one load generator and seen in another is timed without clock skew.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

// ---- Edit markers: ⟦editor.seq.madeAt⟧ inserted into the shared text ----

const OPEN = '⟦';
const CLOSE = '⟧';
const openBytes = Buffer.from(OPEN);
const closeBytes = Buffer.from(CLOSE);

export function marker(editor: number, seq: number, madeAt: number): string {
  return `${OPEN}${editor}.${seq}.${madeAt.toFixed(3)}${CLOSE}`;
}

export interface Marker {
  editor: number;
  seq: number;
  madeAt: number;
}

/**
 * Every marker in a Yjs update, read from its bytes: an inserted string is stored in the update as
 * UTF-8, whole, however the text around it was split; so no decoding, and nothing but the markers
 * is matched (the brackets are three-byte characters the rest of an update does not form with
 * digits and dots between them).
 */
export function markersIn(update: Uint8Array, found: (m: Marker) => void): void {
  const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
  let at = bytes.indexOf(openBytes);
  while (at >= 0) {
    const start = at + openBytes.length;
    const end = bytes.indexOf(closeBytes, start);
    if (end < 0) return;
    const parts = bytes.toString('latin1', start, end).split('.');
    if (parts.length === 4 && parts.every((p) => /^\d+$/.test(p))) {
      found({ editor: Number(parts[0]), seq: Number(parts[1]), madeAt: Number(`${parts[2]}.${parts[3]}`) });
    }
    at = bytes.indexOf(openBytes, end + closeBytes.length);
  }
}
