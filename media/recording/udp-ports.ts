import { createSocket, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';

/**
 * ffmpeg listens for RTP on a port given in the SDP and for RTCP on the next one; it cannot be told
 * to take any port the OS picks. So the OS picks a port here, its neighbour is checked, and both
 * are released just before ffmpeg starts.
 */
export async function freeUdpPortPairs(count: number, host = '127.0.0.1'): Promise<number[]> {
  const held: Socket[] = [];
  const ports: number[] = [];
  try {
    for (let attempt = 0; ports.length < count && attempt < 100; attempt++) {
      const rtp = await bindUdp(0, host);
      if (!rtp) continue;
      const port = rtp.address().port;
      const rtcp = port < 65535 ? await bindUdp(port + 1, host) : null;
      if (!rtcp) {
        rtp.close();
        continue;
      }
      // Kept bound until all pairs are found, so the OS does not hand out the same port twice.
      held.push(rtp, rtcp);
      ports.push(port);
    }
  } finally {
    await Promise.all(held.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  }
  if (ports.length < count) throw new Error(`could not find ${count} free UDP port pairs on ${host}`);
  return ports;
}

/**
 * The local UDP ports bound on this machine, read from the kernel's table: unlike a test bind, it
 * cannot make ffmpeg's own bind fail by holding the port at the wrong moment.
 */
export async function boundUdpPorts(): Promise<Set<number>> {
  const tables = await Promise.all(['/proc/net/udp', '/proc/net/udp6'].map((path) => readFile(path, 'utf8').catch(() => '')));
  const ports = new Set<number>();
  for (const line of tables.join('\n').split('\n')) {
    const port = line.trim().split(/\s+/)[1]?.split(':')[1];
    if (port && /^[0-9A-F]{4}$/.test(port)) ports.add(parseInt(port, 16));
  }
  return ports;
}

function bindUdp(port: number, host: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => socket.close(() => resolve(null)));
    socket.bind(port, host, () => resolve(socket));
  });
}
