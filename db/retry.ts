/**
 * Writes that must not be lost when the database goes away for a moment (a restart, a failover):
 * retried until it answers again, so whatever was acknowledged was stored.
 */

// Connection-level failures: the statement may be re-run because it never committed. Not the
// pool's own end (CONNECTION_ENDED, CONNECTION_DESTROYED): that is this process shutting down.
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'CONNECTION_CLOSED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000',
  '08001',
  '08003',
  '08006',
]);

function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE.has(code);
}

// Long enough to wait out a restart or a failover; a caller waiting longer is better told it failed.
const GIVE_UP_AFTER_MS = 60_000;

/** Runs `task`, and again after a growing pause (up to 2 s) while the database is unreachable. */
export async function retryWhileUnavailable<T>(task: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await task();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() >= giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** Math.min(attempt, 5))));
    }
  }
}
