// The baseline server for bench/collab.ts: @hocuspocus/server with the update-log persistence of
// collab-hocuspocus-persistence.ts on the Postgres database COLLAB_DATABASE_URL, and an
// onAuthenticate that lets in the tokens in COLLAB_TOKENS (a JSON array): a token check, its
// natural authentication. Otherwise Hocuspocus's defaults (debounce, timeouts, Y.Doc gc), logging
// off. Same IPC as the fanout servers (fanout-server-ipc.ts).
import { Server, type onAuthenticatePayload } from '@hocuspocus/server';
import { openDatabase } from '../../db/connection.ts';
import { UpdateLogPersistence, type StoreMode } from './collab-hocuspocus-persistence.ts';
import { serveParent } from './fanout-server-ipc.ts';

const url = process.env.COLLAB_DATABASE_URL;
if (!url) throw new Error('COLLAB_DATABASE_URL is not set');
const tokens = new Set(JSON.parse(process.env.COLLAB_TOKENS ?? '[]') as string[]);
const mode = (process.env.COLLAB_HOCUSPOCUS_STORE || 'before-broadcast') as StoreMode;
if (mode !== 'before-broadcast' && mode !== 'after-broadcast') throw new Error('COLLAB_HOCUSPOCUS_STORE must be before-broadcast or after-broadcast');

// The same pool as Aukio's (openDatabase: postgres.js, 10 connections).
const db = await openDatabase({ url });

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  extensions: [
    {
      extensionName: 'bench-token',
      async onAuthenticate({ token }: onAuthenticatePayload) {
        if (!tokens.has(token)) throw new Error('Unknown token');
      },
    },
    new UpdateLogPersistence(db.sql, mode),
  ],
});
await server.listen();

serveParent({ port: server.address.port, path: '/' }, async () => {
  // Closes the sockets and unloads every document (its final snapshot), then the pool.
  await server.destroy();
  await db.close();
});
