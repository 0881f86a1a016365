// What bench/media.ts and its children (media-server, media-sender, media-receiver) say to each
// other over their IPC channels.

/** The replayed stream's RTP identity: the producer is created with these. */
export const STREAM = { ssrc: 0x0a0c1001, payloadType: 101 } as const;

/** Wall-clock milliseconds comparable between processes: performance.timeOrigin + performance.now(). */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

// ── The media server child: a MediaWorkerPool and one MediaRoom per step ─────────────────────

export type ParentToServer =
  | { type: 'step'; receiverPorts: number[] }
  | { type: 'endStep' }
  | { type: 'stop' };

export type ServerToParent =
  | { type: 'ready'; workerPids: number[] }
  /** The room is up: the sender may feed ingestPort; every consumer is resumed and sends VP8 as payloadType. */
  | { type: 'stepReady'; ingestPort: number; consumersPerWorker: number[]; setupMs: number; payloadType: number }
  | { type: 'stepClosed' }
  | { type: 'failed'; message: string };

// ── The sender child: replays the recorded clip into the producer's PlainTransport ───────────

export interface ClipInfo {
  frames: number;
  keyframes: number;
  seconds: number;
  packets: number;
  /** RTP payload + header bits per second over one loop. */
  bitsPerSecond: number;
  width: number;
  height: number;
}

/** The frames whose RTP timestamps fall in [tsStart, tsEnd) (modulo 2^32) make up a window. */
export interface Window {
  tsStart: number;
  tsEnd: number;
  /** Packets the sender sends in the window. */
  packets: number;
  /** When the window's first and last frames are due (wallMs). */
  startsAt: number;
  endsAt: number;
}

export interface WindowSent {
  packets: number;
  /** When the first and last packets of the window actually left (wallMs). */
  firstSentAt: number;
  lastSentAt: number;
  /** The latest a frame left after its due time, ms (a busy sender shows here). */
  maxLagMs: number;
  /** Sends that failed since the sender started. */
  sendErrors: number;
}

export type ParentToSender =
  | { type: 'target'; port: number | null }
  | { type: 'plan'; afterMs: number; seconds: number }
  | { type: 'stop' };

export type SenderToParent =
  | { type: 'ready'; clip: ClipInfo }
  | { type: 'planned'; window: Window }
  | { type: 'windowSent'; sent: WindowSent }
  | { type: 'failed'; message: string };

// ── The receiver child: one UDP socket per consumer, counting RTP ────────────────────────────

export interface ReceiverReport {
  consumers: number;
  /** Window packets received, over all consumers. */
  received: number;
  /** Window packets missing by RTP sequence number between the first and last received, over all consumers. */
  seqGaps: number;
  /** The worst consumer's share of window packets not received (against what the sender sent). */
  worstLoss: number;
  /** Consumers that missed at least one window packet. */
  lossyConsumers: number;
  /** Arrival of the last window packet at any consumer (wallMs); 0 when none arrived. */
  lastAt: number;
}

export type ParentToReceiver =
  | { type: 'open'; count: number }
  /** The consumers' VP8 payload type: only those packets count (mediasoup also sends probation packets). */
  | { type: 'expect'; payloadType: number }
  | { type: 'status' }
  | { type: 'window'; tsStart: number; tsEnd: number; packets: number }
  | { type: 'report' }
  | { type: 'closeAll' }
  | { type: 'stop' };

export type ReceiverToParent =
  /** recvBufferBytes: the SO_RCVBUF its sockets get (Linux doubles what is asked, up to net.core.rmem_max). */
  | { type: 'ready'; recvBufferBytes: number }
  | { type: 'opened'; ports: number[] }
  /** Consumers that have received at least one RTP packet. */
  | { type: 'status'; flowing: number }
  /** Counting the window from `at` (wallMs): must be before the window's first packet is due. */
  | { type: 'armed'; at: number }
  | { type: 'report'; report: ReceiverReport }
  | { type: 'closed' }
  | { type: 'failed'; message: string };
