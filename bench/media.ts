// `npm run bench:media`: how many viewers of one ~1 Mbit/s VP8 stream a mediasoup worker serves
// through our MediaWorkerPool/MediaRoom, against the ~500 consumers per worker mediasoup publishes.
//
// An ffmpeg test source is encoded to VP8 once beforehand (cached); a sender child replays it as
// RTP into the producer's PlainTransport with the clip's frame timing, so no encoder competes for
// the cores. A media server child runs the pool and, per step, a broadcast room with N consumers,
// each on a PlainTransport sending to its own socket in a receiver child that counts, per
// consumer, the packets of a measured window by RTP timestamp. Loss is counted end to end, against
// what the sender sent; a step passes with under 1 % loss and a received rate of at least 95 % of
// the sent rate (an overloaded worker queues before it drops). It searches the largest passing N
// (ramp, then bisect) on one worker, then on two with the producer on worker 0 and the consumers
// spread over both through pipeToRouter. It prints a line per step, both figures, and last
// `media: N consumers/worker (ratio R vs mediasoup's published ~500)` with the one-worker N.
//
// `--quick` (or MEDIA_QUICK=1): shorter windows, coarser search. Settings (environment):
// MEDIA_STEP_SECONDS (window per step, 5; quick 3), MEDIA_START (first N, 100), MEDIA_MAX (4000),
// MEDIA_PRECISION (bisect until the gap is this share of N, 0.05; quick 0.15), MEDIA_ONLY (1|2:
// one search), MEDIA_RECEIVER_BUFFER (SO_RCVBUF asked per receiver socket, 1 MiB),
// MEDIA_RMEM_DEFAULT (bytes net.core.rmem_default is raised to for the run, 4 MiB; 0 leaves it).
//
// Workers' receive buffers: mediasoup 3.19 sizes a socket's buffers only where told to, and
// MediaRoom tells it for the WebRtcServer only, so the ingest PlainTransport and pipeToRouter's
// PipeTransports get net.core.rmem_default (~208 KiB, under a second of this stream): a worker
// that is scheduled away or busy with a keyframe burst to hundreds of consumers overflows it.
// Where this process may (root), the bench raises net.core.rmem_default for the run and puts it
// back at exit; each step prints the drops counted on the workers' and the receiver's sockets.
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ensureFfmpeg, ensureMediasoupWorker } from '../media/install/ensure-worker.mjs';
import { killAllChildren, procStats, startChild, type Child } from './support/fanout-children.ts';
import { DEFAULT_CLIP, ensureClip } from './support/media-clip.ts';
import { backlogDrops, raiseSysctl, sysctl, udpDropsOf } from './support/media-kernel.ts';
import {
  wallMs,
  type ParentToReceiver,
  type ParentToSender,
  type ParentToServer,
  type ReceiverReport,
  type ReceiverToParent,
  type SenderToParent,
  type ServerToParent,
  type WindowSent,
} from './support/media-protocol.ts';
import { setting } from './support/settings.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const support = join(root, 'bench', 'support');

const quick = process.argv.includes('--quick') || process.env.MEDIA_QUICK === '1';
const windowSeconds = setting('MEDIA_STEP_SECONDS', quick ? 3 : 5);
const startAt = Math.round(setting('MEDIA_START', 100));
const maxConsumers = Math.round(setting('MEDIA_MAX', 4000));
const precision = setting('MEDIA_PRECISION', quick ? 0.15 : 0.05);
const only = process.env.MEDIA_ONLY;
const rmemDefault = process.env.MEDIA_RMEM_DEFAULT === '0' ? 0 : Math.round(setting('MEDIA_RMEM_DEFAULT', 4 * 1024 * 1024));
if (only !== undefined && only !== '1' && only !== '2') throw new Error('MEDIA_ONLY must be 1 or 2');

const LOSS_LIMIT = 0.01;
const RATE_LIMIT = 0.95;
const PUBLISHED = 500;
/** Time for the window's last packets to come through a worker that is behind. */
const GRACE_MS = 1500;
/** The window begins this long after it is planned, so the receiver counts from its first packet. */
const LEAD_MS = 1000;
const nofile = 65_536;

const onExit: (() => void)[] = [killAllChildren];
process.on('exit', () => {
  for (const task of onExit) task();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\nmedia: ${signal}, stopping`);
    process.exit(130);
  });
}

type Sender = Child<ParentToSender, SenderToParent>;
type Receiver = Child<ParentToReceiver, ReceiverToParent>;
type Server = Child<ParentToServer, ServerToParent>;
type Of<U, T> = Extract<U, { type: T }>;
const is =
  <U extends { type: string }, T extends U['type']>(...types: T[]) =>
  (m: U): m is Of<U, T> =>
    types.includes(m.type as T);

interface StepResult {
  consumers: number;
  pass: boolean;
  /** The receiver used ≥ 90 % of a core: a failure then says little about the workers. */
  receiverBound: boolean;
  line: string;
}

/** Waits for the server's answer, turning its failure report into an error. */
async function fromServer<T extends ServerToParent['type']>(server: Server, type: T, timeoutMs: number): Promise<Of<ServerToParent, T>> {
  const answer = await server.next(is<ServerToParent, T | 'failed'>(type, 'failed'), timeoutMs, type);
  if (answer.type === 'failed') throw new Error(`${server.name}: ${(answer as Of<ServerToParent, 'failed'>).message}`);
  return answer as Of<ServerToParent, T>;
}

const pct = (share: number, digits = 1) => `${(share * 100).toFixed(digits)} %`;
const count = (n: number) => n.toLocaleString('en-US');

class Bench {
  constructor(
    readonly sender: Sender,
    readonly receiver: Receiver,
    readonly gopSeconds: number,
  ) {}

  async step(server: Server, workerPids: number[], consumers: number): Promise<StepResult> {
    const { sender, receiver } = this;
    receiver.send({ type: 'open', count: consumers });
    const { ports } = await receiver.next(is<ReceiverToParent, 'opened'>('opened'), 60_000, 'receiver sockets');
    try {
      server.send({ type: 'step', receiverPorts: ports });
      const ready = await fromServer(server, 'stepReady', 120_000 + consumers * 50);
      receiver.send({ type: 'expect', payloadType: ready.payloadType });
      sender.send({ type: 'target', port: ready.ingestPort });
      try {
        return await this.measure(workerPids, consumers, ready.setupMs, ready.consumersPerWorker);
      } finally {
        sender.send({ type: 'target', port: null });
        server.send({ type: 'endStep' });
        await fromServer(server, 'stepClosed', 60_000);
      }
    } finally {
      receiver.send({ type: 'closeAll' });
      await receiver.next(is<ReceiverToParent, 'closed'>('closed'), 30_000, 'closed sockets');
    }
  }

  async measure(workerPids: number[], consumers: number, setupMs: number, perWorker: number[]): Promise<StepResult> {
    const { sender, receiver } = this;
    // A consumer starts at the stream's next keyframe (the replayed clip cannot make one on request).
    const warmUntil = wallMs() + this.gopSeconds * 1500 + 3000;
    let flowing = 0;
    for (;;) {
      receiver.send({ type: 'status' });
      flowing = (await receiver.next(is<ReceiverToParent, 'status'>('status'), 30_000, 'receiver status')).flowing;
      if (flowing === consumers || wallMs() > warmUntil) break;
      await sleep(100);
    }

    const pids = { workers: workerPids, receiver: receiver.pid ?? 0, sender: sender.pid ?? 0 };
    const before = await this.snapshot(pids);
    sender.send({ type: 'plan', afterMs: LEAD_MS, seconds: windowSeconds });
    const { window } = await sender.next(is<SenderToParent, 'planned'>('planned'), 10_000, 'window plan');
    receiver.send({ type: 'window', tsStart: window.tsStart, tsEnd: window.tsEnd, packets: window.packets });
    const armed = await receiver.next(is<ReceiverToParent, 'armed'>('armed'), 10_000, 'receiver armed');
    const sent = (await sender.next(is<SenderToParent, 'windowSent' | 'failed'>('windowSent', 'failed'), windowSeconds * 1000 + 30_000, 'window sent')) as
      | Of<SenderToParent, 'windowSent'>
      | Of<SenderToParent, 'failed'>;
    if (sent.type === 'failed') throw new Error(`sender: ${sent.message}`);
    const during = await this.snapshot(pids);
    await sleep(GRACE_MS);
    receiver.send({ type: 'report' });
    const { report } = await receiver.next(is<ReceiverToParent, 'report'>('report'), 30_000, 'receiver report');
    const after = await this.snapshot(pids);
    return judge({
      consumers,
      perWorker,
      setupMs,
      flowing,
      armedLate: armed.at > window.startsAt,
      sent: sent.sent,
      report,
      cpuMs: during.at - before.at,
      cpu: {
        workers: during.cpu.workers.map((ms, i) => ms - (before.cpu.workers[i] ?? 0)),
        receiver: during.cpu.receiver - before.cpu.receiver,
        sender: during.cpu.sender - before.cpu.sender,
      },
      drops: {
        workers: after.drops.workers - before.drops.workers,
        receiver: after.drops.receiver - before.drops.receiver,
        backlog: after.drops.backlog - before.drops.backlog,
      },
    });
  }

  async snapshot(pids: { workers: number[]; receiver: number; sender: number }) {
    const cpuMs = async (pid: number) => {
      const stats = await procStats(pid);
      return stats ? (stats.cpuUser + stats.cpuSystem) / 1000 : 0;
    };
    return {
      at: wallMs(),
      cpu: {
        workers: await Promise.all(pids.workers.map(cpuMs)),
        receiver: await cpuMs(pids.receiver),
        sender: await cpuMs(pids.sender),
      },
      drops: { workers: await udpDropsOf(pids.workers), receiver: await udpDropsOf([pids.receiver]), backlog: await backlogDrops() },
    };
  }
}

interface Measured {
  consumers: number;
  perWorker: number[];
  setupMs: number;
  flowing: number;
  armedLate: boolean;
  sent: WindowSent;
  report: ReceiverReport;
  cpuMs: number;
  /** CPU ms over the window, per worker. */
  cpu: { workers: number[]; receiver: number; sender: number };
  drops: { workers: number; receiver: number; backlog: number };
}

function judge(m: Measured): StepResult {
  const { sent, report } = m;
  const expected = m.consumers * sent.packets;
  const loss = expected > 0 ? Math.max(0, expected - report.received) / expected : 1;
  // Both rates run from the sending of the window's first packet: to the sending of its last, and
  // to the arrival of the last at any consumer. A worker that falls behind (a growing queue) or
  // was behind already (a standing backlog) takes longer to deliver than the sender took to send.
  const sentSpan = sent.lastSentAt - sent.firstSentAt;
  const deliverySpan = report.lastAt - sent.firstSentAt;
  const rate = report.received > 0 && deliverySpan > 0 ? report.received / deliverySpan / (expected / sentSpan) : 0;
  const reasons: string[] = [];
  if (m.flowing < m.consumers) reasons.push(`${m.consumers - m.flowing} consumers received nothing before the window`);
  if (m.armedLate) reasons.push('the receiver began counting after the window had started (it is overloaded)');
  if (loss >= LOSS_LIMIT) reasons.push(`loss ${pct(loss, 2)} ≥ ${pct(LOSS_LIMIT, 0)}`);
  if (rate < RATE_LIMIT) reasons.push(`received rate ${pct(rate)} < ${pct(RATE_LIMIT, 0)} of sent`);
  if (report.received > expected) reasons.push(`${report.received - expected} more packets than sent (duplicates?)`);
  const pass = reasons.length === 0;
  const share = (ms: number) => pct(ms / m.cpuMs, 0);
  const workersMs = m.cpu.workers.reduce((sum, ms) => sum + ms, 0);
  const perPacket = (ms: number) => (report.received > 0 ? `${((ms * 1000) / report.received).toFixed(1)} µs` : '–');
  // The receiver is a Node process: where it needs a whole core, the step measured it, not the workers.
  const receiverBound = m.cpu.receiver / m.cpuMs >= 0.9;
  const line =
    `N=${m.consumers}${m.perWorker.length > 1 ? ` (${m.perWorker.join('+')})` : ''} ${pass ? 'pass' : 'FAIL'}: ` +
    `loss ${pct(loss, 3)} (${count(expected - Math.min(expected, report.received))} of ${count(expected)} packets; seq gaps ${count(report.seqGaps)}; ` +
    `${report.lossyConsumers} consumers lossy, worst ${pct(report.worstLoss, 2)}), ` +
    `received ${pct(rate)} of the sent rate, ` +
    (report.received > 0 ? `last packet ${Math.round(report.lastAt - sent.lastSentAt)} ms after sent; ` : 'none arrived; ') +
    `CPU (of one core) worker${m.cpu.workers.length > 1 ? 's' : ''} ${m.cpu.workers.map(share).join(' + ')}, receiver ${share(m.cpu.receiver)}, sender ${share(m.cpu.sender)} ` +
    `(per packet delivered: workers ${perPacket(workersMs)}, receiver ${perPacket(m.cpu.receiver)})` +
    `${receiverBound ? ' — the receiver was CPU-bound' : ''}; ` +
    `kernel drops: workers' sockets ${m.drops.workers}, receiver's ${m.drops.receiver}, backlog ${m.drops.backlog}; ` +
    `setup ${(m.setupMs / 1000).toFixed(1)} s` +
    (sent.maxLagMs > 20 ? `; sender up to ${Math.round(sent.maxLagMs)} ms late` : '') +
    (sent.sendErrors > 0 ? `; ${sent.sendErrors} sender errors so far` : '') +
    (pass ? '' : ` — ${reasons.join('; ')}`);
  return { consumers: m.consumers, pass, receiverBound, line };
}

interface SearchResult {
  best: number;
  firstFailing: number | null;
  failingWasReceiverBound: boolean;
  steps: number;
}

/** Ramps N by `factor` until a step fails, then bisects between the last pass and the first failure. */
async function search(label: string, run: (n: number) => Promise<StepResult>, start: number, factor: number): Promise<SearchResult> {
  let best = 0;
  let failing: number | null = null;
  let failingWasReceiverBound = false;
  let steps = 0;
  const attempt = async (n: number) => {
    steps++;
    const result = await run(n);
    console.log(`  ${label} ${result.line}`);
    if (result.pass) best = Math.max(best, n);
    else if (failing === null || n < failing) {
      failing = n;
      failingWasReceiverBound = result.receiverBound;
    }
    return result.pass;
  };
  for (let n = Math.min(start, maxConsumers); ; n = Math.min(maxConsumers, Math.round((n * factor) / 10) * 10)) {
    if (!(await attempt(n)) || n >= maxConsumers) break;
  }
  for (;;) {
    const high: number | null = failing;
    if (high === null) break;
    const gap = high - best;
    if (gap <= Math.max(10, precision * best)) break;
    const stepSize = gap > 100 ? 10 : gap > 20 ? 5 : 1;
    const mid = best + Math.max(stepSize, Math.round(gap / 2 / stepSize) * stepSize);
    if (mid >= high) break;
    await attempt(mid);
  }
  return { best, firstFailing: failing, failingWasReceiverBound, steps };
}

async function runWorkers(bench: Bench, workers: number, start: number, factor: number): Promise<SearchResult> {
  const label = workers === 1 ? '1 worker: ' : `${workers} workers:`;
  const server: Server = startChild(`media server (${workers} worker${workers > 1 ? 's' : ''})`, join(support, 'media-server.ts'), {
    cwd: root,
    env: { MEDIA_WORKERS: String(workers) },
    nofile,
  });
  try {
    const ready = await fromServer(server, 'ready', 60_000);
    return await search(label, (n) => bench.step(server, ready.workerPids, n), start, factor);
  } finally {
    await server.stop({ type: 'stop' }, 10_000);
  }
}

function describe(workers: number, r: SearchResult): string {
  const limit =
    r.firstFailing === null
      ? `no step failed up to MEDIA_MAX=${maxConsumers}`
      : `first failing step ${r.firstFailing}${r.failingWasReceiverBound ? ', where the receiver was CPU-bound: a lower bound for the workers' : ''}`;
  const perWorker = workers > 1 ? ` (${Math.round(r.best / workers)} per worker)` : '';
  return `${workers === 1 ? 'one worker' : `${workers} workers with pipeToRouter`}: ${r.best} consumers${perWorker} with < ${pct(LOSS_LIMIT, 0)} loss (${limit}; ${r.steps} steps)`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const log = (line: string) => console.log(line);
  await ensureMediasoupWorker({ log });
  await ensureFfmpeg({ log });
  const clipPath = await ensureClip(DEFAULT_CLIP, log);
  let buffers = `net.core.rmem_default ${await sysctl('net.core.rmem_default')} (MEDIA_RMEM_DEFAULT=0)`;
  if (rmemDefault > 0) {
    const raised = raiseSysctl('net.core.rmem_default', rmemDefault);
    if ('error' in raised) buffers = `net.core.rmem_default left at ${await sysctl('net.core.rmem_default')} (cannot raise it: ${raised.error})`;
    else {
      onExit.push(raised.restore);
      buffers = `net.core.rmem_default ${raised.from} → ${await sysctl('net.core.rmem_default')} for this run`;
    }
  }

  const sender: Sender = startChild('media sender', join(support, 'media-sender.ts'), { cwd: root, env: { MEDIA_CLIP: clipPath }, nofile: 1024 });
  const receiver: Receiver = startChild('media receiver', join(support, 'media-receiver.ts'), { cwd: root, env: {}, nofile });
  const { clip } = await sender.next(is<SenderToParent, 'ready'>('ready'), 60_000, 'sender ready');
  const { recvBufferBytes } = await receiver.next(is<ReceiverToParent, 'ready'>('ready'), 60_000, 'receiver ready');
  console.log(
    `media: ${clip.width}x${clip.height} VP8, ${clip.seconds.toFixed(1)} s loop of ${clip.frames} frames (${clip.keyframes} keyframes), ` +
      `${Math.round(clip.bitsPerSecond / 1000)} kbit/s, ${Math.round(clip.packets / clip.seconds)} packets/s; ` +
      `${windowSeconds} s window per step${quick ? ' (quick)' : ''}; ${availableParallelism()} cores; Node ${process.version}; ` +
      `${buffers}, rmem_max ${await sysctl('net.core.rmem_max')}, netdev_max_backlog ${await sysctl('net.core.netdev_max_backlog')}; ` +
      `receiver sockets get SO_RCVBUF ${recvBufferBytes}`,
  );

  const bench = new Bench(sender, receiver, DEFAULT_CLIP.gop / DEFAULT_CLIP.fps);
  try {
    let one: SearchResult | null = null;
    let two: SearchResult | null = null;
    if (only !== '2') one = await runWorkers(bench, 1, startAt, 2);
    // Two workers should carry at least what one did: start there.
    if (only !== '1') two = await runWorkers(bench, 2, Math.max(startAt, one?.best ?? 0), 1.5);
    if (one) console.log(describe(1, one));
    if (two) console.log(describe(2, two));
    console.log(`the bench took ${Math.round((performance.now() - started) / 1000)} s`);
    if (one) console.log(`media: ${one.best} consumers/worker (ratio ${(one.best / PUBLISHED).toFixed(2)} vs mediasoup's published ~${PUBLISHED})`);
  } finally {
    sender.send({ type: 'stop' });
    receiver.send({ type: 'stop' });
    await Promise.all([sender.stop(null, 5_000), receiver.stop(null, 5_000)]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`media: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
