import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './connection.ts';
import { migrate, MigrationError, migrationsDir } from './migrate.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

let testDb: TestDatabase;
let db: Database;
let dir: string;
beforeEach(async () => {
  testDb = await createTestDatabase();
  db = await openDatabase(testDb.options);
  dir = await mkdtemp(join(tmpdir(), 'aukio-migrations-'));
});
afterEach(async () => {
  await db.close();
  await testDb.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('applies the project’s migrations once each, in order', async () => {
    const first = await migrate(db.sql);
    expect(first.length).toBeGreaterThan(0);
    expect(first).toEqual([...first].sort());
    expect(await migrate(db.sql)).toEqual([]);
    const recorded = await db.sql<{ name: string }[]>`select name from schema_migrations order by name`;
    expect(recorded.map((r) => r.name)).toEqual(first);
    expect(migrationsDir).toMatch(/db\/migrations\/$/);
  });

  it('rolls a failing migration back whole and says which file failed', async () => {
    await writeFile(join(dir, '001_ok.sql'), 'create table fruit (name text);');
    await writeFile(join(dir, '002_broken.sql'), "create table basket (id int);\ninsert into fruit values ('apple');\nselect no_such_column from fruit;");
    const error = await migrate(db.sql, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/002_broken\.sql failed and was rolled back: column "no_such_column" does not exist/);
    const [state] = await db.sql<{ basket: string | null; fruits: number }[]>`
      select to_regclass('basket')::text as basket, (select count(*)::int from fruit) as fruits`;
    expect(state).toEqual({ basket: null, fruits: 0 });
    const recorded = await db.sql<{ name: string }[]>`select name from schema_migrations`;
    expect(recorded.map((r) => r.name)).toEqual(['001_ok.sql']);

    await writeFile(join(dir, '002_broken.sql'), 'create table basket (id int);');
    expect(await migrate(db.sql, dir)).toEqual(['002_broken.sql']);
  });
});
