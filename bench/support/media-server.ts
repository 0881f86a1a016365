// bench/media.ts's media server child: our MediaWorkerPool with MEDIA_WORKERS workers and, per
// step, one broadcast MediaRoom whose producer (fed by the sender through a comedia
// PlainTransport) lives on worker 0 and whose N consumers each get a PlainTransport sending to
// one of the receiver's ports, placed on the workers as MediaRoom places viewers, with
// pipeToRouter to the other worker.
import type { types } from 'mediasoup';
import { mediaConfig } from '../../media/config.ts';
import { MediaRoom } from '../../media/media-room.ts';
import { freeMediaPorts } from '../../media/testing/ports.ts';
import { MediaWorkerPool } from '../../media/worker-pool.ts';
import { STREAM, type ParentToServer, type ServerToParent } from './media-protocol.ts';

if (!process.send) throw new Error('Start this with an IPC channel (bench/media.ts does)');
const tell = (message: ServerToParent) => process.send?.(message);
const failed = (error: unknown) => tell({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });

const workers = Number(process.env.MEDIA_WORKERS);
if (!Number.isInteger(workers) || workers < 1) throw new Error('MEDIA_WORKERS must be a positive integer');

const pool = await MediaWorkerPool.create(mediaConfig({ workers, mediaPort: await freeMediaPorts(workers) }), { logLevel: 'error' });
pool.on('workerDied', (index, error) => failed(new Error(`media worker ${index} died: ${error.message}`)));

const rtpParameters: types.RtpParameters = {
  codecs: [{ mimeType: 'video/VP8', payloadType: STREAM.payloadType, clockRate: 90_000 }],
  encodings: [{ ssrc: STREAM.ssrc }],
};
const CONSUMERS_AT_ONCE = 64;

let room: MediaRoom | null = null;
let steps = 0;

/** Where MediaRoom puts a broadcast viewer: the least loaded worker, the producer's on a tie. */
function viewerSlot(): number {
  const primary = pool.slot(0);
  const best = pool.leastLoaded();
  return best.load < primary.load ? best.index : primary.index;
}

async function step(receiverPorts: number[]): Promise<void> {
  const started = performance.now();
  room = await MediaRoom.create(pool, { id: `bench-${++steps}`, mode: 'broadcast', slotIndex: 0 });
  const current = room;
  const ingest = await current.createPlainTransport({ peerId: 'stage', comedia: true });
  const producer = await current.produce({ peerId: 'stage', transportId: ingest.id, kind: 'video', rtpParameters });
  // One at a time, so each placement sees the load the one before added.
  const consumersPerWorker = pool.slots.map(() => 0);
  const transports: types.PlainTransport[] = [];
  for (let i = 0; i < receiverPorts.length; i++) {
    const slotIndex = viewerSlot();
    transports.push(await current.createPlainTransport({ peerId: `viewer-${i}`, slotIndex }));
    consumersPerWorker[slotIndex]!++;
  }
  const payloadTypes = new Set<number>();
  for (let from = 0; from < transports.length; from += CONSUMERS_AT_ONCE) {
    await Promise.all(
      transports.slice(from, from + CONSUMERS_AT_ONCE).map(async (transport, offset) => {
        const i = from + offset;
        await transport.connect({ ip: '127.0.0.1', port: receiverPorts[i]! });
        const consumer = await current.consume({ peerId: `viewer-${i}`, transportId: transport.id, producerId: producer.id, rtpCapabilities: current.rtpCapabilities });
        await current.resumeConsumer(consumer.id);
        for (const codec of consumer.rtpParameters.codecs) if (codec.mimeType.toLowerCase() === 'video/vp8') payloadTypes.add(codec.payloadType);
      }),
    );
  }
  const [payloadType, ...others] = payloadTypes;
  if (payloadType === undefined || others.length > 0) throw new Error(`the consumers' VP8 payload types: ${[...payloadTypes].join(', ') || 'none'}`);
  tell({ type: 'stepReady', ingestPort: ingest.tuple.localPort, consumersPerWorker, setupMs: performance.now() - started, payloadType });
}

async function endStep(): Promise<void> {
  room?.close();
  room = null;
  // Each worker handles its channel in order: an answer to dump() means the routers are gone.
  await Promise.all(pool.slots.map((slot) => slot.worker.dump()));
  tell({ type: 'stepClosed' });
}

process.on('message', (message: ParentToServer) => {
  if (message.type === 'step') step(message.receiverPorts).catch(failed);
  if (message.type === 'endStep') endStep().catch(failed);
  if (message.type === 'stop') stop();
});

function stop(): void {
  room?.close();
  pool.close();
  process.exit(0);
}
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
tell({ type: 'ready', workerPids: pool.slots.map((slot) => slot.worker.pid) });
