import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-database.ts';
import { buildApp } from '../app.ts';
import { testConfig } from '../config.ts';
import { signInOverHttp, startServerProcess, upcomingMeetingOf } from '../test-process.ts';
import { signIn } from '../test-app.ts';
import { connect, eventually, idsOf, storedDoc, synced } from './test-helpers.ts';

process.setMaxListeners(50);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ persistent: true });
});
afterAll(() => database.drop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a server crash while a document is being edited', () => {
  it('keeps every acknowledged edit', async () => {
    const first = await startServerProcess(database.options);
    const notes = `meeting:${await upcomingMeetingOf(first.url, 'ymparistofoorumi')}:notes`;
    const a = connect(first.url, notes, await signInOverHttp(first.url, 'asukas'));
    const b = connect(first.url, notes, await signInOverHttp(first.url, 'puheenjohtaja'));
    try {
      await Promise.all([synced(a), synced(b)]);
      const listA = a.doc.getArray<string>('log');
      const listB = b.doc.getArray<string>('log');
      for (let i = 0; i < 40; i++) {
        listA.push([`a${i}`]);
        listB.push([`b${i}`]);
        await sleep(3);
      }
      // Acknowledged: each writer has seen every edit of the other, so the server passed them on.
      await eventually(() => listA.length === 80 && listB.length === 80, 15_000, 'both writers to see all 80 edits');
      const acknowledged = listB.toArray();
      expect(listA.toArray()).toEqual(acknowledged);
      // More edits in flight at the moment of the crash: these may or may not survive.
      for (let i = 0; i < 20; i++) listA.push([`late${i}`]);
      await first.stop('SIGKILL');
      await eventually(() => a.closeCodes.length > 0 && b.closeCodes.length > 0);
      a.destroy();
      b.destroy();

      const second = await startServerProcess(database.options);
      try {
        const c = connect(second.url, notes, await signInOverHttp(second.url, 'puheenjohtaja'));
        await synced(c);
        const after = c.doc.getArray<string>('log').toArray();
        expect(after.filter((item) => !item.startsWith('late'))).toEqual(acknowledged);
        c.destroy();
      } finally {
        await second.stop();
      }
    } finally {
      a.destroy();
      b.destroy();
      await first.stop('SIGKILL');
    }
  }, 120_000);
});

describe('a graceful shutdown', () => {
  it('stores every update received before closing, even with a write still in flight', async () => {
    let app = await buildApp(testConfig({ database: database.options, demo: true }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const cookie = await signIn(app, 'puheenjohtaja@pihlajalahti.example', DEMO_PASSWORD);
    const notes = `meeting:${(await idsOf(app.db.sql, 'kuntalaisfoorumi')).meetingId}:notes`;
    // A slow database: the first write takes half a second, so the shutdown finds it in flight and more queued.
    const store = app.documents.hooks.store;
    let calls = 0;
    app.documents.hooks.store = async (...args) => {
      if (calls++ === 0) await sleep(500);
      return store(...args);
    };
    const client = connect(url, notes, cookie);
    try {
      await synced(client);
      const list = client.doc.getArray<string>('items');
      for (let i = 0; i < 30; i++) {
        list.push([`kohta ${i}`]);
        await sleep(1);
      }
      await sleep(150);
      expect(calls).toBeLessThanOrEqual(1);
      const closing = app.close();
      await eventually(() => client.closeCodes.includes(4503), 5_000, 'the shutdown close code');
      client.destroy();
      await closing;

      app = await buildApp(testConfig({ database: database.options }));
      const stored = await storedDoc(app.db.sql, notes);
      expect(stored.getArray('items').toArray()).toEqual(Array.from({ length: 30 }, (_, i) => `kohta ${i}`));
    } finally {
      client.destroy();
      await app.close();
    }
  }, 60_000);
});
