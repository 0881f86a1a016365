// Where the kernel dropped UDP packets (Linux; zeros elsewhere), so a bench/media.ts step can say
// whether its loss happened in a socket buffer that overflowed or inside a worker.
import { readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const dir = `/proc/${pid}/fd`;
  const fds = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    fds.map(async (fd) => {
      const target = await readlink(`${dir}/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }),
  );
  return inodes;
}

/** Drops counted on every UDP socket these processes hold (buffer full when a packet arrived), summed. */
export async function udpDropsOf(pids: readonly number[]): Promise<number> {
  const inodes = new Set<string>();
  for (const pid of pids) for (const inode of await socketInodes(pid)) inodes.add(inode);
  let drops = 0;
  // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
  for (const line of (await readOrEmpty('/proc/net/udp')).split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (inodes.has(fields[9] ?? '')) drops += Number(fields[12] ?? 0);
  }
  return drops;
}

/**
 * Packets dropped because a CPU's input backlog (net.core.netdev_max_backlog) was full, machine
 * wide: loopback traffic passes through it too.
 */
export async function backlogDrops(): Promise<number> {
  let drops = 0;
  for (const line of (await readOrEmpty('/proc/net/softnet_stat')).split('\n')) {
    const dropped = line.trim().split(/\s+/)[1];
    if (dropped) drops += parseInt(dropped, 16);
  }
  return drops;
}

/** A sysctl's value as text, or '?' where it cannot be read. */
export async function sysctl(name: string): Promise<string> {
  return (await readOrEmpty(`/proc/sys/${name.replaceAll('.', '/')}`)).trim().replace(/\s+/g, ' ') || '?';
}

/**
 * Raises a sysctl to at least `value` where this process may (root, writable /proc/sys), and
 * returns how to put the old value back; or why it could not.
 */
export function raiseSysctl(name: string, value: number): { from: number; restore: () => void } | { error: string } {
  const path = `/proc/sys/${name.replaceAll('.', '/')}`;
  try {
    const from = Number(readFileSync(path, 'utf8').trim());
    if (from >= value) return { from, restore: () => {} };
    writeFileSync(path, String(value));
    return { from, restore: () => writeFileSync(path, String(from)) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
