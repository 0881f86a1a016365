import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { appendUpdates, readDocument, writeSnapshot } from './document-store.ts';
import { compactAfter } from './shared-doc.ts';
import { connect, eventually, idsOf, rawConnect, storedDoc, storedRows, synced, type Client } from './test-helpers.ts';

let t: TestApp;
let url: string;
const cookies: Record<string, string> = {};
let jury: { spaceId: string; meetingId: string };
let forum: { spaceId: string; meetingId: string };
let recommendations: string;
const clients: Client[] = [];

function open(docName: string, who?: string): Client {
  const client = connect(url, docName, who ? cookies[who] : undefined);
  clients.push(client);
  return client;
}

// Each stock provider listens for the process's exit.
process.setMaxListeners(50);

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['raati', 'raati2', 'raati3', 'asukas', 'sihteeri', 'puheenjohtaja']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
  }
  jury = await idsOf(t.app.db.sql, 'asukasraati');
  forum = await idsOf(t.app.db.sql, 'ymparistofoorumi');
  recommendations = `space:${jury.spaceId}:recommendations`;
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t?.close();
});

describe('the document socket', () => {
  it('lets two writers converge and gives a late joiner the whole document, as stored', async () => {
    const a = open(recommendations, 'raati');
    const b = open(recommendations, 'raati2');
    await Promise.all([synced(a), synced(b)]);
    a.doc.getText('t').insert(0, 'Suositus 1: lisää pyöräteitä. ');
    b.doc.getText('t').insert(0, 'Suositus 2: hiljaisempi keskusta. ');
    const text = (c: Client) => c.doc.getText('t').toString();
    await eventually(() => text(a) === text(b) && text(a).includes('Suositus 1') && text(a).includes('Suositus 2'), 10_000, 'convergence');

    const late = open(recommendations, 'raati3');
    await synced(late);
    expect(text(late)).toBe(text(a));
    expect((await storedDoc(t.app.db.sql, recommendations)).getText('t').toString()).toBe(text(a));
  });

  it('stores the updates of one turn with one INSERT, before passing them on', async () => {
    const hooks = t.app.documents.hooks;
    const store = hooks.store;
    const batches: number[] = [];
    const other = open(recommendations, 'raati3');
    const c = open(recommendations, 'raati');
    await Promise.all([synced(c), synced(other)]);
    // The other client never holds more than the database does.
    let stored = 0;
    let aheadOfDatabase = false;
    other.doc.getArray('batch').observe(() => {
      if (other.doc.getArray('batch').length > stored) aheadOfDatabase = true;
    });
    hooks.store = async (...args) => {
      batches.push(args[2].length);
      const id = await store(...args);
      stored += args[2].length;
      return id;
    };
    try {
      for (let i = 0; i < 50; i++) c.doc.getArray('batch').push([i]);
      await eventually(() => other.doc.getArray('batch').length === 50);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(50);
      expect(batches.length).toBeLessThan(10);
      expect(aheadOfDatabase).toBe(false);
    } finally {
      hooks.store = store;
    }
  });

  it('accepts the name URL-encoded too', async () => {
    const c = open(encodeURIComponent(recommendations), 'raati');
    await synced(c);
    expect(c.doc.getText('t').toString()).toContain('Suositus 1');
  });

  it('drops an update from a read-only connection: never applied, broadcast or stored, and says so', async () => {
    const minutes = `meeting:${forum.meetingId}:minutes`;
    const writer = open(minutes, 'sihteeri');
    const reader = open(minutes, 'asukas'); // a member may read the draft; only staff write it
    await Promise.all([synced(writer), synced(reader)]);
    writer.doc.getText('t').insert(0, 'Pöytäkirja. ');
    await eventually(() => reader.doc.getText('t').toString() === 'Pöytäkirja. ');

    const dropped = t.app.documents.stats.droppedUpdates;
    reader.doc.getText('t').insert(0, 'VÄÄRENNETTY ');
    await eventually(() => t.app.documents.stats.droppedUpdates > dropped, 5_000, 'the update to be dropped');
    writer.doc.getText('t').insert(writer.doc.getText('t').length, 'Kokous alkoi.');
    await eventually(() => reader.doc.getText('t').toString().includes('Kokous alkoi.'));

    expect(writer.doc.getText('t').toString()).toBe('Pöytäkirja. Kokous alkoi.');
    const late = open(minutes, 'puheenjohtaja');
    await synced(late);
    expect(late.doc.getText('t').toString()).toBe('Pöytäkirja. Kokous alkoi.');
    expect((await storedDoc(t.app.db.sql, minutes)).getText('t').toString()).toBe('Pöytäkirja. Kokous alkoi.');
    // The reader keeps its socket: it still reads.
    expect(reader.provider.wsconnected).toBe(true);
    expect(reader.closeCodes).toEqual([]);
  });

  it('follows the chair making the meeting notes read-only, and back', async () => {
    const notes = `meeting:${forum.meetingId}:notes`;
    const member = open(notes, 'asukas');
    const watcher = open(notes); // anyone may watch a public forum's meeting, and read its notes
    await Promise.all([synced(member), synced(watcher)]);
    member.doc.getText('t').insert(0, 'Muistiinpanot. ');
    await eventually(() => watcher.doc.getText('t').toString() === 'Muistiinpanot. ');

    const lock = (readOnly: boolean, who = 'puheenjohtaja') =>
      t.app.inject({ method: 'PUT', url: `/api/meetings/${forum.meetingId}/notes/read-only`, headers: { cookie: cookies[who]! }, payload: { readOnly } });
    expect((await lock(true, 'asukas')).statusCode).toBe(403);
    expect((await lock(true)).json()).toEqual({ readOnly: true });
    expect((await t.app.inject({ url: `/api/meetings/${forum.meetingId}/notes` })).json()).toEqual({ readOnly: true });

    const dropped = t.app.documents.stats.droppedUpdates;
    member.doc.getText('t').insert(member.doc.getText('t').length, 'lukittuna');
    await eventually(() => t.app.documents.stats.droppedUpdates > dropped, 5_000, 'the update to be dropped');
    expect((await storedDoc(t.app.db.sql, notes)).getText('t').toString()).toBe('Muistiinpanot. ');
    expect(watcher.doc.getText('t').toString()).toBe('Muistiinpanot. ');

    // Unlocked, the member's edits flow again (and the one kept locally is synced now).
    expect((await lock(false)).json()).toEqual({ readOnly: false });
    member.doc.getText('t').insert(member.doc.getText('t').length, ', auki');
    await eventually(() => watcher.doc.getText('t').toString() === 'Muistiinpanot. lukittuna, auki');
  });

  it('refuses a juror-only document to everyone else, before sending any of it', async () => {
    const listed = await idsOf(t.app.db.sql, 'kuntalaisraati');
    const path = `/collab/space:${listed.spaceId}:recommendations`;
    const anonymous = await rawConnect(url, path);
    expect([anonymous.code, anonymous.messages.length]).toEqual([4401, 0]);
    const resident = await rawConnect(url, path, { cookie: cookies.asukas! });
    expect([resident.code, resident.messages.length]).toEqual([4403, 0]);
    // The members-only jury's secretary sees the jury, but not its recommendations.
    const secretary = await rawConnect(url, `/collab/${recommendations}`, { cookie: cookies.sihteeri! });
    expect([secretary.code, secretary.messages.length]).toEqual([4403, 0]);
    const crossSite = await rawConnect(url, `/collab/${recommendations}`, { cookie: cookies.raati!, origin: 'https://evil.example' });
    expect([crossSite.code, crossSite.messages.length]).toEqual([4403, 0]);
  });

  it('closes the documents of a members-only jury, to whoever may not see it, as it closes a document that does not exist', async () => {
    const missing = await rawConnect(url, `/collab/space:${randomUUID()}:recommendations`, { cookie: cookies.asukas! });
    expect([missing.code, missing.reason]).toEqual([4404, 'No such document']);
    for (const name of [recommendations, `meeting:${jury.meetingId}:notes`, `meeting:${jury.meetingId}:minutes`]) {
      for (const cookie of [cookies.asukas, undefined]) {
        const refused = await rawConnect(url, `/collab/${name}`, cookie ? { cookie } : {});
        expect([name, refused.code, refused.reason, refused.messages.length]).toEqual([name, missing.code, missing.reason, 0]);
      }
    }
  });

  it('closes unknown and malformed names with 4404', async () => {
    for (const name of [`meeting:${randomUUID()}:notes`, `space:${randomUUID()}:recommendations`, `space:${forum.spaceId}:recommendations`, `meeting:${forum.meetingId}:agenda`, 'hello', 'meeting:x:notes']) {
      const result = await rawConnect(url, `/collab/${encodeURIComponent(name)}`, { cookie: cookies.puheenjohtaja! });
      expect([name, result.code, result.messages.length]).toEqual([name, 4404, 0]);
    }
  });

  it('answers a plain GET with 426', async () => {
    const response = await t.app.inject({ url: `/collab/${recommendations}` });
    expect(response.statusCode).toBe(426);
  });

  it('syncs a 5 MB paste to a second client, while the room socket keeps its 64 KiB cap', async () => {
    const notes = `meeting:${jury.meetingId}:notes`;
    const a = open(notes, 'raati');
    const b = open(notes, 'raati2');
    await Promise.all([synced(a), synced(b)]);
    const paste = 'Liikennelaskennan tulokset 2024. '.repeat(160_000); // ~5.3 MB
    a.doc.getText('t').insert(0, paste);
    await eventually(() => b.doc.getText('t').length === paste.length, 30_000, 'the paste to arrive');
    expect(b.doc.getText('t').toString()).toBe(paste);
    expect((await storedDoc(t.app.db.sql, notes)).getText('t').length).toBe(paste.length);

    const room = new WebSocket(`${url.replace('http', 'ws')}/rooms/${jury.meetingId}`, { headers: { cookie: cookies.raati! } });
    await new Promise((resolve) => room.once('open', resolve));
    const closed = new Promise<number>((resolve) => room.once('close', resolve));
    room.send(Buffer.alloc(100 * 1024, 'x'));
    expect(await closed).toBe(1009);
  }, 60_000);

  it('refuses a document whose stored update is corrupt, and leaves its rows untouched', async () => {
    const other = await idsOf(t.app.db.sql, 'kulttuurifoorumi');
    const name = `meeting:${other.meetingId}:minutes`;
    const good = new Y.Doc();
    good.getText('t').insert(0, 'Hyvä alku');
    const sql = t.app.db.sql;
    await sql`insert into documents (name, space_id, meeting_id) values (${name}, ${other.spaceId}, ${other.meetingId})`;
    await sql`insert into document_updates (doc_name, "update") values (${name}, ${Buffer.from(Y.encodeStateAsUpdate(good))}), (${name}, ${Buffer.from([1, 2, 3, 250, 251])})`;
    const before = await storedRows(sql, name);
    const failures = t.app.documents.stats.loadFailures;

    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await rawConnect(url, `/collab/${name}`, { cookie: cookies.puheenjohtaja! });
      expect(result.code).toBe(1011);
      expect(result.reason).toMatch(/could not be loaded/);
      expect(result.messages).toHaveLength(0);
    }
    // A stock client keeps retrying, and never gets (or overwrites with) an empty document.
    const client = open(name, 'puheenjohtaja');
    client.doc.getText('t').insert(0, 'Tyhjän päälle');
    await eventually(() => client.closeCodes.length >= 2);
    expect(client.provider.synced).toBe(false);
    client.destroy();

    expect(t.app.documents.stats.loadFailures).toBeGreaterThanOrEqual(failures + 3);
    expect(t.app.documents.isLoaded(name)).toBe(false);
    expect(await storedRows(sql, name)).toEqual(before);
  });

  it('folds the update log into a snapshot and unloads an empty document, which reloads the same', async () => {
    const saved = { ...compactAfter };
    compactAfter.count = 20;
    const idle = t.app.documents.idleMs;
    t.app.documents.idleMs = 50;
    try {
      const other = await idsOf(t.app.db.sql, 'liikuntafoorumi');
      const doc = `meeting:${other.meetingId}:notes`;
      const chair = open(doc, 'puheenjohtaja');
      await synced(chair);
      const list = chair.doc.getArray<string>('items');
      for (let i = 0; i < 60; i++) {
        list.push([`kohta ${i}`]);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const sql = t.app.db.sql;
      await eventually(async () => (await storedDoc(sql, doc)).getArray('items').length === 60, 10_000, 'all items stored');
      await eventually(async () => (await storedRows(sql, doc)).snapshots.length === 1);
      const rows = await storedRows(sql, doc);
      expect(rows.updates.length).toBeLessThan(60);

      chair.destroy();
      await eventually(() => !t.app.documents.isLoaded(doc), 5_000, 'the document to unload');
      const after = await storedRows(sql, doc);
      expect(after.updates).toHaveLength(0); // the final snapshot holds everything
      const again = open(doc, 'puheenjohtaja');
      await synced(again);
      expect(again.doc.getArray('items').toArray()).toEqual(Array.from({ length: 60 }, (_, i) => `kohta ${i}`));
    } finally {
      Object.assign(compactAfter, saved);
      t.app.documents.idleMs = idle;
    }
  });

  it('stores nothing when a reconnecting writer brings nothing new', async () => {
    const first = open(recommendations, 'raati');
    await synced(first);
    const before = (await storedRows(t.app.db.sql, recommendations)).updates.length;
    const again = connect(url, recommendations, cookies.raati2);
    clients.push(again);
    Y.applyUpdate(again.doc, Y.encodeStateAsUpdate(first.doc)); // what a returning client holds
    await synced(again);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await storedRows(t.app.db.sql, recommendations)).updates.length).toBe(before);
  });

  it('keeps both states when two holders of one document fold it (merge, not replace)', async () => {
    const sql = t.app.db.sql;
    const name = `space:${randomUUID()}:recommendations`;
    const owner = { spaceId: jury.spaceId, meetingId: null };
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getMap('m').set('a', 1);
    b.getMap('m').set('b', 2);
    const [idA] = await appendUpdates(sql, name, owner, [Y.encodeStateAsUpdate(a)]);
    const [idB] = await appendUpdates(sql, name, owner, [Y.encodeStateAsUpdate(b)]);
    await writeSnapshot(sql, name, Y.encodeStateAsUpdate(a), [idA!]);
    await writeSnapshot(sql, name, Y.encodeStateAsUpdate(b), [idB!]);
    const stored = await readDocument(sql, name);
    expect(stored.updates).toEqual([]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.snapshot!);
    expect(doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
  });
});
