import type { WebSocket } from 'ws';

// A vanished peer is noticed within one to two of these.
const PING_MS = 30_000;

/**
 * Ends connections whose peer vanished without closing (a laptop lid, a phone that changed
 * networks): a ping every half minute, and a socket that did not answer the last one is ended,
 * which runs its close handlers.
 */
export function keepAlive(socket: WebSocket): void {
  let alive = true;
  socket.on('pong', () => (alive = true));
  const timer = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
  }, PING_MS);
  timer.unref();
  socket.on('close', () => clearInterval(timer));
}
