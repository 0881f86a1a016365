import { createSocket, type Socket } from 'node:dgram';

/**
 * Just enough RTP for mediasoup to forward: a VP8 payload descriptor whose keyframe bit is set on
 * every `keyframeEvery`-th frame (consumers drop video until a keyframe), or Opus with the
 * ssrc-audio-level header extension (what the audio observers read).
 */
export function vp8Packet({ seq, ssrc, payloadType, keyframe }: { seq: number; ssrc: number; payloadType: number; keyframe: boolean }): Buffer {
  const packet = Buffer.alloc(12 + 2 + 100, 0x5a);
  packet[0] = 0x80;
  packet[1] = 0x80 | payloadType; // marker: one packet per frame
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * 3000) >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet[12] = 0x10; // S=1, partition 0
  packet[13] = keyframe ? 0x00 : 0x01; // VP8 frame tag: bit 0 is the inverse keyframe flag
  return packet;
}

export function opusPacket({ seq, ssrc, payloadType, levelExtensionId, dBov }: { seq: number; ssrc: number; payloadType: number; levelExtensionId: number; dBov: number }): Buffer {
  const packet = Buffer.alloc(12 + 8 + 20, 0x00);
  packet[0] = 0x90; // version 2 + header extension
  packet[1] = payloadType;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * 960) >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet.writeUInt16BE(0xbede, 12); // one-byte header extensions
  packet.writeUInt16BE(1, 14); // one 32-bit word follows
  packet[16] = (levelExtensionId << 4) | 0; // one byte of data
  packet[17] = 0x80 | Math.min(127, Math.max(0, -dBov)); // voice activity + level
  packet.fill(0xfc, 20); // Opus TOC + filler
  return packet;
}

/** A UDP socket on 127.0.0.1 counting RTP packets of one payload type (RTCP is ignored). */
export async function rtpCounter(payloadType?: number): Promise<{ port: number; count: () => number; close: () => void }> {
  const socket: Socket = createSocket('udp4');
  let count = 0;
  socket.on('message', (message) => {
    const pt = (message[1] ?? 0) & 0x7f;
    if (message.length >= 12 && (message[0] ?? 0) >> 6 === 2 && (payloadType === undefined || pt === payloadType)) count++;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    count: () => count,
    close: () => socket.close(),
  };
}

export async function sendPackets(port: number, packets: Buffer[], intervalMs: number): Promise<void> {
  const socket = createSocket('udp4');
  try {
    for (const packet of packets) {
      await new Promise<void>((resolve, reject) => socket.send(packet, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    socket.close();
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
