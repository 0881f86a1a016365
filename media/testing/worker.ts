import { ensureMediasoupWorker } from '../install/ensure-worker.mjs';

// Seconds when the worker is in place or cached; a cold build takes minutes, hence the timeout.
export const WORKER_SETUP_TIMEOUT_MS = 15 * 60_000;

export async function ensureWorkerForTests(): Promise<void> {
  await ensureMediasoupWorker({ log: (line) => console.log(line) });
}
