// bench/media.ts's sender child: replays the recorded VP8 clip as RTP to the producer's
// PlainTransport with the clip's own frame timing (a frame's packets back to back, as an
// unpaced RTP muxer sends them), looping it with sequence numbers, timestamps and PictureIDs
// running on, so the producer sees one endless stream across all steps.
// Started with MEDIA_CLIP=<path of the IVF file>.
import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { clipInfo, packetize, readIvf, stamp } from './media-clip.ts';
import { STREAM, wallMs, type ParentToSender, type SenderToParent, type Window } from './media-protocol.ts';

const clipPath = process.env.MEDIA_CLIP;
if (!clipPath) throw new Error('MEDIA_CLIP is not set');
if (!process.send) throw new Error('Start this with an IPC channel (bench/media.ts does)');

const tell = (message: SenderToParent) => process.send?.(message);
const clip = await readIvf(clipPath);
const packetsPerFrame = clip.frames.map((frame) => packetize(frame, STREAM));
const frameCount = clip.frames.length;

const socket = createSocket('udp4');
await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
// The producer's PLIs and RTCP come back here; nothing to do with them (the clip has its own keyframes).
socket.on('message', () => {});
let sendErrors = 0;
const onSent = (error: Error | null) => {
  if (error) sendErrors++;
};

const random = (bits: number) => Math.floor(Math.random() * 2 ** bits);
const tsBase = random(32);
const seqBase = random(16);
const pictureIdBase = random(15);
const startedAt = wallMs() + 50;

/** Frame number g counts from the start over every loop. */
const frameOf = (g: number) => clip.frames[g % frameCount]!;
const dueAt = (g: number) => startedAt + Math.floor(g / frameCount) * clip.loopMs + frameOf(g).atMs;
const rtpTimeOf = (g: number) => (tsBase + Math.floor(g / frameCount) * clip.loopRtpTime + frameOf(g).rtpTime) >>> 0;

let port: number | null = null;
let next = 0;
let seq = seqBase;
let stopping = false;

interface Tracked {
  window: Window;
  first: number;
  end: number;
  sent: number;
  firstSentAt: number;
  maxLagMs: number;
}
let tracked: Tracked | null = null;

function plan(afterMs: number, seconds: number): Window {
  let first = next;
  while (dueAt(first) < wallMs() + afterMs) first++;
  let end = first;
  let packets = 0;
  while (dueAt(end) < dueAt(first) + seconds * 1000) packets += packetsPerFrame[end++ % frameCount]!.length;
  const window: Window = { tsStart: rtpTimeOf(first), tsEnd: rtpTimeOf(end), packets, startsAt: dueAt(first), endsAt: dueAt(end - 1) };
  tracked = { window, first, end, sent: 0, firstSentAt: 0, maxLagMs: 0 };
  return window;
}

function sendFrame(g: number, lagMs: number): void {
  const timestamp = rtpTimeOf(g);
  const pictureId = pictureIdBase + g;
  const inWindow = tracked !== null && g >= tracked.first && g < tracked.end;
  if (inWindow && g === tracked!.first) tracked!.firstSentAt = wallMs();
  for (const packet of packetsPerFrame[g % frameCount]!) {
    stamp(packet, { seq: seq++, timestamp, pictureId });
    if (port === null) continue;
    socket.send(packet, port, '127.0.0.1', onSent);
    if (inWindow) tracked!.sent++;
  }
  if (!inWindow) return;
  const t = tracked!;
  t.maxLagMs = Math.max(t.maxLagMs, lagMs);
  if (g === t.end - 1) {
    tell({ type: 'windowSent', sent: { packets: t.sent, firstSentAt: t.firstSentAt, lastSentAt: wallMs(), maxLagMs: t.maxLagMs, sendErrors } });
    tracked = null;
  }
}

async function replay(): Promise<void> {
  while (!stopping) {
    const wait = dueAt(next) - wallMs();
    if (wait > 0) await sleep(wait);
    sendFrame(next, Math.max(0, wallMs() - dueAt(next)));
    next++;
  }
}

process.on('message', (message: ParentToSender) => {
  if (message.type === 'target') port = message.port;
  if (message.type === 'plan') tell({ type: 'planned', window: plan(message.afterMs, message.seconds) });
  if (message.type === 'stop') stop();
});
function stop(): void {
  stopping = true;
  socket.close();
  process.exit(0);
}
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

tell({ type: 'ready', clip: clipInfo(clip, packetsPerFrame) });
replay().catch((error: unknown) => {
  tell({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
