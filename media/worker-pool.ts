import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { MediaConfig } from './config.ts';

export interface WorkerPoolOptions {
  logLevel?: types.WorkerLogLevel;
  /**
   * SO_RCVBUF/SO_SNDBUF of each WebRtcServer UDP socket. mediasoup 3.19 sets these per listen
   * socket (there is no worker-wide setting). Linux silently caps them at net.core.rmem_max /
   * wmem_max, so raise those sysctls on a busy server for the value to take effect.
   */
  udpRecvBufferSize?: number;
  udpSendBufferSize?: number;
  /** Waits before each new attempt to start a replacement worker; the last one repeats. */
  replaceRetryDelaysMs?: number[];
}

/**
 * One worker process and its WebRtcServer. A replaced worker gets a new slot object, so
 * bookkeeping done on the old one (load) dies with it instead of skewing the new worker.
 */
export class WorkerSlot {
  /** Transports + consumers placed here by all rooms: the measure used to spread an audience. */
  load = 0;

  constructor(
    readonly index: number,
    readonly port: number,
    readonly worker: types.Worker,
    readonly webRtcServer: types.WebRtcServer,
  ) {}

  get alive(): boolean {
    return !this.worker.closed && !this.worker.died;
  }
}

export interface MediaWorkerPoolEvents {
  /** The worker's routers, transports and producers are already gone. */
  workerDied: [index: number, error: Error];
  /** A new worker serves the slot (same port); rooms that lived there can be rebuilt. */
  workerReplaced: [index: number, slot: WorkerSlot];
  workerReplaceFailed: [index: number, error: Error];
}

const DEFAULT_RETRY_DELAYS_MS = [0, 250, 1000, 2000, 5000];

export class MediaWorkerPool extends EventEmitter<MediaWorkerPoolEvents> {
  readonly #config: MediaConfig;
  readonly #options: WorkerPoolOptions;
  readonly #slots: WorkerSlot[] = [];
  #closed = false;

  private constructor(config: MediaConfig, options: WorkerPoolOptions) {
    super();
    this.#config = config;
    this.#options = options;
  }

  static async create(config: MediaConfig, options: WorkerPoolOptions = {}): Promise<MediaWorkerPool> {
    if (!Number.isInteger(config.workers) || config.workers < 1) {
      throw new Error(`MediaConfig.workers must be a positive integer (got ${config.workers})`);
    }
    const pool = new MediaWorkerPool(config, options);
    const started = await Promise.allSettled(Array.from({ length: config.workers }, (_, i) => pool.#startSlot(i)));
    for (const result of started) if (result.status === 'fulfilled') pool.#slots[result.value.index] = result.value;
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      pool.close();
      throw failure.reason;
    }
    return pool;
  }

  get slots(): readonly WorkerSlot[] {
    return this.#slots;
  }

  get closed(): boolean {
    return this.#closed;
  }

  slot(index: number): WorkerSlot {
    const slot = this.#slots[index];
    if (!slot) throw new Error(`no media worker slot ${index}`);
    return slot;
  }

  /** The live slot with the least load; ties go to the lowest index (stable for tests). */
  leastLoaded(candidates: readonly number[] = this.#slots.map((slot) => slot.index)): WorkerSlot {
    let best: WorkerSlot | undefined;
    for (const index of candidates) {
      const slot = this.#slots[index];
      if (slot?.alive && (!best || slot.load < best.load)) best = slot;
    }
    if (!best) throw new Error('no live media worker');
    return best;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) slot.worker.close();
  }

  async #startSlot(index: number): Promise<WorkerSlot> {
    const { logLevel = 'warn', udpRecvBufferSize = 4 * 1024 * 1024, udpSendBufferSize = 4 * 1024 * 1024 } = this.#options;
    const port = this.#config.mediaPort + index;
    const worker = await mediasoup.createWorker({ logLevel, appData: { slot: index } });
    try {
      const address = {
        ip: this.#config.listenIp,
        port,
        ...(this.#config.announcedIp ? { announcedAddress: this.#config.announcedIp } : {}),
      };
      const webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...address, recvBufferSize: udpRecvBufferSize, sendBufferSize: udpSendBufferSize },
          { protocol: 'tcp', ...address },
        ],
      });
      const slot = new WorkerSlot(index, port, worker, webRtcServer);
      worker.on('died', (error) => void this.#replace(slot, error));
      return slot;
    } catch (error) {
      worker.close();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`media worker ${index}: cannot listen on ${this.#config.listenIp}:${port} (UDP+TCP): ${reason}`, { cause: error });
    }
  }

  async #replace(dead: WorkerSlot, error: Error): Promise<void> {
    if (this.#closed || this.#slots[dead.index] !== dead) return;
    this.emit('workerDied', dead.index, error);
    const delays = this.#options.replaceRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    for (let attempt = 0; !this.#closed; attempt++) {
      const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1000;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.#closed) return;
      try {
        const slot = await this.#startSlot(dead.index);
        if (this.#closed) {
          slot.worker.close();
          return;
        }
        this.#slots[dead.index] = slot;
        this.emit('workerReplaced', dead.index, slot);
        return;
      } catch (failure) {
        this.emit('workerReplaceFailed', dead.index, failure instanceof Error ? failure : new Error(String(failure)));
      }
    }
  }
}
