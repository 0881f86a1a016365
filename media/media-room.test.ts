import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { mediaConfig } from './config.ts';
import { MediaRoom } from './media-room.ts';
import { freeMediaPorts } from './testing/ports.ts';
import { opusPacket, rtpCounter, sendPackets, vp8Packet, waitFor } from './testing/rtp.ts';
import { ensureWorkerForTests, WORKER_SETUP_TIMEOUT_MS } from './testing/worker.ts';
import { MediaWorkerPool } from './worker-pool.ts';

let pool: MediaWorkerPool;
let mediaPort: number;

beforeAll(async () => {
  await ensureWorkerForTests();
  mediaPort = await freeMediaPorts(2);
  pool = await MediaWorkerPool.create(mediaConfig({ workers: 2, mediaPort }));
}, WORKER_SETUP_TIMEOUT_MS);
afterAll(() => pool?.close());

const VP8_PT = 101;
const OPUS_PT = 100;

/** A producer fed by plain RTP on the room's primary router (stands in for a browser). */
async function plainProducer(room: MediaRoom, peerId: string, kind: 'audio' | 'video', ssrc: number) {
  const ingest = await room.createPlainTransport({ peerId, comedia: true });
  const rtpParameters: types.RtpParameters =
    kind === 'video'
      ? { codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90000 }], encodings: [{ ssrc }] }
      : {
          codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 }],
          encodings: [{ ssrc }],
          headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1 }],
        };
  const producer = await room.produce({ peerId, transportId: ingest.id, kind, rtpParameters });
  return { producer, port: ingest.tuple.localPort };
}

describe('MediaRoom', () => {
  it('creates WebRTC transports on the WebRtcServer of its worker, announcing the configured address', async () => {
    const room = await MediaRoom.create(pool, { id: 'meeting', slotIndex: 0 });
    const send = await room.createWebRtcTransport({ peerId: 'alice', direction: 'send' });
    const recv = await room.createWebRtcTransport({ peerId: 'alice', direction: 'recv' });
    for (const transport of [send, recv]) {
      expect(transport.iceCandidates.map((c) => `${c.protocol} ${c.address}:${c.port}`).sort()).toEqual([
        `tcp 127.0.0.1:${mediaPort}`,
        `udp 127.0.0.1:${mediaPort}`,
      ]);
      expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    }
    // A meeting keeps every peer on one router.
    expect(room.stats().slots).toEqual([0]);
    room.closePeer('alice');
    expect(room.stats().transports).toBe(0);
    room.close();

    const announcedPort = await freeMediaPorts(1);
    const announced = await MediaWorkerPool.create(
      mediaConfig({ workers: 1, mediaPort: announcedPort, listenIp: '127.0.0.1', announcedIp: '203.0.113.7' }),
    );
    try {
      const other = await MediaRoom.create(announced, { id: 'announced' });
      const transport = await other.createWebRtcTransport({ peerId: 'bob', direction: 'send' });
      expect(new Set(transport.iceCandidates.map((c) => c.address))).toEqual(new Set(['203.0.113.7']));
    } finally {
      announced.close();
    }
  });

  it('broadcast: RTP into one worker reaches a consumer on a router on the other worker via pipeToRouter', async () => {
    const room = await MediaRoom.create(pool, { id: 'broadcast', mode: 'broadcast', slotIndex: 0 });
    const { producer, port } = await plainProducer(room, 'speaker', 'video', 1111);

    const counter = await rtpCounter(VP8_PT);
    const egress = await room.createPlainTransport({ peerId: 'recorder', slotIndex: 1 });
    await egress.connect({ ip: '127.0.0.1', port: counter.port });
    const consumer = await room.consume({
      peerId: 'recorder',
      transportId: egress.id,
      producerId: producer.id,
      rtpCapabilities: room.rtpCapabilities,
    });
    expect(consumer.paused).toBe(true);
    expect(room.stats().slots).toEqual([0, 1]);
    await room.resumeConsumer(consumer.id);

    const packets = Array.from({ length: 60 }, (_, i) =>
      vp8Packet({ seq: 1000 + i, ssrc: 1111, payloadType: VP8_PT, keyframe: i % 5 === 0 }),
    );
    await sendPackets(port, packets, 5);
    await waitFor(() => counter.count() >= 55, 3000, 'piped RTP packets');
    const outbound = (await consumer.getStats()).find((stat) => stat.type === 'outbound-rtp');
    expect(outbound?.packetCount).toBeGreaterThanOrEqual(55);

    const closed = new Promise((resolve) => room.once('consumerClosed', resolve));
    expect(room.closePeerProducers('speaker')).toEqual([producer.id]);
    expect(await closed).toEqual({ consumerId: consumer.id, peerId: 'recorder' });
    counter.close();
    room.close();
  });

  it('broadcast: viewers spread over the workers by load', async () => {
    const room = await MediaRoom.create(pool, { id: 'audience', mode: 'broadcast', slotIndex: 0 });
    await room.createWebRtcTransport({ peerId: 'speaker', direction: 'send' });
    const ports: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      const viewer = await room.createWebRtcTransport({ peerId: `viewer${i}`, direction: 'recv' });
      ports.push(viewer.iceCandidates[0]?.port);
    }
    const perWorker = [mediaPort, mediaPort + 1].map((p) => ports.filter((port) => port === p).length);
    expect(perWorker[1]).toBeGreaterThanOrEqual(2);
    expect(Math.abs((perWorker[0] ?? 0) + 1 - (perWorker[1] ?? 0))).toBeLessThanOrEqual(1);
    room.close();
    // Closing the room hands its load back to the workers.
    await waitFor(() => pool.slots.every((slot) => slot.load === 0), 2000, 'load released');
  });

  it('reports audio levels of audio producers and pauses/resumes producers', async () => {
    const room = await MediaRoom.create(pool, { id: 'levels', slotIndex: 1 });
    const { producer, port } = await plainProducer(room, 'speaker', 'audio', 2222);
    const levels = new Promise<{ producerId: string; peerId: string; volume: number }[]>((resolve) => room.once('audioLevels', resolve));
    const packets = Array.from({ length: 75 }, (_, i) =>
      opusPacket({ seq: i, ssrc: 2222, payloadType: OPUS_PT, levelExtensionId: 1, dBov: 12 }),
    );
    await sendPackets(port, packets, 20);
    const [loudest] = await levels;
    expect(loudest).toMatchObject({ producerId: producer.id, peerId: 'speaker' });
    expect(loudest?.volume).toBeGreaterThan(-30);

    await room.pauseProducer(producer.id);
    expect(producer.paused).toBe(true);
    await room.resumeProducer(producer.id);
    expect(producer.paused).toBe(false);
    room.closeProducer(producer.id);
    expect(room.stats().producers).toBe(0);
    room.close();
  });
});
