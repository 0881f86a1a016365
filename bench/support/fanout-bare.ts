// The baseline for bench/fanout.ts: a bare `ws` server that sends every message it receives to
// every open socket (the sender included), and nothing else. Same IPC as fanout-aukio.ts.
import { WebSocketServer, type WebSocket } from 'ws';
import { serveParent } from './fanout-server-ipc.ts';

// The same frame cap as Aukio's socket route; no compression (ws's server default, and Aukio's).
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 });
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve);
  server.once('error', reject);
});

server.on('connection', (socket: WebSocket) => {
  socket.on('message', (data, isBinary) => {
    for (const client of server.clients) {
      if (client.readyState === client.OPEN) client.send(data, { binary: isBinary });
    }
  });
});

const address = server.address();
if (typeof address !== 'object' || address === null) throw new Error('The bare server has no port');
serveParent({ port: address.port, path: '/' }, async () => {
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
