/**
 * What a document connection may send beyond its rights (limits.ts, SharedDoc): carets only from
 * signed-in writers, for their own client id and under their own name, no bigger than a caret, at
 * a person's pace; sync requests at the pace of reconnects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { MAX_AWARENESS_UPDATE } from './limits.ts';
import { awarenessFrame, connect, eventually, idsOf, RawDocumentSocket, storedDoc, syncRequestFrame, synced, type Client } from './test-helpers.ts';

let t: TestApp;
let url: string;
const cookies: Record<string, string> = {};
const names: Record<string, string> = {};
let notes: string;
let minutes: string;
const clients: Client[] = [];
const sockets: RawDocumentSocket[] = [];

// Each stock provider listens for the process's exit.
process.setMaxListeners(50);

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['asukas', 'sihteeri', 'puheenjohtaja']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
    names[who] = (await t.app.inject({ url: '/api/auth/me', headers: { cookie: cookies[who]! } })).json().user.displayName;
  }
  const forum = await idsOf(t.app.db.sql, 'ymparistofoorumi');
  // Anyone may read a public forum's notes and its members write them; its members only read its minutes.
  notes = `meeting:${forum.meetingId}:notes`;
  minutes = `meeting:${forum.meetingId}:minutes`;
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const s of sockets) s.close();
  await t?.close();
});

function open(docName: string, who?: string): Client {
  const client = connect(url, docName, who ? cookies[who] : undefined);
  clients.push(client);
  return client;
}

async function raw(docName: string, who?: string): Promise<RawDocumentSocket> {
  const socket = await RawDocumentSocket.open(url, docName, who ? cookies[who] : undefined);
  sockets.push(socket);
  return socket;
}

/** Everything the socket sent before this has been handled: the server answers in order. */
async function handled(socket: RawDocumentSocket): Promise<void> {
  const answers = socket.received(0).length;
  socket.send(syncRequestFrame());
  await eventually(() => socket.received(0).length > answers, 5_000, 'the sync answer');
}

const stateOf = (client: Client, clientId: number) => client.provider.awareness.getStates().get(clientId) as { user?: { name?: string }; cursor?: unknown } | undefined;
const forged = { user: { name: 'Pekka Puheenjohtaja', color: '#b91c1c' }, cursor: null };

describe('carets on a shared document', () => {
  it('never passes on or keeps a guest’s or a reader’s caret', async () => {
    const editor = open(notes, 'sihteeri');
    const minutesEditor = open(minutes, 'sihteeri');
    await Promise.all([synced(editor), synced(minutesEditor)]);
    const dropped = t.app.documents.stats.droppedAwareness;
    const guest = await raw(notes);
    const reader = await raw(minutes, 'asukas');
    guest.send(awarenessFrame([{ clientId: 4242, clock: 1, state: forged }]));
    reader.send(awarenessFrame([{ clientId: 4343, clock: 1, state: forged }]));
    await Promise.all([handled(guest), handled(reader)]);
    expect(t.app.documents.stats.droppedAwareness).toBe(dropped + 2);
    expect(guest.closed).toBeNull();
    expect(reader.closed).toBeNull();

    // A writer's caret, sent after them, arrives; theirs never did, and a newcomer is not given them.
    const witness = await raw(notes, 'puheenjohtaja');
    const witnessMinutes = await raw(minutes, 'puheenjohtaja');
    witness.send(awarenessFrame([{ clientId: 5151, clock: 1, state: { user: { name: 'x' } } }]));
    witnessMinutes.send(awarenessFrame([{ clientId: 5252, clock: 1, state: { user: { name: 'x' } } }]));
    await eventually(() => stateOf(editor, 5151) !== undefined && stateOf(minutesEditor, 5252) !== undefined, 5_000, 'the writer’s caret');
    const newcomer = open(notes, 'asukas');
    await synced(newcomer);
    await eventually(() => stateOf(newcomer, 5151) !== undefined, 5_000, 'the carets a newcomer is given');
    for (const client of [editor, minutesEditor, newcomer]) {
      expect(stateOf(client, 4242)).toBeUndefined();
      expect(stateOf(client, 4343)).toBeUndefined();
    }
  });

  it('shows a writer’s caret under their own name, and only for the client id their connection announced first', async () => {
    const editor = open(notes, 'sihteeri');
    const observer = open(notes, 'puheenjohtaja');
    await Promise.all([synced(editor), synced(observer)]);
    editor.provider.awareness.setLocalStateField('user', { name: names.sihteeri, color: '#1d4ed8' });
    const victim = editor.doc.clientID;
    await eventually(() => stateOf(observer, victim)?.user?.name === names.sihteeri, 5_000, 'the editor’s caret');

    const resident = await raw(notes, 'asukas');
    resident.send(awarenessFrame([{ clientId: 777, clock: 1, state: forged }]));
    await eventually(() => stateOf(observer, 777) !== undefined, 5_000, 'the resident’s caret');
    expect(stateOf(observer, 777)).toEqual({ user: { name: names.asukas, color: '#b91c1c' }, cursor: null });

    // Renaming or removing the editor's caret, or announcing a second one, is refused.
    const refused = t.app.documents.stats.refusedMessages;
    resident.send(awarenessFrame([{ clientId: victim, clock: 1000, state: forged }]));
    resident.send(awarenessFrame([{ clientId: victim, clock: 1001, state: null }]));
    resident.send(awarenessFrame([{ clientId: 778, clock: 1, state: forged }]));
    resident.send(awarenessFrame([{ clientId: 777, clock: 2, state: { user: { name: 'Pekka' }, cursor: 'moved' } }]));
    await eventually(() => stateOf(observer, 777)?.cursor === 'moved', 5_000, 'the resident’s own caret to move');
    expect(t.app.documents.stats.refusedMessages).toBe(refused + 3);
    expect(stateOf(observer, victim)?.user?.name).toBe(names.sihteeri);
    expect(stateOf(observer, 778)).toBeUndefined();
    expect(stateOf(observer, 777)?.user?.name).toBe(names.asukas);
    expect(resident.closed).toBeNull();
  });

  it('leaves honest editors alone: the stock client sending back the others’ carets is neither refused nor limited', async () => {
    const editors = (['sihteeri', 'puheenjohtaja', 'asukas', 'sihteeri'] as const).map((who) => open(notes, who));
    await Promise.all(editors.map((e) => synced(e)));
    const refused = t.app.documents.stats.refusedMessages;
    // Each moves their caret fifty times, a keystroke every 20 ms, all at once: every move is sent back by the other three.
    await Promise.all(
      editors.map(async (editor, index) => {
        for (let i = 1; i <= 50; i++) {
          editor.provider.awareness.setLocalStateField('cursor', { index, at: i });
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    for (const editor of editors) {
      for (const [index, other] of editors.entries()) {
        if (other === editor) continue;
        await eventually(() => (stateOf(editor, other.doc.clientID)?.cursor as { at?: number } | undefined)?.at === 50, 5_000, `editor ${index}'s last caret`);
      }
    }
    expect(t.app.documents.stats.refusedMessages).toBe(refused);
    for (const editor of editors) expect(editor.closeCodes).toEqual([]);
  });

  it('lets a person who reconnects keep their caret’s client id, and the old socket’s leaving does not remove it', async () => {
    const observer = open(notes, 'puheenjohtaja');
    await synced(observer);
    const before = await raw(notes, 'asukas');
    before.send(awarenessFrame([{ clientId: 555, clock: 1, state: { cursor: 1 } }]));
    await eventually(() => (stateOf(observer, 555) as { cursor?: number } | undefined)?.cursor === 1, 5_000, 'the first caret');
    const after = await raw(notes, 'asukas');
    after.send(awarenessFrame([{ clientId: 555, clock: 2, state: { cursor: 2 } }]));
    await eventually(() => (stateOf(observer, 555) as { cursor?: number } | undefined)?.cursor === 2, 5_000, 'the caret after reconnecting');
    before.close();
    await before.whenClosed();
    await handled(after);
    after.send(awarenessFrame([{ clientId: 555, clock: 3, state: { cursor: 3 } }]));
    await eventually(() => (stateOf(observer, 555) as { cursor?: number } | undefined)?.cursor === 3, 5_000, 'the caret to move on');
    expect(stateOf(observer, 555)).toEqual({ cursor: 3, user: { name: names.asukas } });
  });

  it('closes a connection that sends an awareness update bigger than a caret, and passes none of it on', async () => {
    const observer = await raw(notes, 'puheenjohtaja');
    for (const bytes of [1024 * 1024, MAX_AWARENESS_UPDATE + 1]) {
      const sender = await raw(notes, 'asukas');
      sender.send(awarenessFrame([{ clientId: 888, clock: 1, state: { user: { name: 'x' }, padding: 'x'.repeat(bytes) } }]));
      expect(await sender.whenClosed()).toEqual({ code: 1009, reason: 'Awareness update too large' });
    }
    await handled(observer);
    const newcomer = await raw(notes, 'sihteeri');
    await handled(newcomer);
    for (const socket of [observer, newcomer]) {
      expect(Math.max(...socket.received(1).map((m) => m.byteLength))).toBeLessThan(MAX_AWARENESS_UPDATE);
    }
  });

  it('holds a burst of caret updates to a person’s pace, and still shows where the caret stopped', async () => {
    const observer = open(notes, 'puheenjohtaja');
    await synced(observer);
    const seen: number[] = [];
    observer.provider.awareness.on('update', ({ updated, added }: { updated: number[]; added: number[] }) => {
      if ([...updated, ...added].includes(999)) seen.push((stateOf(observer, 999) as { cursor: number }).cursor);
    });
    const typist = await raw(notes, 'asukas');
    for (let i = 1; i <= 100; i++) typist.send(awarenessFrame([{ clientId: 999, clock: i, state: { cursor: i } }]));
    await eventually(() => seen.at(-1) === 100, 5_000, 'the last caret position');
    // The burst's worth at once, then the latest waiting one: far fewer than were sent.
    expect(seen.length).toBeLessThan(30);
    expect(typist.closed).toBeNull();
  });
});

describe('sync requests', () => {
  it('answers a few from one connection, then closes a connection that keeps asking', async () => {
    const editor = open(notes, 'sihteeri');
    await synced(editor);
    editor.doc.getText('bulk').insert(0, 'Pitkä muistiinpano. '.repeat(10_000));
    await eventually(async () => (await storedDoc(t.app.db.sql, notes)).getText('bulk').length === 200_000, 10_000, 'the text to be stored');
    const flooder = await raw(notes, 'asukas');
    for (let i = 0; i < 100; i++) flooder.send(syncRequestFrame());
    expect(await flooder.whenClosed()).toEqual({ code: 4408, reason: 'Too many refused messages' });
    // Sync step 2, each the whole document.
    const answers = flooder.received(0).filter((m) => m[1] === 1);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.length).toBeLessThanOrEqual(4);
    expect(answers.every((m) => m.byteLength > 200_000)).toBe(true);

    // Another connection is answered: the limit is the connection's.
    const other = await raw(notes, 'asukas');
    await handled(other);
  });
});
