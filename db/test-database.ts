import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { DatabaseOptions } from './connection.ts';

export interface TestDatabase {
  options: DatabaseOptions;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: a fresh database on the server named by
 * TEST_DATABASE_URL, else an embedded one (on disk when it must survive a restart).
 */
export async function createTestDatabase(opts: { persistent?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) return createServerTestDatabase(serverUrl);
  if (!opts.persistent) return { options: { dataDir: 'memory://' }, drop: async () => {} };
  const dataDir = await mkdtemp(join(tmpdir(), 'aukio-test-db-'));
  return { options: { dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
}

async function createServerTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `aukio_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    options: { url: url.toString() },
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
