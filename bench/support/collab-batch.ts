// Applies the messages a load-generator editor receives in one turn of the event loop in one Yjs
// transaction. 150 full replicas on one 2-core machine stand for 150 devices; applied one by one,
// each remote edit costs every replica a transaction of its own (state vectors before and after,
// cleanup, an `update` event), and the generators, short of CPU, time themselves instead of the
// server. In one transaction the Y.Doc has every message of the turn applied at once, as soon as
// the turn's messages are read. The edits are then looked for in the messages as received (a
// marker another message of the turn cut or deleted is whole there): an edit still counts as seen
// only once everything in its message is in the Y.Doc.
import WebSocket from 'ws';
import type * as Y from 'yjs';
import { socketClass } from '../../server/collab/test-helpers.ts';

export class TurnBatch {
  private queue: { bytes: Uint8Array; handle: () => void }[] = [];
  /** Messages applied whose updates still wait in the Y.Doc for an update they depend on. */
  private waiting: Uint8Array[] = [];

  /**
   * `origin`: the transaction's origin, the client that applies remote updates (so it does not
   * send them back). `applied`: each message's bytes, once everything in it is in the Y.Doc.
   */
  constructor(
    private readonly doc: Y.Doc,
    private readonly origin: () => unknown,
    private readonly applied: (bytes: Uint8Array) => void,
  ) {}

  add(bytes: Uint8Array, handle: () => void): void {
    if (this.queue.push({ bytes, handle }) === 1) setImmediate(this.flush);
  }

  private readonly flush = () => {
    const messages = this.queue;
    this.queue = [];
    if (this.doc.isDestroyed) return;
    // Each message's own applyUpdate joins this transaction.
    this.doc.transact(() => {
      for (const { handle } of messages) handle();
    }, this.origin());
    this.waiting.push(...messages.map((m) => m.bytes));
    const { pendingStructs, pendingDs } = this.doc.store;
    if (pendingStructs !== null || pendingDs !== null) return;
    for (const bytes of this.waiting.splice(0)) this.applied(bytes);
  };
}

/**
 * The stock WebsocketProvider's `ws` WebSocket with these headers (the session cookie, as the
 * tests' `socketClass`), handing each message to the provider inside the turn's batch.
 */
export function batchedSocketClass(headers: Record<string, string>, batch: TurnBatch) {
  const BatchedSocket = class extends socketClass(headers) {};
  const own = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage')!;
  // The provider sets `onmessage`; the handler it sets runs in the batch.
  Object.defineProperty(BatchedSocket.prototype, 'onmessage', {
    get(this: WebSocket) {
      return own.get!.call(this);
    },
    set(this: WebSocket, handler: ((event: WebSocket.MessageEvent) => void) | null) {
      own.set!.call(this, handler && ((event: WebSocket.MessageEvent) => batch.add(asBytes(event.data), () => handler.call(this, event))));
    },
  });
  return BatchedSocket;
}

function asBytes(data: WebSocket.Data): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data);
  return typeof data === 'string' ? Buffer.from(data) : data;
}
