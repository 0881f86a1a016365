// The load generator for bench/fanout.ts, in a process of its own so that neither server shares
// its event loop. Reads its LoadConfig from FANOUT_LOAD; over its IPC channel it reports progress,
// {type:'connected'} once every audience socket is open, waits for {type:'go'}, posts for the
// configured time, waits for the deliveries to drain and sends {type:'result'}.
//
// Posters and audience live here together, so a delivery's latency is one clock's difference:
// performance.now() at receipt minus performance.now() just before the post was written.
import WebSocket from 'ws';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signUpThroughMail } from '../../server/auth/test-sign-up.ts';
import { emlMailbox } from '../../server/mail/test-mailbox.ts';
import { openLeanSocket, type LeanSocket } from './fanout-lean-socket.ts';
import { MARK, type LoadConfig, type LoadResult, type LoadToParent, type ParentToLoad } from './fanout-protocol.ts';

const send = (message: LoadToParent) => process.send?.(message);
if (!process.send) throw new Error('Start this with an IPC channel (bench/fanout.ts does)');
const config = JSON.parse(process.env.FANOUT_LOAD ?? 'null') as LoadConfig | null;
if (!config) throw new Error('FANOUT_LOAD is not set');
process.on('disconnect', () => exit(1));

const MODERATOR_EMAIL = 'moderaattori@pihlajalahti.example';
const wsUrl = `${config.baseUrl.replace(/^http/, 'ws')}${config.path}`;
const posterSockets: WebSocket[] = [];
const audienceSockets: LeanSocket[] = [];
let closedEarly = 0;

// ---- Latency: a histogram in 0.1 ms buckets up to 60 s; the last bucket holds anything slower ----
const BUCKET_MS = 0.1;
const histogram = new Uint32Array(600_000 + 1);
let maxMs = 0;
function record(ms: number, count = 1): void {
  histogram[Math.min(histogram.length - 1, Math.floor(ms / BUCKET_MS))]! += count;
  if (ms > maxMs) maxMs = ms;
}
function percentile(p: number, count: number): number {
  const rank = Math.ceil((p / 100) * count);
  let seen = 0;
  for (let i = 0; i < histogram.length; i += 1) {
    seen += histogram[i]!;
    if (seen >= rank) return (i + 1) * BUCKET_MS;
  }
  return maxMs;
}

// ---- The events: numbered from 0; sentAt[n] is when event n was written to its poster's socket ----
const totalEvents = Math.round(config.eventsPerSecond * config.seconds);
const sentAt = new Float64Array(totalEvents);
const deliveredOf = new Uint32Array(totalEvents);
let delivered = 0;
let firstSend = 0;
let lastDelivery = 0;
const markBytes = Buffer.from(MARK);
const PIPE = '|'.charCodeAt(0);

/** An audience socket's frame: if it carries a bench post, counts the delivery and its latency. */
function onAudienceFrame(data: Buffer): void {
  const at = data.indexOf(markBytes);
  if (at < 0) return;
  let n = 0;
  for (let i = at + markBytes.length; i < data.length; i += 1) {
    const c = data[i]!;
    if (c === PIPE) break;
    n = n * 10 + (c - 48);
  }
  const sent = sentAt[n];
  if (sent === undefined || sent === 0) return;
  const now = performance.now();
  record(now - sent);
  deliveredOf[n]! += 1;
  delivered += 1;
  lastDelivery = now;
}

// ---- Sockets ----

/** A poster's socket (a `ws` client: it sends, and reads its acks). */
function openPoster(headers: Record<string, string>): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl, { headers, perMessageDeflate: false });
  posterSockets.push(socket);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`poster socket: ${why}`));
    socket.once('error', (error) => fail(error.message));
    socket.once('close', (code, reason) => fail(`closed ${code} ${reason.toString()} before it was ready`));
    const ready = () => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      socket.on('error', () => {});
      resolve(socket);
    };
    // Aukio's first frame is the welcome: the socket has joined the room. Bare ws: open is ready.
    if (config!.target === 'aukio') socket.once('message', ready);
    else socket.once('open', ready);
  });
}

/** An audience socket: ready once open (bare) or welcomed into the room (Aukio). */
async function openWatcher(): Promise<void> {
  let welcomed = false;
  let ready = false;
  let onWelcome: () => void = () => {};
  let onEarlyClose: (code: number | null) => void = () => {};
  const welcome = new Promise<void>((resolve, reject) => {
    onWelcome = resolve;
    onEarlyClose = (code) => reject(new Error(`audience socket closed (${code ?? 'no code'}) before it was welcomed`));
  });
  const socket = await openLeanSocket({
    port: Number(new URL(config!.baseUrl).port),
    host: new URL(config!.baseUrl).hostname,
    path: config!.path,
    onFrame: (payload) => {
      if (welcomed) return onAudienceFrame(payload);
      welcomed = true;
      onWelcome();
    },
    onClose: (code) => {
      if (ready) closedEarly += 1;
      else onEarlyClose(code);
    },
  });
  audienceSockets.push(socket);
  if (config!.target === 'aukio') await welcome;
  else welcomed = true;
  ready = true;
}

async function post(path: string, body: unknown): Promise<string> {
  const response = await fetch(`${config!.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('aukio_session='));
  if (!response.ok || !cookie) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return cookie.split(';')[0]!;
}

interface Poster {
  socket: WebSocket;
  userId: string;
  name: string;
}

/** The posting participants: signed-up residents, and (for questions) the demo town's moderator. */
async function openPosters(): Promise<{ residents: Poster[]; moderator: Poster | null }> {
  const run = Date.now().toString(36);
  const residents: Poster[] = [];
  for (let i = 0; i < config!.posters; i += 1) {
    const name = `Penkki Postaaja ${i + 1}`;
    const headers: Record<string, string> = {};
    if (config!.target === 'aukio') {
      // One at a time: sign-up is rate-limited per address (the bench's server allows enough).
      const server = { url: config!.baseUrl, mailbox: emlMailbox(config!.mailDir!) };
      headers.cookie = (await signUpThroughMail(server, { email: `fanout-${run}-${i}@bench.example`, password: 'fanout-bench-password', displayName: name })).cookie;
    }
    residents.push({ socket: await openPoster(headers), userId: `bench-user-${i}`, name });
  }
  let moderator: Poster | null = null;
  if (config!.questionEvery > 0) {
    const headers: Record<string, string> = {};
    if (config!.target === 'aukio') headers.cookie = await post('/api/auth/signin', { email: MODERATOR_EMAIL, password: DEMO_PASSWORD });
    moderator = { socket: await openPoster(headers), userId: 'bench-moderator', name: 'Mira Valvoja' };
  }
  return { residents, moderator };
}

async function openAudience(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < config!.sockets; i += config!.connectBatch) {
    const batch = Math.min(config!.connectBatch, config!.sockets - i);
    await Promise.all(Array.from({ length: batch }, () => openWatcher()));
    if ((i + batch) % 1000 < config!.connectBatch || i + batch === config!.sockets) {
      send({ type: 'progress', message: `${i + batch}/${config!.sockets} audience sockets open` });
    }
  }
  return (performance.now() - started) / 1000;
}

// ---- Posting ----

const lines = [
  'Miten talousarvio näkyy koulujen ryhmäkoissa ensi syksynä?',
  'Kiitos selkeästä esityksestä, kysyisin vielä uimahallista.',
  'Onko kirjastojen aukioloaikoihin tulossa muutoksia?',
  'Paljonko katujen kunnossapitoon varataan rahaa talvelle?',
  'Mitä investointeja siirretään seuraavalle vuodelle ja miksi?',
];

const refused = new Map<string, number>();
let unanswered = 0;

function watchAnswers(poster: Poster): void {
  poster.socket.on('message', (data: Buffer) => {
    const text = data.toString();
    if (!text.startsWith('{"type":"ack"') && !text.startsWith('{"type":"error"')) return;
    const message = JSON.parse(text) as { type: 'ack' | 'error'; requestId: string | null; code?: string };
    if (!message.requestId?.startsWith('e')) return;
    unanswered -= 1;
    if (message.type === 'error') {
      const n = Number(message.requestId.slice(1));
      if (n < sentAt.length) sentAt[n] = 0;
      refused.set(message.code ?? 'error', (refused.get(message.code ?? 'error') ?? 0) + 1);
    }
  });
}

function frameFor(n: number, poster: Poster, question: boolean): string {
  const text = `${MARK}${n}| ${lines[n % lines.length]}`;
  if (config!.target === 'aukio') {
    return JSON.stringify(question ? { type: 'question.ask', text, anonymous: false, requestId: `e${n}` } : { type: 'chat.send', text, requestId: `e${n}` });
  }
  // The bare server relays frames as they are: posters send what Aukio would deliver for the same
  // post, so both servers write the same number of bytes to each audience socket.
  const id = `b${n.toString().padStart(11, '0')}`;
  const event = question
    ? { type: 'question.asked', questionId: id, userId: poster.userId, name: poster.name, anonymous: false, text, pending: false }
    : { type: 'chat.posted', messageId: id, userId: poster.userId, name: poster.name, text, held: false };
  return JSON.stringify({ type: 'event', seq: n + 1, at: new Date().toISOString(), event });
}

/** Posts `totalEvents` at the configured rate; resolves with how late the loop ran at worst. */
function postAll(residents: Poster[], moderator: Poster | null): Promise<number> {
  return new Promise((resolve) => {
    let next = 0;
    let chats = 0;
    let maxLag = 0;
    firstSend = performance.now();
    const intervalMs = 1000 / config!.eventsPerSecond;
    const tick = () => {
      const now = performance.now();
      while (next < totalEvents && firstSend + next * intervalMs <= now) {
        maxLag = Math.max(maxLag, now - (firstSend + next * intervalMs));
        const question = moderator !== null && next % config!.questionEvery === config!.questionEvery - 1;
        const poster = question ? moderator! : residents[chats++ % residents.length]!;
        const frame = frameFor(next, poster, question);
        sentAt[next] = performance.now();
        if (config!.target === 'aukio') unanswered += 1;
        poster.socket.send(frame);
        next += 1;
      }
      if (next >= totalEvents) {
        clearInterval(timer);
        resolve(maxLag);
      }
    };
    const timer = setInterval(tick, 2);
  });
}

/** Waits until every expected delivery arrived, nothing arrived for 3 s, or 15 s passed. */
async function drain(expected: () => number): Promise<void> {
  const until = performance.now() + 15_000;
  while (performance.now() < until) {
    if (unanswered <= 0 && delivered >= expected()) return;
    if (performance.now() - Math.max(lastDelivery, sentAt[totalEvents - 1] ?? 0) > 3_000) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<LoadResult> {
  const { residents, moderator } = await openPosters();
  if (config!.target === 'aukio') for (const p of [...residents, ...(moderator ? [moderator] : [])]) watchAnswers(p);
  send({ type: 'progress', message: `${residents.length + (moderator ? 1 : 0)} posters connected` });
  const connectSeconds = await openAudience();
  const audience = audienceSockets;
  send({ type: 'connected', sockets: audience.length, seconds: connectSeconds });
  await new Promise<void>((resolve) => {
    const onMessage = (message: ParentToLoad) => {
      if (message.type !== 'go') return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
  });

  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const maxSendLagMs = await postAll(residents, moderator);
  const sentCount = () => sentAt.reduce((n, t) => n + (t > 0 ? 1 : 0), 0);
  await drain(() => sentCount() * audience.length);
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;

  const eventsSent = sentCount();
  const lost = eventsSent * audience.length - delivered;
  // A delivery still missing at the end counts as late as the run is long for its event: the
  // percentiles are then lower bounds, and do not leave the worst out.
  const end = performance.now();
  const maxDelivered = maxMs;
  for (let n = 0; n < totalEvents; n += 1) {
    const missing = sentAt[n]! > 0 ? audience.length - deliveredOf[n]! : 0;
    if (missing > 0) record(end - sentAt[n]!, missing);
  }
  const seconds = ((lastDelivery || performance.now()) - firstSend) / 1000;
  const result: LoadResult = {
    target: config!.target,
    sockets: audience.length,
    eventsSent,
    postErrors: Object.fromEntries(refused),
    delivered,
    expected: eventsSent * audience.length,
    seconds,
    deliveredPerSecond: delivered / seconds,
    p50Ms: percentile(50, delivered + lost),
    p90Ms: percentile(90, delivered + lost),
    p99Ms: percentile(99, delivered + lost),
    maxMs: maxDelivered,
    connectSeconds,
    closedEarly,
    loadCpu: (cpu.user + cpu.system) / 1000 / wall,
    maxSendLagMs,
  };
  return result;
}

function exit(code: number): void {
  for (const socket of posterSockets) socket.terminate();
  for (const socket of audienceSockets) socket.destroy();
  process.exit(code);
}

// After the result the sockets stay open until the parent has read the server's memory.
main().then(
  (result) => {
    process.on('message', (message: ParentToLoad) => message.type === 'finish' && exit(0));
    send({ type: 'result', result });
  },
  (error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    setTimeout(() => exit(1), 500);
  },
);
