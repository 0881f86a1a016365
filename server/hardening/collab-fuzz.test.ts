/**
 * Bad input on the document socket, property-based: `/collab` frames of every kind (sync step 1,
 * updates as sync step 2 and as live updates, carets for the connection's own client id, another
 * connection's, the server's, renamed, oversized, not objects, and garbage bytes), sent by people of
 * every standing (guest, resident, juror, moderator, secretary, chair) to the three kinds of
 * document: a public forum's meeting notes and minutes, and a members-only jury's recommendations.
 * Each run is a fresh connection (so the per-connection limits, tested in server/collab, never
 * decide the outcome), one to three frames, then a sync request whose answer says they were handled.
 *
 * Invariants, after every run:
 * - a connection is only ever closed as the protocol says (1003 malformed, 1009 a caret too big,
 *   4408 too many refused messages), never because the document failed (1011);
 * - every caret the server took in (and so passed on, or would give a newcomer) came from a
 *   connection that may write, for that connection's own client id, under its person's own name;
 * - nothing a read-only or anonymous connection sent is stored;
 * - the document stays healthy for its honest editor (connected all along), and what is stored
 *   renders to text every published form can hold.
 * At the end the honest editor's edit reaches a newcomer, and the minutes publish and the jury's
 * statement freezes.
 *
 * Reading a failure: fast-check prints the counterexample (document, who, frames) with `seed` and
 * `path`; rerun with FUZZ_SEED=<seed>. FUZZ_RUNS=<n> runs each property n times for a deeper search.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseDocumentName, type DocumentKind } from '../collab/access.ts';
import { MAX_AWARENESS_UPDATE } from '../collab/limits.ts';
import { decodeClientMessage, messageAwareness } from '../collab/protocol.ts';
import type { DocumentOwner } from '../collab/document-store.ts';
import type { Connection, SharedDoc } from '../collab/shared-doc.ts';
import { awarenessFrame, connect, eventually, RawDocumentSocket, storedDoc, synced, syncRequestFrame, type Client } from '../collab/test-helpers.ts';
import { currentDocument } from '../documents/current-content.ts';
import { renderFragment } from '../documents/render.ts';
import { readRecommendations, recommendationsDocumentName } from '../jury/recommendations.ts';
import { MINUTES_FRAGMENT } from '../minutes/draft.ts';
import { can, type Action } from '../permissions/permissions.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { text, wrongValue } from './arbitraries.ts';
import { openTown, type Town, type Walker } from './town.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20_260_718);
const numRuns = Number(process.env.FUZZ_RUNS ?? 25);
const timeout = 30_000 + numRuns * 1_000;
const fuzzers: Walker[] = ['anonymous', 'resident', 'juror', 'moderator', 'secretary', 'chair'];
/** Closes the protocol allows a sender: malformed, a caret too big, too many refused messages. */
const allowedCloses = [1003, 1009, 4408];
const NOTES_FRAGMENT = 'notes';

const documentActions: Record<DocumentKind, { read: Action; write: Action }> = {
  notes: { read: 'room.watch', write: 'notes.write' },
  minutes: { read: 'minutes.readDraft', write: 'minutes.write' },
  recommendations: { read: 'recommendations.read', write: 'recommendations.write' },
};

interface FuzzedDocument {
  kind: DocumentKind;
  name: string;
  owner: DocumentOwner;
  shared: SharedDoc;
  /** An honest editor, connected throughout. */
  editor: Client;
  /** Who may open it, and whether to write. */
  entrants: { who: Walker; writes: boolean }[];
}

let t: TestApp;
let town: Town;
let baseUrl: string;
const documents: FuzzedDocument[] = [];
const displayNames = new Map<string, string>();
/** Carets the server took in that break the invariant, with why. */
const caretViolations: string[] = [];
const runSockets: RawDocumentSocket[] = [];

// Each stock provider listens for the process's exit.
process.setMaxListeners(50);

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  town = await openTown(t.app);
  for (const row of await town.sql<{ id: string; name: string }[]>`select id, display_name as name from users`) displayNames.set(row.id, row.name);
  const forum = town.spaces.find((s) => s.slug === 'ymparistofoorumi')!;
  const jury = town.spaces.find((s) => s.slug === 'asukasraati')!;
  // Ended, so that its minutes can be published at the end.
  await town.sql`update meetings set state = 'ended' where id = ${forum.meetingId}`;
  const specs: [DocumentKind, string, typeof forum, string][] = [
    ['notes', `meeting:${forum.meetingId}:notes`, forum, town.cookies.admin],
    ['minutes', `meeting:${forum.meetingId}:minutes`, forum, town.cookies.admin],
    ['recommendations', recommendationsDocumentName(jury.id), jury, town.cookies.juror3],
  ];
  for (const [kind, name, space, editorCookie] of specs) {
    const editor = connect(baseUrl, name, editorCookie);
    await synced(editor);
    editor.provider.awareness.setLocalStateField('user', { name: 'editor' });
    const owner = { spaceId: space.id, meetingId: kind === 'recommendations' ? null : space.meetingId };
    const shared = await t.app.documents.open(parseDocumentName(name)!, owner);
    t.app.documents.release(shared);
    watchCarets(shared, name);
    const entrants: FuzzedDocument['entrants'] = [];
    for (const who of fuzzers) {
      const actor = await town.actorIn(who, space.id);
      if (can(actor, documentActions[kind].read, space)) entrants.push({ who, writes: can(actor, documentActions[kind].write, space) });
    }
    documents.push({ kind, name, owner, shared, editor, entrants });
  }
}, 180_000);

afterAll(async () => {
  for (const socket of runSockets) socket.close();
  for (const d of documents) d.editor.destroy();
  await t?.close();
});

/** Records every caret the server takes in that did not come from a writer, for its own id, under its own name. */
function watchCarets(shared: SharedDoc, name: string): void {
  shared.awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown) => {
    for (const clientId of [...added, ...updated]) {
      const state = shared.awareness.getStates().get(clientId) as { user?: { name?: unknown } } | undefined;
      const from = origin as Connection | null;
      const where = `${name} client ${clientId}: ${JSON.stringify(state).slice(0, 200)}`;
      if (!from || typeof from !== 'object' || !('limits' in from)) caretViolations.push(`${where} came from no connection (${String(origin)})`);
      else if (!shared.mayAnnounce(from)) caretViolations.push(`${where} came from a connection that may not show a caret (${from.permitted}, user ${from.userId})`);
      else if (from.awarenessId !== clientId) caretViolations.push(`${where} came from the connection of client ${from.awarenessId}`);
      else if (state?.user?.name !== displayNames.get(from.userId!)) caretViolations.push(`${where} is named other than its person, ${displayNames.get(from.userId!)}`);
    }
  });
}

// ---- Frames

type CaretState = { kind: 'caret'; name: string; extra: unknown } | { kind: 'renamed' } | { kind: 'left' } | { kind: 'oversized'; bytes: number } | { kind: 'any'; value: unknown } | { kind: 'garbage'; bytes: Uint8Array };

type Content =
  | { root: 'fragment'; text: string; bold: boolean; href: string | null; heading: boolean }
  | { root: 'recommendation'; id: string; title: string; text: string }
  | { root: 'text'; text: string }
  | { root: 'map'; key: string; value: unknown };

type FrameSpec =
  | { kind: 'syncStep1'; stateVector: 'empty' | 'current' | Uint8Array }
  | { kind: 'update'; syncType: 1 | 2; content: Content; mutation: null | { at: number; byte: number } | { keep: number } }
  | { kind: 'awareness'; target: 'own' | 'editor' | 'server' | 'other'; other: number; clock: number | 'next'; state: CaretState }
  | { kind: 'garbage'; bytes: Uint8Array };

const content: fc.Arbitrary<Content> = fc.oneof(
  fc.record({ root: fc.constant('fragment' as const), text: text(), bold: fc.boolean(), href: fc.option(fc.oneof(text(), fc.constant('https://example.fi/\u0000'))), heading: fc.boolean() }),
  fc.record({ root: fc.constant('recommendation' as const), id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), text()), title: text(), text: text() }),
  fc.record({ root: fc.constant('text' as const), text: text() }),
  fc.record({ root: fc.constant('map' as const), key: text(1, 20), value: wrongValue }),
);

const caretState: fc.Arbitrary<CaretState> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('caret' as const), name: text(), extra: wrongValue }), weight: 4 },
  { arbitrary: fc.constant({ kind: 'renamed' as const }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'left' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('oversized' as const), bytes: fc.oneof(fc.integer({ min: MAX_AWARENESS_UPDATE, max: 2 * MAX_AWARENESS_UPDATE }), fc.constant(1024 * 1024)) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('any' as const), value: wrongValue }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 40 }) }), weight: 1 },
);

const frames = {
  syncStep1: fc.record({ kind: fc.constant('syncStep1' as const), stateVector: fc.oneof(fc.constantFrom('empty' as const, 'current' as const), fc.uint8Array({ maxLength: 24 })) }),
  update: fc.record({
    kind: fc.constant('update' as const),
    syncType: fc.constantFrom(1 as const, 2 as const),
    content,
    mutation: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      { arbitrary: fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), weight: 1 },
      { arbitrary: fc.record({ keep: fc.nat() }), weight: 1 },
    ),
  }),
  awareness: fc.record({
    kind: fc.constant('awareness' as const),
    target: fc.constantFrom('own' as const, 'own' as const, 'editor' as const, 'server' as const, 'other' as const),
    other: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    clock: fc.oneof({ arbitrary: fc.constant('next' as const), weight: 4 }, { arbitrary: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)), weight: 1 }),
    state: caretState,
  }),
  garbage: fc.record({
    kind: fc.constant('garbage' as const),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // A known message type, then nonsense.
      fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ maxLength: 48 })).map(([type, sub, rest]) => new Uint8Array([type, sub, ...rest])),
    ),
  }),
} satisfies Record<string, fc.Arbitrary<FrameSpec>>;

const anyFrame: fc.Arbitrary<FrameSpec> = fc.oneof(frames.syncStep1, frames.update, frames.awareness, frames.garbage);

/** A Yjs update from a client of its own, writing `content` as the editor's structures hold it (a marker in its text). */
function updateOf(c: Content, marker: string, kind: DocumentKind): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    switch (c.root) {
      case 'fragment': {
        const block = new Y.XmlElement(c.heading ? 'heading' : 'paragraph');
        if (c.heading) block.setAttribute('level', '2');
        doc.getXmlFragment(kind === 'minutes' ? MINUTES_FRAGMENT : NOTES_FRAGMENT).insert(0, [block]);
        const run = new Y.XmlText();
        block.insert(0, [run]);
        run.insert(0, `${c.text}${marker}`, { ...(c.bold ? { bold: {} } : {}), ...(c.href !== null ? { link: { href: c.href } } : {}) });
        break;
      }
      case 'recommendation': {
        const map = new Y.Map<unknown>();
        doc.getArray('recommendations').insert(0, [map]);
        map.set('id', c.id);
        const title = new Y.Text();
        map.set('title', title);
        title.insert(0, `${c.title}${marker}`);
        const fragment = new Y.XmlFragment();
        map.set('text', fragment);
        const paragraph = new Y.XmlElement('paragraph');
        fragment.insert(0, [paragraph]);
        const run = new Y.XmlText();
        paragraph.insert(0, [run]);
        run.insert(0, `${c.text}${marker}`);
        break;
      }
      case 'text':
        doc.getText('fuzz').insert(0, `${c.text}${marker}`);
        break;
      case 'map':
        doc.getMap('fuzz').set(c.key, { value: c.value as never, marker });
        break;
    }
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

function syncFrame(syncType: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(3 + 5 + payload.length);
  frame[0] = 0;
  frame[1] = syncType;
  let at = 2;
  for (let n = payload.length; ; n >>>= 7) {
    frame[at++] = n > 0x7f ? (n & 0x7f) | 0x80 : n;
    if (n <= 0x7f) break;
  }
  frame.set(payload, at);
  return frame.subarray(0, at + payload.length);
}

interface Run {
  id: string;
  /** The connection's own caret id (the first it announces). */
  caretId: number;
  clock: number;
}

function frameBytes(spec: FrameSpec, run: Run, d: FuzzedDocument): Uint8Array {
  switch (spec.kind) {
    case 'syncStep1': {
      const vector = spec.stateVector === 'empty' ? new Uint8Array([0]) : spec.stateVector === 'current' ? Y.encodeStateVector(d.shared.doc) : spec.stateVector;
      return syncFrame(0, vector);
    }
    case 'update': {
      let update = updateOf(spec.content, `⟦${run.id}⟧`, d.kind);
      if (spec.mutation && 'at' in spec.mutation) {
        update = update.slice();
        update[spec.mutation.at % update.length] = spec.mutation.byte;
      } else if (spec.mutation) update = update.subarray(0, spec.mutation.keep % update.length);
      return syncFrame(spec.syncType, update);
    }
    case 'awareness': {
      const clientId = { own: run.caretId, editor: d.editor.doc.clientID, server: d.shared.awareness.clientID, other: spec.other }[spec.target];
      const clock = spec.clock === 'next' ? ++run.clock : spec.clock;
      const s = spec.state;
      if (s.kind === 'garbage') return new Uint8Array([messageAwareness, s.bytes.length + 3, 1, clientId & 0x7f, clock & 0x7f, ...s.bytes]);
      const state =
        s.kind === 'caret'
          ? { user: { name: s.name, color: '#1d4ed8' }, cursor: s.extra, run: run.id }
          : s.kind === 'renamed'
            ? { user: { name: displayNames.get(town.userIds.chair) }, run: run.id }
            : s.kind === 'left'
              ? null
              : s.kind === 'oversized'
                ? { run: run.id, padding: 'x'.repeat(s.bytes) }
                : s.value;
      return awarenessFrame([{ clientId, clock, state }]);
    }
    case 'garbage':
      return spec.bytes;
  }
}

// ---- Checks

const wellFormed = /^(?:[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

/** What the document's published forms would hold, rendered from its current state. */
async function renderedForms(d: FuzzedDocument): Promise<string[]> {
  const doc = await currentDocument({ sql: town.sql, registry: t.app.documents }, d.name, d.owner);
  try {
    if (d.kind === 'recommendations') return readRecommendations(doc).flatMap((r) => [r.title, r.text.html, r.text.markdown, JSON.stringify(r.text.json)]);
    const rendered = renderFragment(doc.getXmlFragment(d.kind === 'minutes' ? MINUTES_FRAGMENT : NOTES_FRAGMENT));
    return [rendered.html, rendered.markdown, JSON.stringify(rendered.json)];
  } finally {
    doc.destroy();
  }
}

async function storedRowsWith(name: string, marker: string): Promise<number> {
  const bytes = Buffer.from(marker);
  const [row] = await town.sql<{ count: number }[]>`
    select (select count(*) from document_updates where doc_name = ${name} and position(${bytes}::bytea in "update") > 0)::int
         + (select count(*) from document_snapshots where doc_name = ${name} and position(${bytes}::bytea in state) > 0)::int as count`;
  return row!.count;
}

/** What a frame is to the server (a garbage frame may well be a sync request). */
function kindOf(bytes: Uint8Array): string {
  try {
    return decodeClientMessage(bytes).kind;
  } catch {
    return 'malformed';
  }
}

const frameBytesSent = new WeakMap<FrameSpec, Uint8Array>();
let runCount = 0;
const outcomes = new Map<string, number>();

async function sendAndCheck(d: FuzzedDocument, who: Walker, writes: boolean, specs: FrameSpec[], caretId: number): Promise<void> {
  runCount += 1;
  const run: Run = { id: `r${runCount}x${Math.floor(Math.random() * 1e9)}`, caretId, clock: 0 };
  const socket = await RawDocumentSocket.open(baseUrl, d.name, town.cookieOf(who));
  runSockets.push(socket);
  expect(socket.closed, `${who} on ${d.name} was refused at the door`).toBeNull();
  for (const spec of specs) {
    const bytes = frameBytes(spec, run, d);
    frameBytesSent.set(spec, bytes);
    socket.send(bytes);
  }
  // The answer to a sync request comes after everything sent before it was handled.
  const requests = specs.filter((spec) => kindOf(frameBytesSent.get(spec)!) === 'syncStep1').length + 1;
  socket.send(syncRequestFrame());
  const answers = () => socket.received(0).filter((m) => m[1] === 1).length;
  await eventually(() => socket.closed !== null || answers() >= requests, 10_000, 'an answer to every sync request, or a close');
  if (socket.closed) {
    expect(allowedCloses, `${who} on ${d.name} closed ${socket.closed.code} ${socket.closed.reason}`).toContain(socket.closed.code);
  }
  const outcome = `${specs.map((s) => s.kind).join('+')} → ${socket.closed ? socket.closed.code : 'open'}`;
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  socket.close();

  expect(d.shared.broken, `${d.name} broke`).toBe(false);
  expect(d.editor.closeCodes, `${d.name}: the honest editor was disconnected`).toEqual([]);
  expect(caretViolations).toEqual([]);
  if (!writes) expect(await storedRowsWith(d.name, `⟦${run.id}⟧`), `${who} (read only) on ${d.name}: stored`).toBe(0);
  for (const form of await renderedForms(d)) expect(form).toMatch(wellFormed);
}

const documentAndWho = fc.integer({ min: 0, max: 2 }).chain((index) => fc.tuple(fc.constant(index), fc.constantFrom(...documents[index]!.entrants)));
const caretId = fc.integer({ min: 1, max: 2 ** 32 - 1 });

describe('generated frames on the document socket', () => {
  for (const [offset, [kind, frame]] of (Object.entries(frames) as [string, fc.Arbitrary<FrameSpec>][]).entries()) {
    it(`${kind}: the sender closed only as the protocol says, nothing stored or shown that may not be, the document healthy`, async () => {
      await fc.assert(
        fc.asyncProperty(documentAndWho, fc.array(frame, { minLength: 1, maxLength: 3 }), caretId, async ([index, { who, writes }], specs, id) =>
          sendAndCheck(documents[index]!, who, writes, specs, id),
        ),
        { seed: seed + offset, numRuns },
      );
    }, timeout);
  }

  it('any mix of frames: the same', async () => {
    await fc.assert(
      fc.asyncProperty(documentAndWho, fc.array(anyFrame, { minLength: 1, maxLength: 3 }), caretId, async ([index, { who, writes }], specs, id) =>
        sendAndCheck(documents[index]!, who, writes, specs, id),
      ),
      { seed: seed - 1, numRuns: numRuns * 2 },
    );
  }, 2 * timeout);

  it('leaves every document serving its honest editor, and the minutes and the statement publishable', async () => {
    for (const d of documents) {
      const line = `Rehellinen muokkaus ${d.kind}`;
      d.editor.doc.getText('honest').insert(0, line);
      const newcomer = connect(baseUrl, d.name, d.kind === 'recommendations' ? town.cookies.chair : town.cookies.secretary);
      try {
        await synced(newcomer);
        await eventually(() => newcomer.doc.getText('honest').toString().includes(line), 10_000, `${d.kind}: the honest edit to reach a newcomer`);
      } finally {
        newcomer.destroy();
      }
      // What is stored loads again, as the document would after a restart.
      const stored = await storedDoc(town.sql, d.name);
      expect(stored.getText('honest').toString()).toContain(line);
      stored.destroy();
    }
    const forum = town.spaces.find((s) => s.slug === 'ymparistofoorumi')!;
    const as = (who: 'secretary' | 'chair', url: string, payload?: object) =>
      t.app.inject({ method: 'POST', url, headers: { cookie: town.cookies[who] }, ...(payload ? { payload } : {}) });
    // Something to publish, whatever the fuzz left in the draft.
    const minutes = documents.find((d) => d.kind === 'minutes')!;
    minutes.editor.doc.transact(() => {
      const paragraph = new Y.XmlElement('paragraph');
      minutes.editor.doc.getXmlFragment(MINUTES_FRAGMENT).insert(0, [paragraph]);
      const run = new Y.XmlText();
      paragraph.insert(0, [run]);
      run.insert(0, 'Pöytäkirja.');
    });
    await eventually(async () => (await renderedForms(minutes)).some((form) => form.includes('Pöytäkirja.')), 10_000, 'the paragraph in the draft');
    for (const [who, step] of [
      ['secretary', 'submit'],
      ['chair', 'approve'],
      ['secretary', 'publish'],
    ] as const) {
      const response = await as(who, `/api/meetings/${forum.meetingId}/minutes/${step}`);
      expect(response.statusCode, `${step}: ${response.body}`).toBe(200);
    }
    const recommendations = documents.find((d) => d.kind === 'recommendations')!;
    recommendations.editor.doc.transact(() => {
      const map = new Y.Map<unknown>();
      recommendations.editor.doc.getArray('recommendations').push([map]);
      map.set('id', 'rehellinen');
      map.set('title', new Y.Text('Rehellinen suositus'));
    });
    await eventually(async () => (await renderedForms(recommendations)).includes('Rehellinen suositus'), 10_000, 'the recommendation');
    const frozen = await as('chair', '/api/spaces/asukasraati/statements', {});
    expect(frozen.statusCode, frozen.body).toBe(201);
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('got past the checks: carets shown, updates stored, and refusals of every kind', () => {
    if (process.env.FUZZ_STATS) console.log([...outcomes].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
    const stats = t.app.documents.stats;
    expect(stats.storedUpdates).toBeGreaterThan(10);
    expect(stats.droppedUpdates).toBeGreaterThan(0);
    expect(stats.droppedAwareness).toBeGreaterThan(0);
    expect(stats.refusedMessages).toBeGreaterThan(0);
    expect([...outcomes.keys()].some((k) => k.endsWith('1003'))).toBe(true);
    expect([...outcomes.keys()].some((k) => k.endsWith('1009'))).toBe(true);
  });
});
