// A minimal Hocuspocus client for bench/collab.ts: what @hocuspocus/provider does on one socket
// for one document, without its reconnection and multiplexing. Hocuspocus 3 does not accept the
// plain y-websocket protocol: every frame starts with the document's name, and a connection is
// opened by an auth (token) message. After that it is the y-websocket exchange the stock
// provider has with Aukio: sync step 1 and our awareness on open, step 2 in answer to the
// server's step 1, each local update as a sync update, remote updates applied with this client
// as their origin, a turn's messages in one transaction as on Aukio (collab-batch.ts).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { TurnBatch } from './collab-batch.ts';

// @hocuspocus/server's MessageType and @hocuspocus/common's AuthMessageType (the provider is not installed).
const messageSync = 0;
const messageAwareness = 1;
const messageAuth = 2;
const messageQueryAwareness = 3;
const messageSyncReply = 4;
const messageClose = 7;
const authToken = 0;
const authPermissionDenied = 1;

export class HocuspocusClient {
  readonly awareness: awarenessProtocol.Awareness;
  synced = false;
  closed: { code: number; reason: string } | null = null;
  private readonly socket: WebSocket;
  private readonly onClose: (() => void)[] = [];

  constructor(
    url: string,
    readonly name: string,
    readonly doc: Y.Doc,
    token: string,
    applied: (bytes: Uint8Array) => void,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.socket = new WebSocket(url, { perMessageDeflate: false });
    this.socket.binaryType = 'nodebuffer';
    this.socket.on('open', () => {
      this.send((e) => {
        encoding.writeVarUint(e, messageAuth);
        encoding.writeVarUint(e, authToken);
        encoding.writeVarString(e, token);
      });
      this.send((e) => {
        encoding.writeVarUint(e, messageSync);
        syncProtocol.writeSyncStep1(e, doc);
      });
      if (this.awareness.getLocalState() !== null) this.sendAwareness([doc.clientID]);
    });
    const batch = new TurnBatch(doc, () => this, applied);
    this.socket.on('message', (data: Buffer) => batch.add(data, () => this.receive(data)));
    this.socket.on('error', () => {});
    this.socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const listener of this.onClose) listener();
    });
    doc.on('update', this.updateHandler);
    this.awareness.on('update', this.awarenessHandler);
  }

  whenClosed(listener: () => void): void {
    this.onClose.push(listener);
  }

  destroy(): void {
    this.doc.off('update', this.updateHandler);
    this.awareness.off('update', this.awarenessHandler);
    this.awareness.destroy();
    this.socket.close();
  }

  private readonly updateHandler = (update: Uint8Array, origin: unknown) => {
    if (origin === this) return;
    this.send((e) => {
      encoding.writeVarUint(e, messageSync);
      syncProtocol.writeUpdate(e, update);
    });
  };

  private readonly awarenessHandler = ({ added, updated, removed }: Record<'added' | 'updated' | 'removed', number[]>) => {
    this.sendAwareness([...added, ...updated, ...removed]);
  };

  private sendAwareness(clients: number[]): void {
    this.send((e) => {
      encoding.writeVarUint(e, messageAwareness);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    });
  }

  private send(write: (encoder: encoding.Encoder) => void): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, this.name);
    write(encoder);
    this.socket.send(encoding.toUint8Array(encoder));
  }

  private receive(data: Buffer): void {
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (decoding.readVarString(decoder) !== this.name) return;
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case messageSync:
      case messageSyncReply: {
        const encoder = encoding.createEncoder();
        encoding.writeVarString(encoder, this.name);
        encoding.writeVarUint(encoder, messageSync);
        const before = encoding.length(encoder);
        const syncType = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
        // The answer to the server's step 1 (our step 2).
        if (encoding.length(encoder) > before && this.socket.readyState === WebSocket.OPEN) this.socket.send(encoding.toUint8Array(encoder));
        if (syncType === syncProtocol.messageYjsSyncStep2) this.synced = true;
        break;
      }
      case messageAwareness:
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
        break;
      case messageQueryAwareness:
        this.sendAwareness([...this.awareness.getStates().keys()]);
        break;
      case messageAuth:
        if (decoding.readVarUint(decoder) === authPermissionDenied) this.socket.close(4403, 'permission denied');
        break;
      case messageClose:
        this.socket.close();
        break;
      // SyncStatus (the server's ack of each update), stateless messages: nothing to do.
    }
  }
}
