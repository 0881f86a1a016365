// bench/fanout.ts's child processes: each a `node --import tsx` script with an IPC channel, started
// through bash so its open-file limit can be raised for thousands of sockets. Every child started
// is remembered, so the bench can kill what is left on any way out.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { ServerStats } from './fanout-protocol.ts';

const live = new Set<ChildProcess>();

export interface Child<In, Out> {
  readonly name: string;
  readonly pid: number | undefined;
  send(message: In): void;
  /** The next message (already received or still to come) that passes `test`; rejects if the child exits first or on timeout. */
  next<T extends Out>(test: (m: Out) => m is T, timeoutMs: number, what: string): Promise<T>;
  /** Every message as it arrives (for progress lines). */
  onMessage(listener: (m: Out) => void): void;
  /** Sends `stopMessage` (if any), waits up to `graceMs` for the exit, then kills. */
  stop(stopMessage: In | null, graceMs: number): Promise<void>;
}

export interface StartOptions {
  cwd: string;
  env: Record<string, string>;
  /** Open-file limit to ask for (root may raise the hard limit too). */
  nofile: number;
  execArgv?: string[];
}

export function startChild<In, Out>(name: string, script: string, options: StartOptions): Child<In, Out> {
  const args = [
    '-c',
    // Raise the limit if we may, else as far as the hard limit goes; then become node.
    'ulimit -n "$1" 2>/dev/null || ulimit -n "$(ulimit -Hn)"; shift; exec "$@"',
    'fanout-child',
    String(options.nofile),
    process.execPath,
    '--import',
    'tsx',
    ...(options.execArgv ?? []),
    script,
  ];
  const proc = spawn('bash', args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(proc);
  const received: Out[] = [];
  const listeners: ((m: Out) => void)[] = [];
  let waiters: { test: (m: Out) => boolean; resolve: (m: Out) => void }[] = [];
  let exitWaiters: ((why: string) => void)[] = [];
  let exited: string | null = null;

  proc.on('message', (raw) => {
    const message = raw as Out;
    for (const listener of listeners) listener(message);
    received.push(message);
    waiters = waiters.filter((w) => {
      if (!w.test(message)) return true;
      w.resolve(message);
      return false;
    });
  });
  const onGone = (why: string) => {
    if (exited !== null) return;
    exited = why;
    live.delete(proc);
    for (const waiter of exitWaiters) waiter(why);
    exitWaiters = [];
  };
  proc.on('exit', (code, signal) => onGone(`${name} exited (${signal ?? `code ${code}`})`));
  proc.on('error', (error) => onGone(`${name} failed to start: ${error.message}`));

  return {
    name,
    pid: proc.pid,
    send(message) {
      if (proc.connected) proc.send(message as object);
    },
    next(test, timeoutMs, what) {
      const index = received.findIndex(test);
      if (index >= 0) return Promise.resolve(received.splice(index, 1)[0] as never);
      if (exited !== null) return Promise.reject(new Error(`${exited} before ${what}`));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no ${what} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
        const waiter = {
          test,
          resolve: (m: Out) => {
            clearTimeout(timer);
            received.splice(received.indexOf(m), 1);
            resolve(m as never);
          },
        };
        waiters.push(waiter);
        exitWaiters.push((why) => {
          clearTimeout(timer);
          reject(new Error(`${why} before ${what}`));
        });
      });
    },
    onMessage(listener) {
      listeners.push(listener);
    },
    async stop(stopMessage, graceMs) {
      if (exited !== null) return;
      const gone = new Promise<void>((resolve) => exitWaiters.push(() => resolve()));
      if (stopMessage !== null && proc.connected) proc.send(stopMessage as object);
      else proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Kills every child still running (for the way out on an error or a signal). */
export function killAllChildren(): void {
  for (const proc of live) proc.kill('SIGKILL');
  live.clear();
}

// /proc/<pid>/stat counts CPU in USER_HZ ticks, 100 a second on Linux.
const TICK_US = 10_000;

/** A process's RSS and CPU from /proc (Linux), without asking the process; null where there is no /proc. */
export async function procStats(pid: number | undefined): Promise<ServerStats | null> {
  if (pid === undefined) return null;
  try {
    const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    // The fields after the command name (which is in parentheses and may hold spaces): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(rssKb) || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return { type: 'stats', rss: rssKb * 1024, cpuUser: utime * TICK_US, cpuSystem: stime * TICK_US };
  } catch {
    return null;
  }
}
