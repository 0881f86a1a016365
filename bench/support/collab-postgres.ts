// What a bench/collab.ts run costs Postgres, to show both servers ask the same of it: the CPU of
// the server processes (backends) serving the run's database, read from /proc where Postgres runs
// on this machine.
import { readFile } from 'node:fs/promises';
import postgres from 'postgres';

// /proc/<pid>/stat counts CPU in USER_HZ ticks, 100 a second on Linux.
const TICK_US = 10_000;

/** Per backend pid, user + system CPU µs so far; empty when /proc does not show them. */
export type BackendCpu = Map<number, number>;

async function cpuOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return null;
  }
}

/** A look at the database `name` from a connection to the server at `serverUrl` (not to `name`, so it adds nothing). */
export async function backendCpu(serverUrl: string, name: string): Promise<BackendCpu> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const pids = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
    const cpu: BackendCpu = new Map();
    for (const { pid } of pids) {
      const us = await cpuOf(pid);
      if (us !== null) cpu.set(pid, us);
    }
    return cpu;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Backend CPU µs between two looks (a backend that appeared meanwhile counts from zero). */
export function backendCpuBetween(before: BackendCpu, after: BackendCpu): number {
  let us = 0;
  for (const [pid, cpu] of after) us += cpu - (before.get(pid) ?? 0);
  return us;
}
