// A bench/fanout.ts server child's side of its IPC channel: says it is ready, reports its memory
// and CPU, and closes when told, on SIGTERM/SIGINT, or when the parent disconnects.
import type { ParentToServer, ServerReady, ServerStats } from './fanout-protocol.ts';

export function serveParent(ready: Omit<ServerReady, 'type'>, close: () => Promise<void>): void {
  if (!process.send) throw new Error('Start this with an IPC channel (bench/fanout.ts does)');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // A server that does not close in time exits anyway: the bench must not hang on it.
    setTimeout(() => process.exit(0), 5_000).unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('message', (message: ParentToServer) => {
    if (message.type === 'stop') stop();
    if (message.type === 'stats') {
      const cpu = process.cpuUsage();
      const stats: ServerStats = { type: 'stats', rss: process.memoryUsage.rss(), cpuUser: cpu.user, cpuSystem: cpu.system };
      process.send?.(stats);
    }
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.send({ type: 'ready', ...ready } satisfies ServerReady);
}
