// Makes node_modules/mediasoup/worker/out/Release/mediasoup-worker exist and run, without GitHub
// or PyPI: mediasoup's own postinstall is skipped (.npmrc ignore-scripts), so the worker is built
// here from the npm sources against Debian's libraries (build-worker.sh) and cached per machine.
// Plain Node with no dependencies: it runs right after `npm ci`, before anything else is trusted.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Bump whenever build-worker.sh, its shims or BUILD_PACKAGES change: cached binaries built by an
// older recipe are then rebuilt instead of reused.
export const RECIPE_REVISION = 1;

export const BUILD_PACKAGES = [
  'g++', 'make', 'pkg-config', 'meson', 'ninja-build', 'binutils',
  'libssl-dev', 'libuv1-dev', 'libabsl-dev', 'libsrtp2-dev', 'libusrsctp-dev',
  'nlohmann-json3-dev', 'libflatbuffers-dev', 'flatbuffers-compiler',
];

const here = dirname(fileURLToPath(import.meta.url));
const defaultProjectDir = join(here, '..', '..');
const defaultLog = (line) => console.log(line);

export function cacheBaseDir() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aukio');
}

// The binary links dynamically to Debian's libraries, so the OS release is part of the key too:
// a cache that survives a dist-upgrade must not hand back a binary built for the old libraries.
export function workerCacheKey(mediasoupVersion) {
  return `${mediasoupVersion}-r${RECIPE_REVISION}-${osTag()}-${process.arch}`;
}

function osTag() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const field = (name) => release.match(new RegExp(`^${name}="?([^"\\n]*)"?`, 'm'))?.[1] ?? '';
    return `${field('ID')}${field('VERSION_ID')}`.replace(/[^A-Za-z0-9.]/g, '') || process.platform;
  } catch {
    return process.platform;
  }
}

/**
 * @param {{ log?: (line: string) => void, projectDir?: string, jobs?: number }} [options]
 * @returns {Promise<{ source: 'present' | 'cache' | 'built' | 'env', binary: string, key?: string, ms: number }>}
 */
export async function ensureMediasoupWorker({ log = defaultLog, projectDir = defaultProjectDir, jobs } = {}) {
  const started = Date.now();
  const elapsed = () => Date.now() - started;

  const fromEnv = process.env.MEDIASOUP_WORKER_BIN;
  if (fromEnv) {
    // mediasoup spawns whatever this names, so a leftover "skip the postinstall" value would
    // make every createWorker() fail far away from the cause.
    if (!existsSync(fromEnv)) {
      throw new Error(`MEDIASOUP_WORKER_BIN=${fromEnv} does not exist, and mediasoup would run it instead of its own worker. Unset it.`);
    }
    return { source: 'env', binary: fromEnv, ms: elapsed() };
  }

  const mediasoupDir = join(projectDir, 'node_modules', 'mediasoup');
  const packageJson = join(mediasoupDir, 'package.json');
  if (!existsSync(packageJson)) throw new Error(`mediasoup is not installed (${packageJson} is missing): run npm ci first.`);
  const version = JSON.parse(readFileSync(packageJson, 'utf8')).version;
  const key = workerCacheKey(version);
  const target = join(mediasoupDir, 'worker', 'out', 'Release', 'mediasoup-worker');
  const marker = `${target}.aukio-key`;
  const isInstalled = () => existsSync(target) && readIfExists(marker) === key;
  if (isInstalled()) return { source: 'present', binary: target, key, ms: elapsed() };

  const cacheDir = join(cacheBaseDir(), 'mediasoup-worker', key);
  const cached = join(cacheDir, 'mediasoup-worker');
  mkdirSync(cacheDir, { recursive: true });

  return withLock(join(cacheDir, 'lock'), log, async () => {
    // Another process may have finished the job while this one waited for the lock.
    if (isInstalled()) return { source: 'present', binary: target, key, ms: elapsed() };

    if (existsSync(cached)) {
      let problem = loadProblem(cached);
      if (problem) {
        // Typically a runtime library was removed; the build packages pull them back in.
        await ensureDebianPackages(BUILD_PACKAGES, { log });
        problem = loadProblem(cached);
      }
      if (!problem) {
        install(cached, target, marker, key);
        log(`[mediasoup] worker ${key} copied from the cache (${cached})`);
        return { source: 'cache', binary: target, key, ms: elapsed() };
      }
      log(`[mediasoup] cached worker does not run (${problem}); rebuilding`);
      rmSync(cached, { force: true });
    }

    await ensureDebianPackages(BUILD_PACKAGES, { log });
    await buildWorker({ sourceDir: join(mediasoupDir, 'worker'), output: cached, logFile: join(cacheDir, 'build.log'), log, jobs });
    const problem = loadProblem(cached);
    if (problem) throw new Error(`[mediasoup] the freshly built worker does not run: ${problem}`);
    install(cached, target, marker, key);
    log(`[mediasoup] worker ${key} built in ${Math.round(elapsed() / 1000)} s and cached at ${cached}`);
    return { source: 'built', binary: target, key, ms: elapsed() };
  });
}

/**
 * ffmpeg records meetings (PlainTransport → ffmpeg → WebM).
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<string>} the ffmpeg command to run
 */
export async function ensureFfmpeg({ log = defaultLog } = {}) {
  if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0) return 'ffmpeg';
  await ensureDebianPackages(['ffmpeg'], { log });
  return 'ffmpeg';
}

/**
 * Installs the Debian packages that are missing; a machine that has them all never calls apt.
 * @param {string[]} packages
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function ensureDebianPackages(packages, { log = defaultLog } = {}) {
  const missing = missingDebianPackages(packages);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get update && sudo ${command}`);
  }
  const logFile = join(cacheBaseDir(), 'apt-get.log');
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  log(`[apt] installing ${missing.join(' ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runLogged('apt-get', ['update', '-q'], { env, logFile, step: 'apt-get update' });
  await runLogged('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env, logFile, step: 'apt-get install' });
  const still = missingDebianPackages(missing);
  if (still.length) throw new Error(`[apt] still missing after apt-get install: ${still.join(' ')} (log: ${logFile})`);
}

export function missingDebianPackages(packages) {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...packages], { encoding: 'utf8' });
  if (query.error) throw new Error(`dpkg-query is not available (${query.error.message}): this installer needs Debian or Ubuntu.`);
  const installed = new Set(
    query.stdout.split('\n').filter((line) => line.endsWith(' installed')).map((line) => line.split(' ')[0].split(':')[0]),
  );
  return packages.filter((name) => !installed.has(name));
}

async function buildWorker({ sourceDir, output, logFile, log, jobs }) {
  const script = join(here, 'build-worker.sh');
  const env = { ...process.env, ...(jobs ? { JOBS: String(jobs) } : {}) };
  writeFileSync(logFile, '');
  log(`[mediasoup] building worker… (about 4–5 minutes on 2 cores; log: ${logFile})`);
  let lastReport = Date.now();
  await runLogged('bash', [script, sourceDir, output], {
    env,
    logFile,
    step: 'build-worker.sh',
    onLine: (line, state) => {
      const stepName = line.match(/^STEP (\S+)/)?.[1];
      if (stepName) {
        state.step = stepName;
        if (stepName === 'build-worker') log('[mediasoup] compiling the C++ worker…');
        return;
      }
      const progress = line.match(/^\[(\d+)\/(\d+)\]/);
      if (progress && state.step === 'build-worker' && Date.now() - lastReport > 60_000) {
        lastReport = Date.now();
        log(`[mediasoup] compiled ${progress[1]}/${progress[2]}`);
      }
    },
  });
}

// Runs a command with its output appended to logFile; on failure the error names the step the
// command reached (build-worker.sh prints "STEP <name>") and the log file.
function runLogged(command, args, { env, logFile, step, onLine }) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    const state = { step };
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    const onData = (chunk) => {
      out.write(chunk);
      if (!onLine) return;
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line, state);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      out.end();
      reject(new Error(`${step}: could not start ${command} (${error.message})`));
    });
    child.on('close', (code, signal) => {
      out.end(() => {
        if (code === 0) return resolve();
        const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
        reject(new Error(`${step} failed at step "${state.step}" (${how}). Log: ${logFile}\n${tail(logFile, 15)}`));
      });
    });
  });
}

// Without MEDIASOUP_VERSION the worker exits with 41 before doing anything, which proves the
// binary and all its shared libraries load.
function loadProblem(binary) {
  const run = spawnSync(binary, [], { env: {}, encoding: 'utf8', timeout: 10_000 });
  if (run.error) return run.error.message;
  if (run.status === 41) return null;
  return (run.stderr || `exit ${run.status ?? run.signal}`).trim().split('\n')[0];
}

function install(from, target, marker, key) {
  mkdirSync(dirname(target), { recursive: true });
  // Copy then rename, so a worker starting meanwhile never spawns a half-written file.
  const temporary = `${target}.tmp-${process.pid}`;
  copyFileSync(from, temporary);
  chmodSync(temporary, 0o755);
  renameSync(temporary, target);
  writeFileSync(marker, key);
}

// A directory lock held by a pid: concurrent test files or `npm start` + `npm test` must not
// build at once, and a lock left by a killed process is taken over.
async function withLock(lockDir, log, work) {
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number(readIfExists(join(lockDir, 'pid')));
      if (holder && !isAlive(holder)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) log(`[mediasoup] waiting for process ${holder || '?'} that is preparing the worker…`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function readIfExists(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function tail(path, lines) {
  return (readIfExists(path) ?? '').split('\n').slice(-lines).join('\n');
}

// `node media/install/ensure-worker.mjs [--ffmpeg]`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const result = await ensureMediasoupWorker();
    console.log(`[mediasoup] worker ready (${result.source}, ${(result.ms / 1000).toFixed(1)} s): ${result.binary}`);
    if (process.argv.includes('--ffmpeg')) console.log(`[ffmpeg] ready: ${await ensureFfmpeg()}`);
  } catch (error) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
}
