// `npm run bench:soak`: 2,000 participants across 20 live meetings for 10 minutes — chat, Q&A,
// hands raised and lowered, polls, and notes typed by five people in each room — against the
// real server, to find memory that grows and errors that appear only with time. The server and
// the load generator run in their own processes; the server's memory is read from /proc.
// Last line: `soak: RSS growth X MB over 10 min, errors N`.
//
// Settings (environment): SOAK_MINUTES (10), SOAK_PARTICIPANTS (2000), SOAK_ROOMS (20),
// SOAK_EDITORS_PER_ROOM (5), SOAK_DATABASE_SERVER (postgres://postgres@127.0.0.1:5432/postgres:
// a fresh database is made there and dropped; `embedded` for PGlite).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, type BenchDatabase } from './support/database.ts';
import { killAllChildren, procStats, startChild, type Child } from './support/fanout-children.ts';
import type { ParentToSoakLoad, ParentToSoakServer, SoakLoadConfig, SoakLoadToParent, SoakServerReady } from './support/soak-protocol.ts';
import { setting } from './support/settings.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const support = join(root, 'bench', 'support');

const minutes = setting('SOAK_MINUTES', 10);
const participants = Math.round(setting('SOAK_PARTICIPANTS', 2000));
const rooms = Math.round(setting('SOAK_ROOMS', 20));
const editorsPerRoom = Math.round(setting('SOAK_EDITORS_PER_ROOM', 5));
const databaseServer = process.env.SOAK_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const nofile = Math.max(65_536, participants * 3 + 1_024);
// Memory is read this often; the report gives the start, the end and the highest.
const SAMPLE_SECONDS = 30;

// What the run made outside itself, removed on every way out (an interrupted run included).
let database: BenchDatabase | undefined;
let dataDir: string | undefined;
async function removeScratch(): Promise<void> {
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllChildren();
    void removeScratch().finally(() => process.exit(130));
  });
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const started = performance.now();
  const env: Record<string, string> = { SOAK_ROOMS: String(rooms), SOAK_PARTICIPANTS: String(participants), SOAK_EDITORS_PER_ROOM: String(editorsPerRoom) };
  if (databaseServer === 'embedded') {
    dataDir = await mkdtemp(join(tmpdir(), 'aukio-soak-'));
    env.SOAK_DATA_DIR = dataDir;
  } else {
    database = await createBenchDatabase(databaseServer);
    env.SOAK_DATABASE_URL = database.url;
  }
  console.log(
    `soak: ${participants} participants in ${rooms} live meetings, ${editorsPerRoom} notes editors a room, ${minutes} min ` +
      `(Node ${process.version}; database: ${database ? `${database.name} on the PostgreSQL server` : 'embedded'})`,
  );
  const server: Child<ParentToSoakServer, SoakServerReady> = startChild('server', join(support, 'soak-server.ts'), { cwd: root, env, nofile });
  let load: Child<ParentToSoakLoad, SoakLoadToParent> | undefined;
  try {
    const ready = await server.next((m): m is SoakServerReady => m.type === 'ready', 300_000, 'ready message');
    const config: SoakLoadConfig = { baseUrl: `http://127.0.0.1:${ready.port}`, rooms: ready.rooms, chair: ready.chair, seconds: minutes * 60, editorsPerRoom };
    load = startChild('load generator', join(support, 'soak-load.ts'), { cwd: root, env: { SOAK_LOAD: JSON.stringify(config) }, nofile });
    load.onMessage((m) => {
      if (m.type === 'progress') console.log(`  ${m.message}`);
    });
    const connected = await load.next((m): m is Extract<SoakLoadToParent, { type: 'connected' | 'failed' }> => m.type === 'connected' || m.type === 'failed', 600_000, 'connected');
    if (connected.type === 'failed') throw new Error(`load generator: ${connected.message}`);
    console.log(`  ${connected.sockets} room sockets and ${connected.editors} document editors connected in ${connected.seconds.toFixed(1)} s`);

    const first = await procStats(server.pid);
    if (!first) throw new Error('bench:soak reads the server memory from /proc (Linux only)');
    const samples = [first.rss];
    load.send({ type: 'go' });
    const sampler = setInterval(() => {
      void procStats(server.pid).then((s) => {
        if (!s) return;
        samples.push(s.rss);
        const elapsed = ((samples.length - 1) * SAMPLE_SECONDS) / 60;
        console.log(`  ${elapsed.toFixed(1)} min: server RSS ${mb(s.rss)} MB, CPU ${((s.cpuUser + s.cpuSystem - first.cpuUser - first.cpuSystem) / 1e6).toFixed(0)} s so far`);
      });
    }, SAMPLE_SECONDS * 1000);
    const done = await load.next((m): m is Extract<SoakLoadToParent, { type: 'result' | 'failed' }> => m.type === 'result' || m.type === 'failed', (minutes * 60 + 120) * 1000, 'result');
    clearInterval(sampler);
    if (done.type === 'failed') throw new Error(`load generator: ${done.message}`);
    const last = await procStats(server.pid);
    const end = last?.rss ?? samples.at(-1)!;
    samples.push(end);
    const c = done.counts;
    const errors = Object.values(c.errors).reduce((a, b) => a + b, 0);
    console.log(
      `aukio: ${c.sockets} sockets; sent ${c.chatSent} chat messages, ${c.questionsAsked} questions, ${c.votes} upvotes, ${c.queueMoves} hand moves, ` +
        `${c.pollsOpened} polls, ${c.documentEdits} document edits; received ${c.eventsReceived} events`,
    );
    console.log(`errors: ${errors ? Object.entries(c.errors).map(([kind, n]) => `${kind} ×${n}`).join(', ') : 'none'}`);
    console.log(`server RSS: ${mb(first.rss)} MB at start, ${mb(end)} MB at end, ${mb(Math.max(...samples))} MB at most; the bench took ${Math.round((performance.now() - started) / 1000)} s`);
    console.log(`soak: RSS growth ${mb(end - first.rss)} MB over ${minutes} min, errors ${errors}`);
  } finally {
    if (load) await load.stop({ type: 'finish' }, 5_000).catch(() => {});
    await server.stop({ type: 'stop' }, 15_000);
    await removeScratch();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
