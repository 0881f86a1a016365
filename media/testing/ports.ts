import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

// Test files run in parallel next to other engineers' suites: each pool gets a block of ports
// that is free on both UDP and TCP right now instead of a fixed number that may collide.
export async function freeMediaPorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 42000 + Math.floor(Math.random() * 6000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const free = await Promise.all(ports.map(async (port) => (await udpFree(port)) && (await tcpFree(port))));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no block of ${count} free UDP+TCP ports found`);
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
