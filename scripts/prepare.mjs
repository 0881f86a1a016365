// Makes a fresh clone runnable: dependencies, the built client, and Chromium for browser tests.
// Plain Node with no dependencies, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    const shown = [command, ...args].join(' ');
    throw new Error(`"${shown}" failed${result.status === null ? ` (${result.signal})` : ` with exit code ${result.status}`}`);
  }
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function newestIn(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestIn(join(path, name))));
}

export function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(`Aukio needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
  }
}

export function ensureDependencies() {
  const installed = join(root, 'node_modules/.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(installed) && mtime(installed) >= mtime(lock)) return;
  console.log('Installing npm packages…');
  run('npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

export function ensureClientBuilt() {
  const built = join(root, 'dist/client/index.html');
  const sources = Math.max(newestIn(join(root, 'client')), mtime(join(root, 'vite.config.ts')), mtime(join(root, 'package-lock.json')));
  if (mtime(built) >= sources) return;
  console.log('Building the client…');
  run(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn']);
}

/**
 * The mediasoup worker, built from source with Debian's libraries and cached outside the clone, and
 * ffmpeg (Debian's package), which records meetings.
 */
export async function ensureMediaWorker() {
  const { ensureMediasoupWorker, ensureFfmpeg } = await import('../media/install/ensure-worker.mjs');
  await ensureMediasoupWorker({ log: (line) => console.log(line) });
  await ensureFfmpeg({ log: (line) => console.log(line) });
}

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function ensureChromium() {
  if (existsSync(chromiumPath)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Browser tests need Chromium at ${chromiumPath}. Install it with: sudo apt-get install -y chromium`);
  }
  console.log('Installing Chromium from Debian for the browser tests…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', 'chromium'], { env });
}
