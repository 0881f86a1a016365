import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  /** Drops the database; safe to call more than once. */
  drop(): Promise<void>;
}

/** A fresh, uniquely named database on the server at `serverUrl`, dropped (with force) by `drop()`. */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `aukio_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end({ timeout: 1 });
    throw error;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: url.toString(),
    drop() {
      dropped ??= (async () => {
        try {
          await admin.unsafe(`drop database if exists ${name} with (force)`);
        } finally {
          await admin.end({ timeout: 1 });
        }
      })();
      return dropped;
    },
  };
}
