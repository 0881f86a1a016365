import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Sql } from './connection.ts';

export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`Migration ${file} failed and was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * Applies each `NNN_name.sql` file once, in order, each in its own transaction, and records it.
 * A failing file is rolled back whole, so the database stays as it was before that file.
 */
export async function migrate(sql: Sql, dir = migrationsDir): Promise<string[]> {
  await sql`create table if not exists schema_migrations (
    name text primary key,
    applied_at timestamptz not null default now()
  )`;
  const done = new Set((await sql<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
  const files = (await readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    const text = await readFile(`${dir}/${file}`, 'utf8');
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe(text);
        await tx`insert into schema_migrations (name) values (${file})`;
      });
    } catch (error) {
      throw new MigrationError(file, error);
    }
    applied.push(file);
  }
  return applied;
}
