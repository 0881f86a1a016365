// `npm run bench:collab`: how fast co-edited documents reach their other editors through Aukio's
// y-websocket endpoint, against Hocuspocus (@hocuspocus/server) with the same persistence, under
// the same load, in one run.
//
// The load: 50 editors on one document and 20 documents with 5 editors each, every editor making
// 5 edits a second for 60 s (the same seeded edits on both servers, typed into paragraphs of the
// meeting notes as Aukio's editor stores them, see support/collab-load.ts), run by load generators
// in processes of their own (each document's editors spread over them).
// The measure: for every edit, the time from its being made until ALL the other editors of its
// document have it applied; p50 and p99 over every edit (an edit some editor never saw counts as
// seen at the end of the run, so with losses they are lower bounds). And the server process's CPU
// over the edit window (from /proc) and its memory.
//
// Each server runs in its own child process on its own scratch database on the PostgreSQL server
// (created, migrated with Aukio's schema and seeded with the demo town plus one meeting per
// document; dropped at the end):
// - Aukio: the real app (support/collab-aukio.ts); its editors are residents signed up over HTTP
//   who joined the meetings' forum, so they may write the meetings' notes; the stock
//   WebsocketProvider connects with their session cookie.
// - Hocuspocus 3 (support/collab-hocuspocus.ts) with Aukio's persistence as an extension
//   (support/collab-hocuspocus-persistence.ts: the same SQL, per-tick batches, compaction, and by
//   default the same guarantee, every update stored before it is broadcast) and a token check in
//   onAuthenticate; its editors use a minimal client for its framing (support/collab-hocuspocus-client.ts).
// After each run, with the server stopped, every document is read back from Postgres and must hold
// every edit that any editor saw.
//
// Last line: `collab: p99 X ms (ratio R vs Hocuspocus)`, X Aukio's p99 and R = Aukio's p99 /
// Hocuspocus's p99: below 1 Aukio is faster; lower is better. The aim is p99 under 100 ms and
// server CPU no more than Hocuspocus's.
//
// Settings: `--quick` (or COLLAB_QUICK=1) runs 10 s; COLLAB_SECONDS (60), COLLAB_RATE (edits/s per
// editor, 5), COLLAB_BIG_EDITORS (50), COLLAB_SMALL_DOCS (20), COLLAB_SMALL_EDITORS (5),
// COLLAB_LOAD_PROCESSES (2), COLLAB_ONLY (aukio|hocuspocus: one run, no ratio),
// COLLAB_HOCUSPOCUS_STORE (before-broadcast|after-broadcast, see the persistence extension),
// COLLAB_CPU_PROF (a directory: the server children and load generators write --cpu-prof profiles there),
// BENCH_DATABASE_URL (a server where scratch databases may be created and dropped; default
// postgres://postgres@127.0.0.1:5432/postgres).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, type BenchDatabase } from './support/database.ts';
import { backendCpu, backendCpuBetween } from './support/collab-postgres.ts';
import { latencies, missingFromStore, seenByOthers, type Latencies } from './support/collab-results.ts';
import { prepareDatabase, signUpEditors } from './support/collab-setup.ts';
import {
  monotonicMs,
  type CollabDoc,
  type CollabEditor,
  type CollabLoadConfig,
  type CollabLoadToParent,
  type CollabTarget,
  type ParentToCollabLoad,
} from './support/collab-protocol.ts';
import { killAllChildren, procStats, startChild, type Child } from './support/fanout-children.ts';
import type { ParentToServer, ServerReady, ServerStats } from './support/fanout-protocol.ts';
import { setting } from './support/settings.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const support = join(root, 'bench', 'support');

const quick = process.argv.includes('--quick') || process.env.COLLAB_QUICK === '1';
const seconds = setting('COLLAB_SECONDS', quick ? 10 : 60);
const rate = setting('COLLAB_RATE', 5);
const bigEditors = Math.round(setting('COLLAB_BIG_EDITORS', 50));
const smallDocs = Math.round(setting('COLLAB_SMALL_DOCS', 20));
const smallEditors = Math.round(setting('COLLAB_SMALL_EDITORS', 5));
const loadProcesses = Math.round(setting('COLLAB_LOAD_PROCESSES', 2));
const only = process.env.COLLAB_ONLY as CollabTarget | undefined;
if (only !== undefined && only !== 'aukio' && only !== 'hocuspocus') throw new Error('COLLAB_ONLY must be aukio or hocuspocus');
const hocuspocusStore = process.env.COLLAB_HOCUSPOCUS_STORE || 'before-broadcast';
const cpuProfDir = process.env.COLLAB_CPU_PROF ? resolve(process.env.COLLAB_CPU_PROF) : undefined;
const serverUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
if (bigEditors > 64 || smallEditors > 64) throw new Error('At most 64 editors on one document');

const editsPerEditor = Math.round(rate * seconds);
const intervalMs = 1000 / rate;
const DRAIN_MS = 10_000;
const SEED = 20_240_611;
const NOFILE = 4_096;
// A generator holds dozens of full replicas of the documents (some 300 MB by the end), and V8's
// major collections of such a heap take a core or two for half a second: every editor of that
// generator stops seeing edits meanwhile, and the others lose the CPU. Measured, those pauses were
// the whole tail of the latency. So the generators start with an old space big enough for the
// run (no major collection in it) and a larger young generation (fewer, cheaper scavenges). The
// servers run with Node's defaults.
const LOAD_V8_FLAGS = ['--initial-old-space-size=2048', '--max-semi-space-size=32'];

// ---- Cleanup on every way out ----
const databases = new Set<BenchDatabase>();
const mailDirs = new Set<string>();
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killAllChildren();
    await Promise.allSettled([...databases].map((d) => d.drop()));
    await Promise.allSettled([...mailDirs].map((dir) => rm(dir, { recursive: true, force: true })));
  })();
  return cleaning;
}
process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`\ncollab: ${signal}, stopping and dropping the scratch databases`);
    void cleanup().finally(() => process.exit(130));
  });
}

type Server = Child<ParentToServer, ServerReady | ServerStats>;
type Load = Child<ParentToCollabLoad, CollabLoadToParent>;

/** The documents and who edits them: document 0 is the big one; editors numbered across all. */
function layout(names: string[]): CollabDoc[] {
  let next = 0;
  return names.map((name, d) => ({ name, editors: Array.from({ length: d === 0 ? bigEditors : smallEditors }, () => next++) }));
}

const firstNames = ['Aino', 'Eero', 'Helmi', 'Ilkka', 'Kerttu', 'Lauri', 'Mirja', 'Olli', 'Riikka', 'Tapio'];
const editorName = (i: number) => `${firstNames[i % firstNames.length]} Kirjoittaja ${i + 1}`;

async function stats(server: Server): Promise<ServerStats & { peakRss: number }> {
  const fromProc = await procStats(server.pid);
  if (!fromProc) throw new Error('The bench reads server CPU and memory from /proc (Linux)');
  const status = await readFile(`/proc/${server.pid}/status`, 'utf8').catch(() => '');
  const peakKb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return { ...fromProc, peakRss: peakKb * 1024 };
}

interface RunResult extends Latencies {
  /** Server CPU over the edit window and drain: share of one core, and µs per edit. */
  serverCpu: number;
  serverUsPerEdit: number;
  /** The CPU of the Postgres backends serving the run's database over the same time, µs per edit (NaN when /proc does not show them). */
  postgresUsPerEdit: number;
  rssBoot: number;
  rssIdle: number;
  rssEnd: number;
  rssPeak: number;
  loadCpu: number;
  maxSendLagMs: number;
  closedEarly: number;
  connectSeconds: number;
  /** Edits some editor saw that are missing from the documents as stored in Postgres after the server stopped. */
  notStored: number;
}

async function run(target: CollabTarget): Promise<RunResult> {
  const label = target === 'aukio' ? 'aukio' : 'hocuspocus';
  const database = await createBenchDatabase(serverUrl);
  databases.add(database);
  // Where the Aukio server writes the editors' address checks.
  const mailDir = await mkdtemp(join(tmpdir(), 'aukio-collab-mail-'));
  mailDirs.add(mailDir);
  let server: Server | undefined;
  const loads: Load[] = [];
  let lastHeard = performance.now();
  try {
    const docs = layout(await prepareDatabase(database.url, 1 + smallDocs));
    const editorCount = docs.reduce((n, d) => n + d.editors.length, 0);
    const names = Array.from({ length: editorCount }, (_, i) => editorName(i));
    const tokens = names.map(() => randomBytes(18).toString('base64url'));
    const env: Record<string, string> = { COLLAB_DATABASE_URL: database.url, COLLAB_MAIL_DIR: mailDir };
    if (target === 'hocuspocus') Object.assign(env, { COLLAB_TOKENS: JSON.stringify(tokens), COLLAB_HOCUSPOCUS_STORE: hocuspocusStore });
    const execArgv = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
    server = startChild(`${label} server`, join(support, `collab-${target}.ts`), { cwd: root, env, nofile: NOFILE, execArgv });
    const ready = await server.next((m): m is ServerReady => m.type === 'ready', 120_000, 'ready message');
    const baseUrl = `http://127.0.0.1:${ready.port}`;
    const boot = await stats(server);

    const signUpStarted = performance.now();
    const credentials = target === 'aukio' ? await signUpEditors(baseUrl, mailDir, names, Date.now().toString(36)) : tokens;
    if (target === 'aukio') console.log(`  ${label}: ${editorCount} editors signed up in ${((performance.now() - signUpStarted) / 1000).toFixed(1)} s`);

    const editors: CollabEditor[] = docs.flatMap((doc, d) => doc.editors.map((index) => ({ index, doc: d, credential: credentials[index]!, displayName: names[index]! })));
    const url = `${baseUrl.replace(/^http/, 'ws')}${ready.path === '/' ? '' : ready.path}`;
    for (let p = 0; p < loadProcesses; p += 1) {
      const config: CollabLoadConfig = {
        target,
        url,
        docs,
        // Round robin: every document's editors are spread over the generators.
        editors: editors.filter((e) => e.index % loadProcesses === p),
        editsPerEditor,
        intervalMs,
        seed: SEED,
        drainMs: DRAIN_MS,
      };
      const load: Load = startChild(`${label} load generator ${p + 1}`, join(support, 'collab-load.ts'), { cwd: root, env: { COLLAB_LOAD: JSON.stringify(config) }, nofile: NOFILE, execArgv: [...execArgv, ...LOAD_V8_FLAGS] });
      load.onMessage((m) => {
        lastHeard = performance.now();
        if (m.type === 'progress') console.log(`  ${label}: load generator ${p + 1}: ${m.message}`);
        if (m.type === 'failed') console.error(`  ${label}: load generator ${p + 1} failed: ${m.message}`);
      });
      loads.push(load);
    }
    const connected = await Promise.all(
      loads.map((l) => l.next((m): m is Extract<CollabLoadToParent, { type: 'connected' | 'failed' }> => m.type === 'connected' || m.type === 'failed', 120_000, 'connected editors')),
    );
    const connectSeconds = Math.max(...connected.map((c) => (c.type === 'connected' ? c.seconds : NaN)));
    if (connected.some((c) => c.type === 'failed')) throw new Error(`${label}: a load generator failed while connecting`);
    console.log(`  ${label}: ${editorCount} editors on ${docs.length} documents synced in ${connectSeconds.toFixed(1)} s; editing ${rate}/s each for ${seconds} s`);

    const idle = await stats(server);
    const postgresBefore = await backendCpu(serverUrl, database.name);
    const cpuFrom = monotonicMs();
    const startAt = cpuFrom + 500;
    lastHeard = performance.now();
    for (const l of loads) l.send({ type: 'go', startAt });
    // No time limit on the run as a whole: on a machine short of CPU it lasts much longer than set.
    // A generator reports every 15 s; one silent for two minutes has stalled.
    let watchdog: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      watchdog = setInterval(() => {
        if (performance.now() - lastHeard > 120_000) reject(new Error(`${label}: the load generators have reported nothing for 2 minutes`));
      }, 5_000);
    });
    const waitFor = <T extends CollabLoadToParent['type']>(type: T) =>
      Promise.race([
        Promise.all(
          loads.map((l) => l.next((m): m is Extract<CollabLoadToParent, { type: T | 'failed' }> => m.type === type || m.type === 'failed', 24 * 3_600_000, type)),
        ),
        stalled,
      ]);
    let done: Extract<CollabLoadToParent, { type: 'result' | 'failed' }>[];
    try {
      const edited = await waitFor('edited');
      if (edited.some((m) => m.type === 'failed')) throw new Error(`${label}: a load generator failed while editing`);
      for (const l of loads) l.send({ type: 'drain' });
      done = await waitFor('result');
    } finally {
      clearInterval(watchdog);
    }
    const endedAt = monotonicMs();
    const end = await stats(server);
    const postgresAfter = await backendCpu(serverUrl, database.name);
    const results = done.map((d) => {
      if (d.type === 'failed') throw new Error(`${label} load generator: ${d.message}`);
      return d.result;
    });
    const windowMs = endedAt - cpuFrom;
    const serverCpuUs = end.cpuUser + end.cpuSystem - idle.cpuUser - idle.cpuSystem;
    const seen = seenByOthers(results);
    const measured = latencies(docs, results, seen, editsPerEditor, endedAt);

    for (const l of loads) await l.stop({ type: 'finish' }, 5_000);
    // Stopping flushes and folds every document; then what Postgres holds is checked.
    await server.stop({ type: 'stop' }, 30_000);
    const notStored = await missingFromStore(database.url, docs, results.flatMap((r) => r.editors), seen, editsPerEditor);
    return {
      ...measured,
      serverCpu: serverCpuUs / 1000 / windowMs,
      serverUsPerEdit: serverCpuUs / Math.max(1, measured.edits),
      postgresUsPerEdit: postgresAfter.size > 0 ? backendCpuBetween(postgresBefore, postgresAfter) / Math.max(1, measured.edits) : NaN,
      rssBoot: boot.rss,
      rssIdle: idle.rss,
      rssEnd: end.rss,
      rssPeak: end.peakRss,
      loadCpu: results.reduce((sum, r) => sum + r.cpuUs, 0) / 1000 / windowMs,
      maxSendLagMs: Math.max(...results.map((r) => r.maxSendLagMs)),
      closedEarly: results.reduce((sum, r) => sum + r.closedEarly, 0),
      connectSeconds,
      notStored,
    };
  } finally {
    for (const l of loads) await l.stop({ type: 'finish' }, 5_000).catch(() => {});
    await server?.stop({ type: 'stop' }, 30_000).catch(() => {});
    await database.drop();
    databases.delete(database);
    await rm(mailDir, { recursive: true, force: true });
    mailDirs.delete(mailDir);
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const ms = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(1) : Math.round(x)} ms` : 'n/a');
const pct = (share: number) => `${Math.round(share * 100)} %`;

function describe(label: string, r: RunResult): string {
  const atLeast = r.lost > 0 ? '≥ ' : '';
  return (
    `${label}: ${r.edits} edits, ${r.edits - r.lost} seen by all other editors (${r.lost} not); ` +
    `time until seen by all p50 ${atLeast}${ms(r.p50)} p99 ${atLeast}${ms(r.p99)} max ${ms(r.max)} ` +
    `(p99 on the ${bigEditors}-editor document ${ms(r.bigP99)}, on the ${smallEditors}-editor ones ${ms(r.smallP99)}); ` +
    `server CPU ${pct(r.serverCpu)} of a core = ${Math.round(r.serverUsPerEdit)} µs per edit, ` +
    `RSS ${mb(r.rssBoot)} started, ${mb(r.rssIdle)} connected, ${mb(r.rssEnd)} end, ${mb(r.rssPeak)} peak; ` +
    `Postgres backends ${Number.isFinite(r.postgresUsPerEdit) ? `${Math.round(r.postgresUsPerEdit)} µs per edit` : 'n/a'}; ` +
    `stored: ${r.notStored === 0 ? 'every edit seen' : `edits seen but missing for ${r.notStored} editors`}; ` +
    `load generators CPU ${pct(r.loadCpu)}, send lag max ${ms(r.maxSendLagMs)}, connect ${r.connectSeconds.toFixed(1)} s` +
    (r.closedEarly > 0 ? `, ${r.closedEarly} sockets closed during the run` : '') +
    // Edits are timed from when they were made, so a late generator does not add to the latency; but
    // one that cannot keep up is short of CPU, and so, on the same machine, is the server.
    (r.maxSendLagMs > 100 ? ' (WARNING: the load generators fell behind: the machine is short of CPU, the figures measure it)' : '')
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(
    `collab: 1 document × ${bigEditors} editors + ${smallDocs} documents × ${smallEditors} editors, ${rate} edits/s each for ${seconds} s, ` +
      `${loadProcesses} load generator processes; Hocuspocus stores ${hocuspocusStore} (Node ${process.version})`,
  );
  const results = new Map<CollabTarget, RunResult>();
  for (const target of only ? [only] : (['aukio', 'hocuspocus'] as const)) {
    console.log(`${target} run:`);
    const result = await run(target);
    results.set(target, result);
    console.log(describe(target, result));
  }
  const aukio = results.get('aukio');
  const hocuspocus = results.get('hocuspocus');
  const took = `the bench took ${Math.round((performance.now() - started) / 1000)} s`;
  if (!aukio || !hocuspocus) return console.log(took);
  // Aukio's p99 over Hocuspocus's: below 1 Aukio is faster (lower is better).
  const ratio = aukio.p99 / hocuspocus.p99;
  const met = aukio.p99 < 100 && aukio.serverUsPerEdit <= hocuspocus.serverUsPerEdit && aukio.lost === 0 && aukio.notStored === 0;
  console.log(
    `aim (p99 < 100 ms, server CPU per edit ≤ Hocuspocus's, nothing lost): ${met ? 'met' : 'not met'} ` +
      `(CPU ${Math.round(aukio.serverUsPerEdit)} vs ${Math.round(hocuspocus.serverUsPerEdit)} µs per edit); ${took}`,
  );
  console.log(`collab: p99 ${aukio.p99.toFixed(1)} ms (ratio ${ratio.toFixed(2)} vs Hocuspocus)`);
}

main().then(
  () => cleanup().then(() => process.exit(0)),
  (error: unknown) => {
    console.error(`collab: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void cleanup().finally(() => process.exit(1));
  },
);
