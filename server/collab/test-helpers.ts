import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { Sql } from '../../db/connection.ts';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, messageAwareness } from './protocol.ts';

/** `ws` with a cookie (and optionally an Origin) on the upgrade request, in the shape the provider constructs. */
export function socketClass(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
}

export interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  closeCodes: number[];
  destroy(): void;
}

/** The stock y-websocket client, in Node; `baseUrl` is the server's http address. */
export function connect(baseUrl: string, docName: string, cookie?: string): Client {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/collab`, docName, doc, {
    WebSocketPolyfill: socketClass(cookie ? { cookie } : {}) as never,
    // Node has BroadcastChannel: without this, two providers in one process would sync around the server.
    disableBc: true,
    maxBackoffTime: 300,
  });
  const closeCodes: number[] = [];
  provider.on('connection-close', (event) => void (event && closeCodes.push(event.code)));
  return {
    doc,
    provider,
    closeCodes,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

export function synced(client: Client, timeoutMs = 10_000): Promise<void> {
  return eventually(() => client.provider.synced, timeoutMs, 'provider never synced');
}

export async function eventually(test: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface RawResult {
  code: number;
  reason: string;
  messages: Buffer[];
}

/** A bare socket that says what a y-websocket client says first, and reports everything it got until closed. */
export function rawConnect(baseUrl: string, path: string, headers: Record<string, string> = {}, timeoutMs = 5_000): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, { headers });
    const messages: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`socket not closed; got ${messages.length} messages`));
    }, timeoutMs);
    socket.on('open', () => {
      // Sync step 1 with an empty state vector: the server would answer with the whole document.
      socket.send(new Uint8Array([0, 0, 1, 0]));
    });
    socket.on('message', (data) => messages.push(data as Buffer));
    socket.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString(), messages });
    });
    socket.on('error', () => {});
  });
}

export async function idsOf(sql: Sql, slug: string): Promise<{ spaceId: string; meetingId: string }> {
  const [row] = await sql<{ spaceId: string; meetingId: string }[]>`
    select s.id as "spaceId", m.id as "meetingId" from spaces s join meetings m on m.space_id = s.id
    where s.slug = ${slug} order by m.starts_at limit 1`;
  if (!row) throw new Error(`no meeting in ${slug}`);
  return row;
}

export async function storedRows(sql: Sql, name: string) {
  const updates = await sql<{ id: string; update: Buffer }[]>`select id::text as id, "update" from document_updates where doc_name = ${name} order by document_updates.id`;
  const snapshots = await sql<{ state: Buffer }[]>`select state from document_snapshots where doc_name = ${name}`;
  return { updates, snapshots };
}

/** The document as stored: the snapshot and the updates after it, applied to a fresh Y.Doc. */
export async function storedDoc(sql: Sql, name: string): Promise<Y.Doc> {
  const { updates, snapshots } = await storedRows(sql, name);
  const doc = new Y.Doc();
  if (snapshots[0]) Y.applyUpdate(doc, snapshots[0].state);
  for (const u of updates) Y.applyUpdate(doc, u.update);
  return doc;
}

/** A bare document socket that sends what it is told and keeps everything it gets. */
export class RawDocumentSocket {
  readonly messages: Buffer[] = [];
  closed: { code: number; reason: string } | null = null;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(data as Buffer));
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    socket.on('error', () => {});
  }

  /** Open (or closed at once by the server, which `closed` then tells). */
  static async open(baseUrl: string, docName: string, cookie?: string): Promise<RawDocumentSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/collab/${encodeURIComponent(docName)}`, { headers: cookie ? { cookie } : {} });
    const raw = new RawDocumentSocket(socket);
    await new Promise<void>((resolve) => {
      socket.once('open', () => resolve());
      socket.once('close', () => resolve());
    });
    return raw;
  }

  send(frame: Uint8Array): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  /** Messages of a y-websocket type (0 sync, 1 awareness) received so far. */
  received(type: number): Buffer[] {
    return this.messages.filter((m) => m[0] === type);
  }

  whenClosed(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    return eventually(() => this.closed !== null, timeoutMs, 'the socket to close').then(() => this.closed!);
  }

  close(): void {
    this.socket.close();
  }
}

/** Sync step 1 with an empty state vector: "send me the whole document". */
export const syncRequestFrame = () => new Uint8Array([0, 0, 1, 0]);

/** An awareness message carrying these clients' states (null: the client left). */
export function awarenessFrame(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageAwareness);
  encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(entries));
  return encoding.toUint8Array(encoder);
}

/** The awareness states an awareness message carries, by client id. */
export function awarenessStatesIn(message: Uint8Array): Map<number, unknown> {
  const decoder = decoding.createDecoder(message);
  decoding.readVarUint(decoder);
  return new Map(decodeAwarenessUpdate(decoding.readVarUint8Array(decoder)).map((e) => [e.clientId, e.state]));
}
