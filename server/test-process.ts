import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseOptions } from '../db/connection.ts';
import { DEMO_PASSWORD, demoAccounts } from '../db/demo-town.ts';
import { emlMailbox, type Mailbox } from './mail/test-mailbox.ts';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The mails it wrote (as .eml files under its DATA_DIR). */
  mailbox: Mailbox;
  output(): string;
  /** SIGTERM lets it close gracefully; SIGKILL is a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The production entry point (`server/main.ts`) in a process of its own, on a free port. */
export async function startServerProcess(database: DatabaseOptions, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  // Without video unless a test asks: parallel test processes would compete for the media ports.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG: '0', AUKIO_DEMO: '1', MEDIA_WORKERS: '0', ...env };
  // On a database server the process still needs a DATA_DIR of its own, for its mails.
  const ownDataDir = database.url && !env.DATA_DIR ? await mkdtemp(join(tmpdir(), 'aukio-process-')) : undefined;
  if (database.url) childEnv.DATABASE_URL = database.url;
  childEnv.DATA_DIR = env.DATA_DIR ?? ownDataDir ?? database.dataDir;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const check = () => {
      const match = /running at (http:\/\/\S+)/.exec(output);
      // The demo accounts are printed last, once the server listens, one line each: wait for the last.
      if (match && (env.AUKIO_DEMO === '0' || output.includes(demoAccounts.at(-1)!.email))) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', () => reject(new Error(`server exited:\n${output}`)));
  });
  return {
    child,
    url,
    mailbox: emlMailbox(join(childEnv.DATA_DIR!, 'mail')),
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill(signal);
        await exited;
      }
      if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
    },
  };
}

/** Signs a demo account in over HTTP and returns the Cookie header value. */
export async function signInOverHttp(url: string, who: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${who}@pihlajalahti.example`, password: DEMO_PASSWORD }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('aukio_session='));
  if (!cookie) throw new Error(`signing in ${who} gave ${response.status} and no session cookie: ${await response.text()}`);
  return cookie.split(';')[0]!;
}

/** The id of the upcoming meeting of a demo space. */
export async function upcomingMeetingOf(url: string, slug: string): Promise<string> {
  const body = (await (await fetch(`${url}/api/meetings/upcoming`)).json()) as { meetings: { id: string; spaceSlug: string }[] };
  return body.meetings.find((m) => m.spaceSlug === slug)!.id;
}
