import type {} from '@fastify/websocket';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Sql } from '../../db/connection.ts';
import { keepAlive } from '../keep-alive.ts';
import { closeCodes } from '../protocol/room-messages.ts';
import type { Tracked } from '../access-changes/access-changes.ts';
import { parseDocumentName, type Authentication, type DocumentName } from './access.ts';
import { documentAccessRoutes } from './access-route.ts';
import { databaseHooks, DocumentLoadError, type DocumentHooks } from './lifecycle.ts';
import { notesReadOnlyRoutes } from './read-only-route.ts';
import { DocumentRegistry } from './registry.ts';
import type { Connection, SharedDoc } from './shared-doc.ts';

/**
 * A document frame can be a whole pasted text (5 MB of text is ~5-10 MB of update). The room
 * socket keeps its 64 KiB cap: this route upgrades with a WebSocket server of its own.
 */
export const MAX_DOCUMENT_FRAME = 16 * 1024 * 1024;

export interface CollabOptions {
  sql: Sql;
  publicUrl?: string | undefined;
  /** Replaces the Postgres hooks (tests). */
  hooks?: DocumentHooks;
  /** How long an empty document stays loaded. */
  idleMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    documents: DocumentRegistry;
  }
}

/**
 * `GET /collab/:docName` upgraded to a y-websocket connection (the stock `WebsocketProvider`
 * connects unchanged), plus the chair's read-only switch for meeting notes. Needs
 * @fastify/websocket registered first: it routes upgrade requests through Fastify.
 */
export const collabRoutes = fp<CollabOptions>(
  async (parent, { sql, publicUrl, hooks, idleMs }) => {
    const app = parent.withTypeProvider<TypeBoxTypeProvider>();
    const registry = new DocumentRegistry(hooks ?? databaseHooks(sql), app.log, idleMs);
    const trustedOrigin = publicUrl ? new URL(publicUrl).origin : null;
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_DOCUMENT_FRAME, perMessageDeflate: false });
    app.decorate('documents', registry);
    app.addHook('preClose', async () => {
      await registry.close();
      for (const socket of wss.clients) socket.terminate();
      wss.close();
    });

    app.get(
      '/collab/:docName',
      {
        schema: { hide: true, params: Type.Object({ docName: Type.String({ maxLength: 200 }) }) },
        // The upgrade happens here, before @fastify/websocket's handler would upgrade with the shared
        // server and its 64 KiB cap. (A client must not send before the 101, so there is no head.)
        preHandler: async (request, reply) => {
          if (!request.ws) return;
          reply.hijack();
          wss.handleUpgrade(request.raw, request.raw.socket, Buffer.alloc(0), (socket) => serve(socket, request, request.params.docName));
        },
      },
      async (_request, reply) => reply.code(426).header('upgrade', 'websocket').send({ statusCode: 426, error: 'Upgrade Required', message: 'Connect with a WebSocket', code: 'upgrade_required' }),
    );

    function serve(socket: WebSocket, request: FastifyRequest, rawName: string): void {
      const log = request.log;
      let shared: SharedDoc | undefined;
      let conn: Connection | undefined;
      let tracked: Tracked | undefined;
      // Frames that arrive while the connection is being checked wait, in order; none is answered before.
      const early: Uint8Array[] = [];
      let earlyBytes = 0;
      keepAlive(socket);
      socket.on('error', (error) => log.warn({ err: error }, 'document socket error'));
      socket.on('message', (data: RawData, isBinary: boolean) => {
        if (!isBinary) return;
        const bytes = toBytes(data);
        if (shared && conn) return shared.receive(conn, bytes);
        earlyBytes += bytes.byteLength;
        if (earlyBytes > MAX_DOCUMENT_FRAME) socket.close(closeCodes.abuse, 'Too much data before the document opened');
        else early.push(bytes);
      });
      socket.on('close', () => {
        tracked?.untrack();
        if (!shared || !conn) return;
        shared.leave(conn);
        registry.release(shared);
      });

      void open().catch((error: unknown) => {
        if (!(error instanceof DocumentLoadError)) log.error({ err: error, doc: rawName }, 'document socket failed to open');
        socket.close(1011, error instanceof DocumentLoadError ? 'This document could not be loaded; it has been left untouched' : 'The document could not be opened');
      });

      async function open(): Promise<void> {
        const origin = request.headers.origin;
        // A page on another site must not use a resident's cookie to read or edit in their name.
        if (origin !== undefined && origin !== trustedOrigin && origin !== `${request.protocol}://${request.host}`) {
          return socket.close(closeCodes.forbidden, 'Cross-origin socket refused');
        }
        const name = parseDocumentName(rawName);
        if (!name) return socket.close(closeCodes.notFound, 'No such document');
        const access = await registry.hooks.authenticate(request.user, name);
        if (!access.ok) return socket.close(access.code, access.reason);
        if (socket.readyState !== socket.OPEN) return;
        const doc = await registry.open(name, access.owner);
        if (socket.readyState !== socket.OPEN || registry.isClosed) {
          registry.release(doc);
          if (registry.isClosed) socket.close(closeCodes.serverShutdown, 'The server is restarting');
          return;
        }
        shared = doc;
        conn = doc.join(socket, request.user?.id ?? null, access.level, request.user?.displayName ?? null);
        tracked = trackRights(doc, conn, name, access);
        for (const bytes of early.splice(0)) doc.receive(conn, bytes);
      }

      /**
       * Rechecked whenever this person's rights change: held read-only meanwhile (its updates are
       * dropped, and asked for again if the rights stand), closed when they changed either way, so
       * the editor reconnects and asks what it may do now.
       */
      function trackRights(doc: SharedDoc, opened: Connection, name: DocumentName, granted: Extract<Authentication, { ok: true }>): Tracked {
        return app.accessChanges.track(
          {
            userId: request.user?.id ?? null,
            sessionId: request.session?.id ?? null,
            spaceId: granted.owner.spaceId,
            hold: () => doc.setPermitted(opened, 'read'),
            release: () => doc.setPermitted(opened, granted.level),
            unchanged: async (user, answers) => {
              const now = await answers.once(`document:${name.name}:${user?.id ?? ''}`, () => registry.hooks.authenticate(user, name));
              return now.ok && now.level === granted.level;
            },
            close: (code, reason) => socket.close(code, reason),
          },
          request.accessVersion,
        );
      }
    }

    await app.register(notesReadOnlyRoutes, { sql, registry });
    await app.register(documentAccessRoutes, { sql, registry });
  },
  { name: 'aukio-collab', dependencies: ['@fastify/websocket'] },
);

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
