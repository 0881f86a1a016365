import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import postgres from 'postgres';

export type Sql = postgres.Sql;
/** Either the pool or an open transaction: for helpers that run inside the caller's transaction. */
export type Queries = postgres.ISql;

export interface DatabaseOptions {
  /** A PostgreSQL server. When absent, an embedded PGlite database is used. */
  url?: string | undefined;
  /** Where the embedded database keeps its files; `memory://` keeps it in memory. */
  dataDir?: string | undefined;
}

export interface Database {
  sql: Sql;
  kind: 'embedded' | 'server';
  close(): Promise<void>;
}

const quiet = { onnotice: () => {} };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openServerDatabase(options.url);
  return openEmbeddedDatabase(options.dataDir ?? 'memory://');
}

function openServerDatabase(url: string): Database {
  const sql = postgres(url, { max: 10, ...quiet });
  return { sql, kind: 'server', close: () => sql.end({ timeout: 5 }) };
}

/**
 * PGlite is single-connection: it is served in-process over pglite-socket and postgres.js
 * talks to it with a pool of one, so the same SQL runs on the embedded and the server database.
 */
async function openEmbeddedDatabase(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  const socketServer = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await socketServer.start();
  const sql = postgres(`postgres://postgres@${socketServer.getServerConn()}/postgres`, { max: 1, ...quiet });
  return {
    sql,
    kind: 'embedded',
    async close() {
      await sql.end({ timeout: 5 });
      await socketServer.stop();
      await pglite.close();
    },
  };
}
