import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p99Ms: number;
}

let running: autocannon.Instance | undefined;

/** Stops the run in progress, if any (for SIGINT). */
export function stopLoad(): void {
  running?.stop();
}

/** Loads one URL for a fixed time; throws unless every response was a 200 and nothing failed. */
export async function load(label: string, opts: LoadOptions): Promise<LoadResult> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    running = autocannon(
      { url: opts.url, headers: opts.headers, connections: opts.connections, duration: opts.seconds, timeout: 10 },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
  }).finally(() => (running = undefined));

  const other = Object.entries(result.statusCodeStats).filter(([code]) => code !== '200');
  const failures = result.errors + result.timeouts + result.non2xx + result.resets + other.reduce((n, [, s]) => n + s.count, 0);
  if (failures > 0 || result.requests.total === 0) {
    const codes = Object.entries(result.statusCodeStats).map(([code, s]) => `${code}×${s.count}`).join(' ');
    throw new Error(
      `${label}: ${result.requests.total} responses (${codes || 'none'}), ${result.non2xx} non-2xx, ` +
        `${result.errors} errors, ${result.timeouts} timeouts, ${result.resets} resets: every response must be a 200`,
    );
  }
  return {
    requests: result.requests.total,
    seconds: result.duration,
    reqPerSec: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
  };
}
