// bench/media.ts's receiver child: one UDP socket per consumer (each PlainTransport sends to its
// own port, so a keyframe burst to N consumers spreads over N socket buffers), counting the RTP
// packets of the measured window per consumer by RTP timestamp (mediasoup rewrites sequence
// numbers and SSRCs but passes timestamps through) and the sequence gaps among them.
import { createSocket, type Socket } from 'node:dgram';
import { wallMs, type ParentToReceiver, type ReceiverReport, type ReceiverToParent } from './media-protocol.ts';

if (!process.send) throw new Error('Start this with an IPC channel (bench/media.ts does)');
const tell = (message: ReceiverToParent) => process.send?.(message);

const RECV_BUFFER = Number(process.env.MEDIA_RECEIVER_BUFFER) || 1024 * 1024;

function receiverSocket(): Socket {
  return createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER });
}

let sockets: Socket[] = [];
let total = new Uint32Array(0);
let inWindow = new Uint32Array(0);
let seqLast = new Float64Array(0);
let seqMin = new Float64Array(0);
let seqMax = new Float64Array(0);
let payloadType = -1;
let armed = false;
let tsStart = 0;
let tsSpan = 0;
let windowPackets = 0;
let lastAt = 0;

function onPacket(i: number, packet: Buffer): void {
  // RTCP, mediasoup's bandwidth probation packets and anything before 'expect' are not the stream.
  if (packet.length < 12 || packet[0]! >> 6 !== 2 || (packet[1]! & 0x7f) !== payloadType) return;
  total[i]!++;
  if (!armed) return;
  if (((packet.readUInt32BE(4) - tsStart) >>> 0) >= tsSpan) return;
  const seq = packet.readUInt16BE(2);
  let ext: number;
  if (inWindow[i] === 0) {
    ext = seq;
    seqMin[i] = seq;
    seqMax[i] = seq;
  } else {
    const last = seqLast[i]!;
    ext = last + ((((seq - (last & 0xffff) + 0x8000) & 0xffff) - 0x8000));
    if (ext < seqMin[i]!) seqMin[i] = ext;
    if (ext > seqMax[i]!) seqMax[i] = ext;
  }
  seqLast[i] = ext;
  inWindow[i]!++;
  lastAt = wallMs();
}

async function open(count: number): Promise<number[]> {
  closeAll();
  payloadType = -1;
  total = new Uint32Array(count);
  inWindow = new Uint32Array(count);
  seqLast = new Float64Array(count);
  seqMin = new Float64Array(count);
  seqMax = new Float64Array(count);
  sockets = Array.from({ length: count }, (_, i) => {
    const socket = receiverSocket();
    socket.on('message', (packet) => onPacket(i, packet));
    return socket;
  });
  await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))));
  return sockets.map((socket) => socket.address().port);
}

function report(): ReceiverReport {
  armed = false;
  let received = 0;
  let seqGaps = 0;
  let worstLoss = 0;
  let lossyConsumers = 0;
  for (let i = 0; i < sockets.length; i++) {
    const got = inWindow[i]!;
    received += got;
    if (got > 0) seqGaps += Math.max(0, seqMax[i]! - seqMin[i]! + 1 - got);
    const loss = windowPackets > 0 ? Math.max(0, windowPackets - got) / windowPackets : 0;
    if (loss > 0) lossyConsumers++;
    worstLoss = Math.max(worstLoss, loss);
  }
  return {
    consumers: sockets.length,
    received,
    seqGaps,
    worstLoss,
    lossyConsumers,
    lastAt,
  };
}

function closeAll(): void {
  armed = false;
  for (const socket of sockets) socket.close();
  sockets = [];
}

process.on('message', (message: ParentToReceiver) => {
  switch (message.type) {
    case 'open':
      open(message.count).then(
        (ports) => tell({ type: 'opened', ports }),
        (error: unknown) => tell({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
      break;
    case 'expect':
      payloadType = message.payloadType;
      break;
    case 'status':
      tell({ type: 'status', flowing: total.reduce((n, count) => n + (count > 0 ? 1 : 0), 0) });
      break;
    case 'window':
      inWindow.fill(0);
      tsStart = message.tsStart;
      tsSpan = (message.tsEnd - message.tsStart) >>> 0;
      windowPackets = message.packets;
      lastAt = 0;
      armed = true;
      tell({ type: 'armed', at: wallMs() });
      break;
    case 'report':
      tell({ type: 'report', report: report() });
      break;
    case 'closeAll':
      closeAll();
      tell({ type: 'closed' });
      break;
    case 'stop':
      stop();
  }
});

function stop(): void {
  closeAll();
  process.exit(0);
}
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
const probe = receiverSocket();
await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
const recvBufferBytes = probe.getRecvBufferSize();
probe.close();
tell({ type: 'ready', recvBufferBytes });
