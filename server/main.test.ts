import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/test-database.ts';
import { signUpThroughMail } from './auth/test-sign-up.ts';
import { startServerProcess } from './test-process.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ persistent: true });
});
afterAll(() => database.drop());

describe('the server process', () => {
  it('serves the demo town, prints the demo accounts and where mails go, and keeps its data across a restart', async () => {
    const first = await startServerProcess(database.options);
    try {
      expect(first.output()).toMatch(/asukas@pihlajalahti\.example/);
      expect(first.output()).toMatch(/Mail is written as \.eml files to \/\S+\/mail \(set SMTP_URL to send it\)/);
      expect(await (await fetch(`${first.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const { user } = await signUpThroughMail(first, { email: 'kept@example.fi', password: 'a long enough password', displayName: 'Kept' });
      expect(user.displayName).toBe('Kept');
    } finally {
      await first.stop();
    }

    const second = await startServerProcess(database.options);
    try {
      const signin = await fetch(`${second.url}/api/auth/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'kept@example.fi', password: 'a long enough password' }),
      });
      expect(signin.status).toBe(200);
      const spaces = (await (await fetch(`${second.url}/api/spaces`)).json()) as { spaces: unknown[] };
      expect(spaces.spaces).toHaveLength(5);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
