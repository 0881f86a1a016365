import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../db/test-database.ts';
import { buildApp } from '../../server/app.ts';
import { testConfig } from '../../server/config.ts';
import { artifactsDir, clientDir } from './server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = import.meta.resolve('tsx');

/**
 * A demo town on a persistent database that can be stopped and started again on the same port:
 * what a browser already on the page sees as "the server restarted". The first server runs the
 * production entry point (`server/main.ts`) in a process of its own, so that it can crash; the
 * servers started after it run in this process (starting one is much quicker than a process).
 */
export interface RestartableTown {
  /** The same address through every restart. */
  readonly url: string;
  /** Kills the first server's process without warning (SIGKILL), as a crash would. */
  crash(): Promise<void>;
  /** Closes the server gracefully, as an operator's restart does. */
  close(): Promise<void>;
  /** A new server on the same database and port; resolves once it listens. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startRestartableTown(): Promise<RestartableTown> {
  await mkdir(artifactsDir, { recursive: true });
  const database = await createTestDatabase({ persistent: true });
  // The process serves `dist/client` under its working directory: here, the client this run built.
  const workDir = await mkdtemp(join(tmpdir(), 'aukio-restart-'));
  await mkdir(join(workDir, 'dist'));
  await symlink(clientDir, join(workDir, 'dist/client'));
  const removeAll = async () => {
    await database.drop();
    await rm(workDir, { recursive: true, force: true });
  };
  const first = await startProcess(database, workDir).catch(async (error: unknown) => {
    await removeAll();
    throw error;
  });
  let child: ChildProcess | undefined = first.child;
  const port = first.port;
  let app: FastifyInstance | undefined;

  const endProcess = async (signal: 'SIGTERM' | 'SIGKILL') => {
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    }
    child = undefined;
  };
  const close = async () => {
    await endProcess('SIGTERM');
    await app?.close();
    app = undefined;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    async crash() {
      if (!child) throw new Error('only the first server runs as a process of its own');
      await endProcess('SIGKILL');
    },
    close,
    async start() {
      if (child || app) throw new Error('the server is still running');
      app = await buildApp(testConfig({ database: database.options, demo: true, clientDir }));
      await app.listen({ port, host: '127.0.0.1' });
    },
    async destroy() {
      await close();
      await removeAll();
    },
  };
}

async function startProcess(database: TestDatabase, workDir: string): Promise<{ child: ChildProcess; port: number }> {
  // Without video: parallel test processes would compete for the media ports.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG: '0',
    AUKIO_DEMO: '1',
    MEDIA_WORKERS: '0',
    TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'),
  };
  if (database.options.url) env.DATABASE_URL = database.options.url;
  else env.DATA_DIR = database.options.dataDir;
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'server/main.ts')], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    // Loading the server's modules takes long on a busy machine.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start:\n${output}`));
    }, 110_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /running at http:\/\/[\d.]+:(\d+)/.exec(output);
      // The demo accounts are printed once it listens.
      if (match && output.includes('pihlajalahti-demo')) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`the server exited:\n${output}`));
    });
  });
  return { child, port };
}
