import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestDatabase } from '../db/test-database.ts';
import { buildApp } from './app.ts';
import { testConfig, type AppConfig } from './config.ts';

export interface TestApp {
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The real app on a database of its own (embedded, or on TEST_DATABASE_URL's server). */
export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const app = await buildApp(testConfig({ database: database.options, ...overrides }));
  return {
    app,
    async close() {
      await app.close();
      await database.drop();
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
