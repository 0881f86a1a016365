import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../db/test-database.ts';
import { buildApp } from './app.ts';
import { testConfig, type AppConfig, type MailConfig } from './config.ts';
import { emlMailbox, type Mailbox } from './mail/test-mailbox.ts';

export interface TestApp {
  app: FastifyInstance;
  /** The .eml files the app wrote (when it sends no mail over SMTP). */
  mailbox: Mailbox;
  close(): Promise<void>;
}

export type TestAppOverrides = Partial<Omit<AppConfig, 'mail'>> & { mail?: Partial<MailConfig> };

/** The real app on a database of its own (embedded, or on TEST_DATABASE_URL's server), writing its mails into a directory of its own. */
export async function startTestApp(overrides: TestAppOverrides = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const mailDir = await mkdtemp(join(tmpdir(), 'aukio-test-mail-'));
  const defaults = testConfig();
  const app = await buildApp(testConfig({ database: database.options, ...overrides, mail: { ...defaults.mail, directory: mailDir, ...overrides.mail } })).catch(async (error: unknown) => {
    await rm(mailDir, { recursive: true, force: true });
    throw error;
  });
  return {
    app,
    mailbox: emlMailbox(mailDir),
    async close() {
      await app.close();
      await database.drop();
      await rm(mailDir, { recursive: true, force: true });
    },
  };
}

/** The session cookie a sign-in or sign-up set, as a Cookie header value. */
export function sessionCookieOf(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'aukio_session');
  if (!cookie) throw new Error(`no session cookie in a ${response.statusCode} response: ${response.body}`);
  return `aukio_session=${cookie.value}`;
}

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/signin', payload: { email, password } });
  return sessionCookieOf(response);
}
