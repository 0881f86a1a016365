import { once } from 'node:events';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mediaConfig } from './config.ts';
import { MediaRoom } from './media-room.ts';
import { freeMediaPorts } from './testing/ports.ts';
import { ensureWorkerForTests, WORKER_SETUP_TIMEOUT_MS } from './testing/worker.ts';
import { MediaWorkerPool, type WorkerSlot } from './worker-pool.ts';

let pool: MediaWorkerPool | undefined;

beforeAll(ensureWorkerForTests, WORKER_SETUP_TIMEOUT_MS);
afterEach(() => {
  pool?.close();
  pool = undefined;
});

describe('MediaWorkerPool', () => {
  it('starts one worker per slot, each with a WebRtcServer on basePort + slot (UDP and TCP)', async () => {
    const mediaPort = await freeMediaPorts(2);
    pool = await MediaWorkerPool.create(mediaConfig({ workers: 2, mediaPort }));

    expect(pool.slots).toHaveLength(2);
    const pids = new Set(pool.slots.map((slot) => slot.worker.pid));
    expect(pids.size).toBe(2);
    for (const slot of pool.slots) {
      const dump = await slot.webRtcServer.dump();
      expect(dump.udpSockets).toEqual([{ ip: '127.0.0.1', port: mediaPort + slot.index }]);
      expect(dump.tcpServers).toEqual([{ ip: '127.0.0.1', port: mediaPort + slot.index }]);
    }
  });

  it('fails clearly when a media port is taken, leaving no worker behind', async () => {
    const mediaPort = await freeMediaPorts(1);
    pool = await MediaWorkerPool.create(mediaConfig({ workers: 1, mediaPort }));
    await expect(MediaWorkerPool.create(mediaConfig({ workers: 1, mediaPort }))).rejects.toThrow(
      `cannot listen on 127.0.0.1:${mediaPort}`,
    );
  });

  it('replaces a killed worker on the same slot and port, and the rooms on it close', async () => {
    const mediaPort = await freeMediaPorts(2);
    pool = await MediaWorkerPool.create(mediaConfig({ workers: 2, mediaPort }));
    const room = await MediaRoom.create(pool, { id: 'doomed', slotIndex: 1 });
    const survivor = await MediaRoom.create(pool, { id: 'survivor', slotIndex: 0 });
    const roomClosed = once(room, 'close');
    const replaced = once(pool, 'workerReplaced') as Promise<[number, WorkerSlot]>;
    const old = pool.slot(1);

    process.kill(old.worker.pid, 'SIGKILL');

    const [index, slot] = await replaced;
    expect(index).toBe(1);
    expect(slot).toBe(pool.slot(1));
    expect(slot.worker.pid).not.toBe(old.worker.pid);
    expect(old.worker.died).toBe(true);
    expect(await roomClosed).toEqual(['worker-died']);
    expect((await slot.webRtcServer.dump()).udpSockets).toEqual([{ ip: '127.0.0.1', port: mediaPort + 1 }]);
    expect(survivor.closed).toBe(false);

    // The replacement serves new rooms.
    const rebuilt = await MediaRoom.create(pool, { id: 'doomed', slotIndex: 1 });
    const transport = await rebuilt.createWebRtcTransport({ peerId: 'p', direction: 'send' });
    expect(transport.iceCandidates.map((candidate) => candidate.port)).toContain(mediaPort + 1);
    rebuilt.close();
    survivor.close();
  });
});
