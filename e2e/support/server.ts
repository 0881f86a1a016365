import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase } from '../../db/test-database.ts';
import { freeMediaPorts } from '../../media/testing/ports.ts';
import { ensureWorkerForTests } from '../../media/testing/worker.ts';
import { buildApp } from '../../server/app.ts';
import { testConfig } from '../../server/config.ts';
import { emlMailbox, type Mailbox } from '../../server/mail/test-mailbox.ts';

const root = new URL('../..', import.meta.url).pathname;
export const artifactsDir = join(root, 'e2e/artifacts');

export interface RunningTown {
  app: FastifyInstance;
  url: string;
  /** The mails the town wrote, as .eml files: what its residents find in their mailboxes. */
  mailbox: Mailbox;
  close(): Promise<void>;
}

// A client built elsewhere (`vite build --outDir …`), so parallel work need not share dist/.
export const clientDir = process.env.AUKIO_E2E_CLIENT_DIR || join(root, 'dist/client');

/** A fresh demo town served with the built client on a real port; with live video on `mediaWorkers` workers. */
export async function startDemoTown({ mediaWorkers = 0 }: { mediaWorkers?: number } = {}): Promise<RunningTown> {
  await mkdir(artifactsDir, { recursive: true });
  if (mediaWorkers > 0) await ensureWorkerForTests();
  const media = mediaWorkers > 0 ? { workers: mediaWorkers, mediaPort: await freeMediaPorts(mediaWorkers) } : undefined;
  const database = await createTestDatabase();
  const mailDir = await mkdtemp(join(tmpdir(), 'aukio-e2e-mail-'));
  const app = await buildApp(testConfig({ database: database.options, demo: true, clientDir, media, mail: { ...testConfig().mail, directory: mailDir } }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    mailbox: emlMailbox(mailDir),
    async close() {
      await app.close();
      await database.drop();
      await rm(mailDir, { recursive: true, force: true });
    },
  };
}
