// `npm run bench:api`: requests/s and p99 latency of two read routes of Aukio against a real
// PostgreSQL server (a thread of 10,000 posts, 1,000 meetings), next to a bare Fastify route
// running the same SQL in the same run. The last line is the summary:
//   api: N req/s p99 X ms (ratio R vs bare route)
// Settings: BENCH_DATABASE_URL (a server where a scratch database may be created and dropped;
// default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS (per measured run, default 10).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { DEMO_PASSWORD } from '../db/demo-town.ts';
import { buildApp } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import { createBenchDatabase, type BenchDatabase } from './support/database.ts';
import { load, stopLoad, type LoadResult } from './support/load.ts';
import { BENCH_SPACE, RESIDENT_EMAIL, seedBenchData, seqOfPost } from './support/seed.ts';
import { setting } from './support/settings.ts';

const serverUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const seconds = setting('BENCH_SECONDS', 10);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 20;
const POSTS = 10_000;
const MEETINGS = 1_000;
const PAGE = 50;

const root = fileURLToPath(new URL('..', import.meta.url));
const serversScript = fileURLToPath(new URL('./support/api-servers.ts', import.meta.url));

let database: BenchDatabase | undefined;
let interrupted = false;
let servers: ChildProcess | undefined;

const log = (line: string) => console.log(line);
const rate = (r: number) => `${Math.round(r)} req/s`;
const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;

/** Stops the load, the server process and drops the database; each step at most once. */
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    stopLoad();
    if (servers && servers.exitCode === null && servers.signalCode === null) {
      const exited = once(servers, 'exit');
      servers.kill('SIGTERM');
      const timer = setTimeout(() => servers?.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (database) await database.drop();
  })();
  return cleaning;
}

// A listener that stays: tsx relays a signal to this process again when it does not see it
// handled at once, and with no listener left that second signal would exit before the drop.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (cleaning) return;
    interrupted = true;
    console.error(`\n${signal}: stopping, dropping ${database?.name ?? 'nothing'}`);
    void cleanup()
      .catch((error: unknown) => console.error('cleanup failed:', error))
      .finally(() => process.exit(130));
  });
}

async function startServers(databaseUrl: string): Promise<{ aukio: number; bare: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', serversScript], {
    cwd: root,
    env: { ...process.env, BENCH_SERVER_DATABASE_URL: databaseUrl },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  servers = child;
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('The API servers did not report their ports within 60 s')), 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The API servers exited before they were ready (${signal ?? `code ${code}`})`));
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const newline = output.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        const ports = JSON.parse(output.slice(0, newline)) as { aukio: number; bare: number };
        if (!Number.isInteger(ports.aukio) || !Number.isInteger(ports.bare)) throw new Error(`bad ports line: ${output}`);
        resolve(ports);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

async function signIn(base: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: RESIDENT_EMAIL, password: DEMO_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`Sign-in as ${RESIDENT_EMAIL}: HTTP ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('aukio_session='));
  if (!cookie) throw new Error('Sign-in set no aukio_session cookie');
  return cookie.split(';')[0]!;
}

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

interface Target {
  name: string;
  path: string;
  /** The list in the reply, which must hold a full page. */
  items: string;
}

async function main() {
  const started = Date.now();
  database = await createBenchDatabase(serverUrl);
  log(`bench: database ${database.name}, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${seconds} s per run`);

  // Migrate and seed the demo town through the real code, then add the bulk in SQL.
  const app = await buildApp(testConfig({ database: { url: database.url }, demo: true }));
  let seeded, afterSeq;
  try {
    seeded = await seedBenchData(app.db.sql, { postCount: POSTS, meetingCount: MEETINGS });
    afterSeq = await seqOfPost(app.db.sql, seeded.threadId, POSTS / 2);
  } finally {
    await app.close();
  }
  log(
    `seed: ${seeded.posts} posts, ${seeded.reactions} reactions, ${seeded.meetings} meetings (${seeded.upcomingMeetings} upcoming) ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const ports = await startServers(database.url);
  const base = { aukio: `http://127.0.0.1:${ports.aukio}`, bare: `http://127.0.0.1:${ports.bare}` };
  const headers = { cookie: await signIn(base.aukio) };

  const targets: Target[] = [
    { name: 'meetings', path: `/api/spaces/${BENCH_SPACE}/meetings?when=upcoming&limit=${PAGE}`, items: 'meetings' },
    { name: 'thread', path: `/api/threads/${seeded.threadId}/posts?after=${afterSeq}&limit=${PAGE}`, items: 'posts' },
  ];

  // Both servers must give the same answer before their speed means anything.
  for (const target of targets) {
    const [aukio, bare] = await Promise.all([getJson(base.aukio + target.path, headers), getJson(base.bare + target.path, headers)]);
    const list = (aukio as Record<string, unknown[]>)[target.items];
    if (!Array.isArray(list) || list.length !== PAGE) throw new Error(`${target.name}: Aukio returned ${list?.length ?? 'no'} ${target.items}, expected ${PAGE}`);
    if (!isDeepStrictEqual(aukio, bare)) throw new Error(`${target.name}: Aukio and the bare route answer differently`);
  }

  const results: Record<string, { aukio: LoadResult; bare: LoadResult }> = {};
  for (const target of targets) {
    const measured = {} as { aukio: LoadResult; bare: LoadResult };
    for (const server of ['aukio', 'bare'] as const) {
      const opts = { url: base[server] + target.path, headers, connections: CONNECTIONS };
      await load(`${target.name} ${server} warm-up`, { ...opts, seconds: WARMUP_SECONDS });
      measured[server] = await load(`${target.name} ${server}`, { ...opts, seconds });
    }
    results[target.name] = measured;
    const { aukio, bare } = measured;
    log(`${target.name}: aukio ${rate(aukio.reqPerSec)} p99 ${ms(aukio.p99Ms)} | bare ${rate(bare.reqPerSec)} p99 ${ms(bare.p99Ms)}`);
  }

  const all = Object.values(results);
  const total = (server: 'aukio' | 'bare') => {
    const requests = all.reduce((n, r) => n + r[server].requests, 0);
    const time = all.reduce((n, r) => n + r[server].seconds, 0);
    return requests / time;
  };
  const aukioRate = total('aukio');
  const ratio = aukioRate / total('bare');
  const p99 = Math.max(...all.map((r) => r.aukio.p99Ms));

  await cleanup();
  log(`bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s, ${database.name} dropped`);
  log(`api: ${rate(aukioRate)} p99 ${ms(p99)} (ratio ${ratio.toFixed(2)} vs bare route)`);
}

try {
  await main();
} catch (error) {
  // After a signal, what failed is only the run being torn down; the signal handler exits.
  if (!interrupted) console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  await cleanup().catch((e: unknown) => console.error('cleanup failed:', e));
  process.exit(interrupted ? 130 : 1);
}
