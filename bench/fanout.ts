// `npm run bench:fanout`: how fast one broadcast room fans chat and Q&A out to a large audience,
// against a bare `ws` server that only relays (the baseline), under the same load.
//
// Each run starts a server child (the real Aukio app on an embedded database with the demo town,
// or the bare relay) and a load-generator child (5,000 anonymous audience sockets on the town
// hall's broadcast, 10 signed-up residents posting chat and the demo moderator asking questions,
// 20 events a second for 60 s), so that no two of them share an event loop. It prints one line per
// run and, last, `fanout: N events/s p99 X ms (ratio R vs bare ws)`.
//
// Settings (environment): FANOUT_SECONDS (60), FANOUT_SOCKETS (5000), FANOUT_RATE (events/s, 20),
// FANOUT_POSTERS (10), FANOUT_ONLY (aukio|bare: one run, no ratio), FANOUT_CPU_PROF (a directory:
// the Aukio child writes a --cpu-prof profile there).
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllChildren, procStats, startChild, type Child } from './support/fanout-children.ts';
import type {
  LoadConfig,
  LoadResult,
  LoadToParent,
  ParentToLoad,
  ParentToServer,
  ServerReady,
  ServerStats,
  Target,
} from './support/fanout-protocol.ts';
import { setting } from './support/settings.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const support = join(root, 'bench', 'support');

const seconds = setting('FANOUT_SECONDS', 60);
const sockets = Math.round(setting('FANOUT_SOCKETS', 5000));
const eventsPerSecond = setting('FANOUT_RATE', 20);
const posters = Math.round(setting('FANOUT_POSTERS', 10));
const only = process.env.FANOUT_ONLY as Target | undefined;
if (only !== undefined && only !== 'aukio' && only !== 'bare') throw new Error('FANOUT_ONLY must be aukio or bare');
const cpuProfDir = process.env.FANOUT_CPU_PROF ? resolve(process.env.FANOUT_CPU_PROF) : undefined;
// Each socket is a file on both ends; leave room for everything else the processes open.
const nofile = Math.max(65_536, sockets * 2 + 1_024);

const tempDirs = new Set<string>();
function cleanUpNow(): void {
  killAllChildren();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', cleanUpNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\nfanout: ${signal}, stopping`);
    cleanUpNow();
    process.exit(130);
  });
}

type Server = Child<ParentToServer, ServerReady | ServerStats>;
type Load = Child<ParentToLoad, LoadToParent>;

interface RunResult {
  load: LoadResult;
  rssIdle: number;
  rssStart: number;
  rssEnd: number;
  /** The server's CPU over the posting window and drain, as a share of one core. */
  serverCpu: number;
  /** The same in µs of server CPU per delivery: user, system. */
  serverUserPerDelivery: number;
  serverSystemPerDelivery: number;
}

/**
 * The server's memory and CPU. Read from /proc where there is one: a server with a backlog can
 * keep its event loop busy for seconds (a poster's queued frames are relayed in one go), and the
 * figures must not wait for it. Elsewhere the server answers over IPC.
 */
async function stats(server: Server): Promise<ServerStats> {
  const fromProc = await procStats(server.pid);
  if (fromProc) return fromProc;
  server.send({ type: 'stats' });
  return server.next((m): m is ServerStats => m.type === 'stats', 60_000, 'stats');
}

async function run(target: Target): Promise<RunResult> {
  const label = target === 'aukio' ? 'aukio' : 'bare ws';
  const env: Record<string, string> = {};
  let dataDir: string | undefined;
  if (target === 'aukio') {
    dataDir = await mkdtemp(join(tmpdir(), 'aukio-fanout-'));
    tempDirs.add(dataDir);
    env.FANOUT_DATA_DIR = join(dataDir, 'db');
    env.FANOUT_MAIL_DIR = join(dataDir, 'mail');
  }
  const execArgv = target === 'aukio' && cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const server: Server = startChild(`${label} server`, join(support, target === 'aukio' ? 'fanout-aukio.ts' : 'fanout-bare.ts'), {
    cwd: root,
    env,
    nofile,
    execArgv,
  });
  let load: Load | undefined;
  try {
    const ready = await server.next((m): m is ServerReady => m.type === 'ready', 180_000, 'ready message');
    const idle = await stats(server);
    const config: LoadConfig = {
      target,
      baseUrl: `http://127.0.0.1:${ready.port}`,
      path: ready.path,
      sockets,
      posters,
      eventsPerSecond,
      seconds,
      questionEvery: 10,
      connectBatch: 100,
      mailDir: env.FANOUT_MAIL_DIR,
    };
    load = startChild(`${label} load generator`, join(support, 'fanout-load.ts'), { cwd: root, env: { FANOUT_LOAD: JSON.stringify(config) }, nofile });
    load.onMessage((m) => {
      if (m.type === 'progress') console.log(`  ${label}: ${m.message}`);
      if (m.type === 'failed') console.error(`  ${label}: load generator failed: ${m.message}`);
    });
    const connected = await load.next((m): m is Extract<LoadToParent, { type: 'connected' }> => m.type === 'connected', 60_000 + sockets * 40, 'connected audience');
    console.log(`  ${label}: ${connected.sockets} audience sockets open in ${connected.seconds.toFixed(1)} s; posting ${eventsPerSecond}/s for ${seconds} s`);
    const start = await stats(server);
    load.send({ type: 'go' });
    const startedAt = performance.now();
    const done = await load.next((m): m is Extract<LoadToParent, { type: 'result' | 'failed' }> => m.type === 'result' || m.type === 'failed', (seconds + 90) * 1000, 'result');
    if (done.type === 'failed') throw new Error(`${label} load generator: ${done.message}`);
    const end = await stats(server);
    const wallMs = performance.now() - startedAt;
    const serverCpuUs = end.cpuUser + end.cpuSystem - start.cpuUser - start.cpuSystem;
    return {
      load: done.result,
      rssIdle: idle.rss,
      rssStart: start.rss,
      rssEnd: end.rss,
      serverCpu: serverCpuUs / 1000 / wallMs,
      serverUserPerDelivery: (end.cpuUser - start.cpuUser) / Math.max(1, done.result.delivered),
      serverSystemPerDelivery: (end.cpuSystem - start.cpuSystem) / Math.max(1, done.result.delivered),
    };
  } finally {
    if (load) {
      load.send({ type: 'finish' });
      await load.stop(null, 5_000).catch(() => {});
    }
    // With FANOUT_CPU_PROF the Aukio child must exit by itself for its profile to be written.
    await server.stop({ type: 'stop' }, 15_000);
    if (dataDir) {
      await rm(dataDir, { recursive: true, force: true });
      tempDirs.delete(dataDir);
    }
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const pct = (share: number) => `${Math.round(share * 100)} %`;

function describe(label: string, r: RunResult): string {
  const l = r.load;
  const lost = l.expected - l.delivered;
  // With losses the percentiles count the missing as arriving at the end: lower bounds.
  const atLeast = lost > 0 ? '≥ ' : '';
  const errors = Object.entries(l.postErrors).map(([code, n]) => `${code}×${n}`).join(' ');
  return (
    `${label}: ${l.sockets} sockets, ${l.eventsSent} events${errors ? ` (refused: ${errors})` : ''}, ` +
    `${l.delivered}/${l.expected} delivered (${lost} lost) in ${l.seconds.toFixed(1)} s = ${Math.round(l.deliveredPerSecond)} events/s; ` +
    `latency p50 ${atLeast}${l.p50Ms.toFixed(1)} ms p90 ${atLeast}${l.p90Ms.toFixed(1)} ms p99 ${atLeast}${l.p99Ms.toFixed(1)} ms, slowest delivered ${l.maxMs.toFixed(1)} ms; ` +
    `server RSS ${mb(r.rssIdle)} idle, ${mb(r.rssStart)} connected, ${mb(r.rssEnd)} end, CPU ${pct(r.serverCpu)} (µs per delivery: ${r.serverUserPerDelivery.toFixed(1)} user + ${r.serverSystemPerDelivery.toFixed(1)} system); ` +
    `load generator CPU ${pct(l.loadCpu)}, send lag max ${l.maxSendLagMs.toFixed(1)} ms, connect ${l.connectSeconds.toFixed(1)} s` +
    (l.closedEarly > 0 ? `, ${l.closedEarly} sockets closed early` : '')
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(
    `fanout: ${sockets} audience sockets, ${posters} posters + moderator, ${eventsPerSecond} events/s for ${seconds} s ` +
      `(Node ${process.version}; open-file limit asked for children: ${nofile})`,
  );
  const targets: Target[] = only ? [only] : ['aukio', 'bare'];
  const results = new Map<Target, RunResult>();
  for (const target of targets) {
    console.log(`${target === 'aukio' ? 'aukio' : 'bare ws'} run:`);
    const result = await run(target);
    results.set(target, result);
    console.log(describe(target === 'aukio' ? 'aukio' : 'bare ws', result));
  }
  const aukio = results.get('aukio');
  const bare = results.get('bare');
  const took = `the bench took ${Math.round((performance.now() - started) / 1000)} s`;
  if (!aukio || !bare) return console.log(took);
  const ratio = aukio.load.deliveredPerSecond / bare.load.deliveredPerSecond;
  const met = ratio >= 0.7 && aukio.load.p99Ms <= 250;
  console.log(`aim (ratio ≥ 0.7, p99 ≤ 250 ms): ${met ? 'met' : 'not met'}; ${took}`);
  console.log(`fanout: ${Math.round(aukio.load.deliveredPerSecond)} events/s p99 ${aukio.load.p99Ms.toFixed(1)} ms (ratio ${ratio.toFixed(2)} vs bare ws)`);
}

main().then(
  () => {
    cleanUpNow();
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`fanout: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    cleanUpNow();
    process.exit(1);
  },
);
