// A load generator for bench/collab.ts, in a process of its own: runs its share of the editors
// (COLLAB_LOAD), each a Y.Doc on its own socket: on Aukio the stock y-websocket WebsocketProvider
// with `ws` carrying the editor's session cookie, on Hocuspocus the minimal client of
// collab-hocuspocus-client.ts. Over IPC: {type:'connected'} once every editor is synced, then on
// {type:'go', startAt} each editor makes its edits on schedule, then {type:'edited'}; and on
// {type:'drain'} (every generator has edited) {type:'result'} after the last deliveries (or the drain time).
//
// The document is shaped as Aukio's editor stores it (y-prosemirror): the meeting notes'
// XmlFragment of paragraphs, each an XmlElement holding an XmlText. Every editor has a caret in
// a paragraph. An edit is one transaction: a marker ⟦editor.seq.madeAt⟧ typed at a random place
// in the caret's paragraph; every fifth edit also deletes 1–3 characters there (a typo fixed); now
// and then the editor first presses Enter (a new paragraph after its own) or clicks into another
// paragraph. The randomness is seeded per editor so both servers get the same edits. Every editor
// looks for markers in each message it receives, once the message is applied (collab-batch.ts),
// and records when it saw them.
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { NOTES_FRAGMENT } from '../../client/components/notes/notes-document.ts';
import { batchedSocketClass, TurnBatch } from './collab-batch.ts';
import { HocuspocusClient } from './collab-hocuspocus-client.ts';
import {
  marker,
  markersIn,
  monotonicMs,
  type CollabEditor,
  type CollabLoadConfig,
  type CollabLoadResult,
  type CollabLoadToParent,
  type EditorClocks,
  type ParentToCollabLoad,
} from './collab-protocol.ts';

const send = (message: CollabLoadToParent) => process.send?.(message);
if (!process.send) throw new Error('Start this with an IPC channel (bench/collab.ts does)');
const config = JSON.parse(process.env.COLLAB_LOAD ?? 'null') as CollabLoadConfig | null;
if (!config) throw new Error('COLLAB_LOAD is not set');
process.on('disconnect', () => process.exit(1));
// Every WebsocketProvider adds an exit listener.
process.setMaxListeners(0);

const { editsPerEditor } = config;
const editorCount = config.docs.reduce((n, d) => n + d.editors.length, 0);
const editCount = editorCount * editsPerEditor;
const docOfEditor = new Int32Array(editorCount);
for (const [d, doc] of config.docs.entries()) for (const e of doc.editors) docOfEditor[e] = d;

// ---- What this process's editors saw ----
const seenCount = new Uint16Array(editCount);
const lastSeenAt = new Float64Array(editCount);
/** Which editors of the edit's document (by slot) have seen it: a marker is counted once per editor. */
const seenBy = new Uint32Array(editCount * 2);
let windowOpen = false;
let closedEarly = 0;

interface Connection {
  synced(): boolean;
  destroy(): void;
}

interface Editor {
  spec: CollabEditor;
  /** The editor's place among its document's editors (< 64). */
  slot: number;
  doc: Y.Doc;
  /** The notes, as the editor stores them: paragraphs in an XmlFragment. */
  notes: Y.XmlFragment;
  /** The paragraph the editor's caret is in; null before its first edit. */
  caret: Y.XmlText | null;
  random: () => number;
  connection: Connection;
  /** Remote edits seen, and how many there will be. */
  seen: number;
  expected: number;
  /** Our clock after each of our edits. */
  clocks: number[];
}

/** mulberry32: a small seeded generator, the same sequence for both targets. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function connect(spec: CollabEditor, doc: Y.Doc, applied: (bytes: Uint8Array) => void): Connection {
  const name = config!.docs[spec.doc]!.name;
  const user = { name: spec.displayName, color: `hsl(${(spec.index * 47) % 360} 70% 40%)` };
  if (config!.target === 'aukio') {
    const batch = new TurnBatch(doc, () => provider, applied);
    const provider: WebsocketProvider = new WebsocketProvider(config!.url, name, doc, {
      WebSocketPolyfill: batchedSocketClass({ cookie: spec.credential }, batch) as never,
      // Node has BroadcastChannel: without this the editors in this process would sync around the server.
      disableBc: true,
      maxBackoffTime: 1000,
    });
    provider.awareness.setLocalStateField('user', user);
    provider.on('connection-close', () => {
      if (windowOpen) closedEarly += 1;
    });
    return { synced: () => provider.synced, destroy: () => provider.destroy() };
  }
  const client = new HocuspocusClient(config!.url, name, doc, spec.credential, applied);
  client.awareness.setLocalStateField('user', user);
  client.whenClosed(() => {
    if (windowOpen) closedEarly += 1;
  });
  return {
    synced: () => {
      if (client.closed) throw new Error(`Hocuspocus closed ${name} (${client.closed.code} ${client.closed.reason})`);
      return client.synced;
    },
    destroy: () => client.destroy(),
  };
}

function startEditor(spec: CollabEditor): Editor {
  const docEditors = config!.docs[spec.doc]!.editors;
  const slot = docEditors.indexOf(spec.index);
  if (slot < 0 || docEditors.length > 64) throw new Error(`Editor ${spec.index} is not one of its document's (at most 64) editors`);
  const doc = new Y.Doc();
  const word = slot < 32 ? 0 : 1;
  const bit = 1 << slot % 32;
  // Each message received, once it is applied: the edits whose markers it holds are seen.
  const applied = (bytes: Uint8Array) => {
    const now = monotonicMs();
    markersIn(bytes, (m) => {
      if (m.editor === spec.index || m.editor >= editorCount || m.seq >= editsPerEditor || docOfEditor[m.editor] !== spec.doc) return;
      const id = m.editor * editsPerEditor + m.seq;
      const at = id * 2 + word;
      if ((seenBy[at]! & bit) !== 0) return;
      seenBy[at]! |= bit;
      seenCount[id]! += 1;
      if (now > lastSeenAt[id]!) lastSeenAt[id] = now;
      editor.seen += 1;
    });
  };
  const editor: Editor = {
    spec,
    slot,
    doc,
    notes: doc.getXmlFragment(NOTES_FRAGMENT),
    caret: null,
    random: seeded(config!.seed * 1_000_003 + spec.index),
    connection: connect(spec, doc, applied),
    seen: 0,
    expected: (docEditors.length - 1) * editsPerEditor,
    clocks: [],
  };
  return editor;
}

async function until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Opens the editors ten at a time, each batch synced before the next. */
async function openEditors(): Promise<Editor[]> {
  const editors: Editor[] = [];
  for (let i = 0; i < config!.editors.length; i += 10) {
    const batch = config!.editors.slice(i, i + 10).map(startEditor);
    editors.push(...batch);
    await until(() => batch.every((e) => e.connection.synced()), 30_000, `editors ${i}–${i + batch.length - 1} to sync`);
  }
  return editors;
}

// ---- Editing ----

/** Of the edits: the share that first start a new paragraph, and that first move the caret to another. */
const ENTER_SHARE = 0.05;
const CLICK_SHARE = 0.05;

const sent: [number, number][] = [];
let maxSendLagMs = 0;

/** A new empty paragraph at `index` of the notes, as Enter makes it; returns its text. */
function newParagraph(notes: Y.XmlFragment, index: number): Y.XmlText {
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  notes.insert(index, [paragraph]);
  return text;
}

/** Where the caret goes before this edit: its first paragraph, Enter, a click elsewhere, or where it was. */
function placeCaret(editor: Editor): Y.XmlText {
  const { notes, random } = editor;
  const roll = random();
  if (editor.caret === null || editor.caret.parent === null) {
    editor.caret = newParagraph(notes, Math.floor(random() * (notes.length + 1)));
  } else if (roll < ENTER_SHARE) {
    const own = notes.toArray().indexOf(editor.caret.parent as Y.XmlElement);
    editor.caret = newParagraph(notes, own + 1);
  } else if (roll < ENTER_SHARE + CLICK_SHARE) {
    const paragraph = notes.get(Math.floor(random() * notes.length));
    const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : null;
    if (text instanceof Y.XmlText) editor.caret = text;
  }
  return editor.caret;
}

function edit(editor: Editor, seq: number): void {
  const { random } = editor;
  const madeAt = monotonicMs();
  editor.doc.transact(() => {
    const text = placeCaret(editor);
    if (seq % 5 === 4 && text.length > 3) {
      const n = 1 + Math.floor(random() * 3);
      text.delete(Math.floor(random() * (text.length - n)), n);
    }
    text.insert(Math.floor(random() * (text.length + 1)), marker(editor.spec.index, seq, madeAt));
  });
  sent.push([editor.spec.index * editsPerEditor + seq, madeAt]);
  editor.clocks.push(Y.getState(editor.doc.store, editor.doc.clientID));
}

/** Each editor edits every intervalMs from its own phase; resolves when all have made every edit. */
function editAll(editors: Editor[], startAt: number): Promise<void> {
  return new Promise((resolve) => {
    let running = editors.length;
    for (const editor of editors) {
      const phase = editor.random() * config!.intervalMs;
      const schedule = (seq: number) => {
        if (seq === editsPerEditor) {
          running -= 1;
          if (running === 0) resolve();
          return;
        }
        const due = startAt + phase + seq * config!.intervalMs;
        setTimeout(() => {
          maxSendLagMs = Math.max(maxSendLagMs, monotonicMs() - due);
          edit(editor, seq);
          schedule(seq + 1);
        }, Math.max(0, due - monotonicMs()));
      };
      schedule(0);
    }
  });
}

const clocksOf = (editor: Editor): EditorClocks => ({ index: editor.spec.index, doc: editor.spec.doc, clientId: editor.doc.clientID, clocks: editor.clocks });

const received: ParentToCollabLoad[] = [];
const waiting: (() => void)[] = [];
process.on('message', (m: ParentToCollabLoad) => {
  received.push(m);
  for (const wake of waiting.splice(0)) wake();
});

async function nextMessage<T extends ParentToCollabLoad['type']>(type: T): Promise<Extract<ParentToCollabLoad, { type: T }>> {
  for (;;) {
    const index = received.findIndex((m) => m.type === type);
    if (index >= 0) return received.splice(index, 1)[0] as Extract<ParentToCollabLoad, { type: T }>;
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
}

async function main(): Promise<void> {
  const connectStarted = performance.now();
  const editors = await openEditors();
  send({ type: 'connected', editors: editors.length, seconds: (performance.now() - connectStarted) / 1000 });
  const go = await nextMessage('go');
  const cpuBefore = process.cpuUsage();
  windowOpen = true;
  // A line every 15 s: a generator short of CPU takes much longer than the run is set for.
  const progress = setInterval(() => {
    const seen = editors.reduce((n, e) => n + e.seen, 0);
    const expected = editors.reduce((n, e) => n + e.expected, 0);
    send({ type: 'progress', message: `${editors.length} editors: ${sent.length}/${editors.length * editsPerEditor} edits made, ${seen}/${expected} deliveries seen, send lag max ${Math.round(maxSendLagMs)} ms` });
  }, 15_000);
  await editAll(editors, go.startAt);
  // Other generators' editors may still be editing (one short of CPU falls behind): all that is
  // theirs must be awaited too.
  send({ type: 'edited' });
  await nextMessage('drain');
  // The last deliveries, or as many as arrive within the drain time.
  await until(() => editors.every((e) => e.seen >= e.expected), config!.drainMs, 'deliveries').catch(() => {});
  windowOpen = false;
  clearInterval(progress);
  const cpu = process.cpuUsage(cpuBefore);
  const result: CollabLoadResult = {
    sent,
    seenCount: Array.from(seenCount),
    lastSeenAt: Array.from(lastSeenAt),
    editors: editors.map(clocksOf),
    maxSendLagMs,
    closedEarly,
    cpuUs: cpu.user + cpu.system,
  };
  const finish = nextMessage('finish');
  send({ type: 'result', result });
  await finish;
  for (const editor of editors) editor.connection.destroy();
  process.exit(0);
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  setTimeout(() => process.exit(1), 100);
});
