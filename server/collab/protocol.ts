/**
 * The y-websocket wire format, as the stock `WebsocketProvider` speaks it: a varuint message
 * type (0 sync, 1 awareness, 2 auth, 3 query awareness), then the y-protocols payload.
 * Decoding is separate from applying, so the caller decides what a connection may change.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';

export const messageSync = 0;
export const messageAwareness = 1;
export const messageAuth = 2;
export const messageQueryAwareness = 3;

export type ClientMessage =
  | { kind: 'syncStep1'; stateVector: Uint8Array }
  /** Sync step 2 (the answer to our step 1) or a live update: both carry a Yjs update. */
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'queryAwareness' }
  | { kind: 'ignored' };

/** Throws on a malformed frame. */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(data);
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case messageSync: {
      const syncType = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (syncType === syncProtocol.messageYjsSyncStep1) return { kind: 'syncStep1', stateVector: payload };
      if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) return { kind: 'update', update: payload };
      throw new Error(`unknown sync message type ${syncType}`);
    }
    case messageAwareness:
      return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
    case messageQueryAwareness:
      return { kind: 'queryAwareness' };
    case messageAuth:
      return { kind: 'ignored' };
    default:
      throw new Error(`unknown message type ${type}`);
  }
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Our state vector: the client answers with what we lack. */
export const syncStep1Message = (doc: Y.Doc) =>
  frame((e) => {
    encoding.writeVarUint(e, messageSync);
    syncProtocol.writeSyncStep1(e, doc);
  });

/** What the client lacks, given its state vector; the provider counts as `synced` on receiving it. */
export const syncStep2Message = (doc: Y.Doc, stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, messageSync);
    syncProtocol.writeSyncStep2(e, doc, stateVector);
  });

export const updateMessage = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, messageSync);
    syncProtocol.writeUpdate(e, update);
  });

/** One client's entry in an awareness update: its state is the client's JSON, null when it left. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
}

/** The entries of an awareness update (y-protocols' encoding); throws on a malformed one. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const entries: AwarenessEntry[] = [];
  for (let count = decoding.readVarUint(decoder); count > 0; count--) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(decoder)) });
  }
  return entries;
}

/** Whose states an awareness update carries and their clocks, read without parsing the states (cheap). */
export function awarenessClocks(update: Uint8Array): { clientId: number; clock: number; left: boolean }[] {
  const decoder = decoding.createDecoder(update);
  const clocks: { clientId: number; clock: number; left: boolean }[] = [];
  for (let count = decoding.readVarUint(decoder); count > 0; count--) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarUint8Array(decoder);
    clocks.push({ clientId, clock, left: state.length === 4 && String.fromCharCode(...state) === 'null' });
  }
  return clocks;
}

export const encodeAwarenessUpdate = (entries: AwarenessEntry[]) =>
  frame((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const { clientId, clock, state } of entries) {
      encoding.writeVarUint(e, clientId);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, JSON.stringify(state));
    }
  });

export const awarenessMessage = (awareness: awarenessProtocol.Awareness, clientIds: number[]) =>
  frame((e) => {
    encoding.writeVarUint(e, messageAwareness);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clientIds));
  });
