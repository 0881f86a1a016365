import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import WebSocket from 'ws';
import * as Y from 'yjs';

const messageSync = 0;

/**
 * A document socket held open as the stock client holds it (it answers the server's sync step 1
 * with what it has, and sends its own edits), but never reconnecting: a walk sees exactly when,
 * and with which code, the server closed it.
 */
export class DocumentSocket {
  readonly doc = new Y.Doc();
  closeCode: number | null = null;
  private closeWaiters: ((code: number) => void)[] = [];

  private constructor(
    private readonly socket: WebSocket,
    /** Whether the server took this socket as a writer (it asked for our state first). */
    readonly writer: boolean,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this || this.socket.readyState !== WebSocket.OPEN) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeUpdate(encoder, update);
      this.socket.send(encoding.toUint8Array(encoder));
    });
  }

  /** Opens the document: the socket, or the close code it was refused with. */
  static open(baseUrl: string, name: string, cookie: string | undefined): Promise<DocumentSocket | { refused: number }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/collab/${encodeURIComponent(name)}`, { headers: cookie ? { cookie } : {} });
      let opened: DocumentSocket | null = null;
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`${name}: neither opened nor closed`));
      }, 10_000);
      socket.on('open', () => {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, messageSync);
        syncProtocol.writeSyncStep1(encoder, new Y.Doc());
        socket.send(encoding.toUint8Array(encoder));
      });
      socket.on('message', (data: Buffer) => {
        if (data[0] !== messageSync) return;
        if (!opened) {
          // The first sync message: step 1 means the server takes edits from us; step 2 alone, read only.
          opened = new DocumentSocket(socket, data[1] === syncProtocol.messageYjsSyncStep1);
          clearTimeout(timer);
          resolve(opened);
        }
        opened.receive(new Uint8Array(data));
      });
      socket.on('close', (code) => {
        clearTimeout(timer);
        if (!opened) return resolve({ refused: code });
        opened.closeCode = code;
        for (const waiter of opened.closeWaiters.splice(0)) waiter(code);
      });
      socket.on('error', () => {});
    });
  }

  /** An edit, sent at once: a marker the walk then looks for among the stored updates. */
  write(marker: string): void {
    this.doc.getText('walk').insert(0, marker);
  }

  closed(): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closeCode !== null) return;
    const done = this.closed();
    this.socket.close();
    await done;
  }

  private receive(data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    decoding.readVarUint(decoder);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
    if (encoding.length(encoder) > 1 && this.socket.readyState === WebSocket.OPEN) this.socket.send(encoding.toUint8Array(encoder));
  }
}
