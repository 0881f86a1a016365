import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/test-database.ts';

// The production entry point, as `npm start` runs it: a real process on a real port.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ persistent: true });
});
afterAll(() => database.drop());

async function startServer(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG: '0', AUKIO_DEMO: '1' };
  if (database.options.url) env.DATABASE_URL = database.options.url;
  else env.DATA_DIR = database.options.dataDir;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match && output.includes('pihlajalahti-demo')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', () => reject(new Error(`server exited:\n${output}`)));
  });
  return { child, url, output: () => output };
}

async function stop(child: ChildProcess) {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

describe('the server process', () => {
  it('serves the demo town, prints the demo accounts, and keeps its data across a restart', async () => {
    const first = await startServer();
    try {
      expect(first.output()).toMatch(/asukas@pihlajalahti\.example/);
      expect(await (await fetch(`${first.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const signup = await fetch(`${first.url}/api/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'kept@example.fi', password: 'a long enough password', displayName: 'Kept' }),
      });
      expect(signup.status).toBe(201);
    } finally {
      await stop(first.child);
    }

    const second = await startServer();
    try {
      const signin = await fetch(`${second.url}/api/auth/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'kept@example.fi', password: 'a long enough password' }),
      });
      expect(signin.status).toBe(200);
      const spaces = (await (await fetch(`${second.url}/api/spaces`)).json()) as { spaces: unknown[] };
      expect(spaces.spaces).toHaveLength(4);
    } finally {
      await stop(second.child);
    }
  });
});
