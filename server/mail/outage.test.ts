/**
 * The SMTP server goes away, and comes back: nothing queued meanwhile is lost, and nothing is sent
 * twice, also with two senders (two apps, as two server processes are) on one PostgreSQL database.
 * The retry pauses are shortened to tenths of a second; the behaviour is the one of minutes.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from '../../db/private-postgres.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-database.ts';
import { buildApp } from '../app.ts';
import { testConfig } from '../config.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { defaultSenderTiming, retryDelay } from './sender.ts';
import { verifyAddressMail } from './templates/verify-address.ts';
import { TestSmtpServer } from './test-smtp-server.ts';

const fast = { ...defaultSenderTiming, pollMs: 50, firstRetryMs: 100, maxRetryMs: 400, leaseMs: 10_000 };

async function queue(app: FastifyInstance, addresses: string[]): Promise<void> {
  for (const address of addresses) {
    expect(await app.mail.send(verifyAddressMail, { address, userId: null, language: 'fi' }, { token: address, validHours: 24 })).toBe(true);
  }
}

const addresses = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}@example.fi`);

/** Waits until every queued mail is marked sent, then a while longer for any late duplicate. */
async function allSent(app: FastifyInstance, count: number): Promise<void> {
  await expect
    .poll(async () => (await app.db.sql<{ n: number }[]>`select count(*)::int as n from mail_outbox where sent_at is not null`)[0]!.n, { timeout: 30_000, interval: 100 })
    .toBe(count);
  await new Promise((resolve) => setTimeout(resolve, 10 * fast.pollMs));
}

/** Each message received once: by Message-ID, and by the token each carries. */
function expectEachOnce(smtp: TestSmtpServer, expected: string[], messageIds: string[]): void {
  const received = smtp.received.map((r) => r.parsed);
  expect(received.map((m) => m.messageId).sort()).toEqual([...messageIds].sort());
  expect(received.map((m) => m.to && 'value' in m.to && m.to.value[0]!.address).sort()).toEqual([...expected].sort());
}

async function messageIds(app: FastifyInstance): Promise<string[]> {
  return (await app.db.sql<{ messageId: string }[]>`select message_id as "messageId" from mail_outbox`).map((r) => r.messageId);
}

const attemptsAtLeast = async (app: FastifyInstance, rounds: number) =>
  (await app.db.sql<{ n: number }[]>`select min(attempts)::int as n from mail_outbox where sent_at is null`)[0]!.n >= rounds;

describe('retries', () => {
  it('wait twice as long each time, up to the cap, give or take a fifth', () => {
    const at = (attempt: number, r: number) => retryDelay(attempt, fast, () => r);
    expect([1, 2, 3, 4, 5].map((n) => at(n, 0.5))).toEqual([100, 200, 400, 400, 400]);
    expect(at(1, 0)).toBe(80);
    expect(at(1, 1)).toBe(120);
    expect(retryDelay(1000, defaultSenderTiming, () => 0.5)).toBe(defaultSenderTiming.maxRetryMs);
  });
});

describe('an SMTP server that is away for a while', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await startTestApp({ mail: { smtpUrl: smtp.url, sender: fast } });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.down();
  });

  it('refusing connections: every mail queued meanwhile arrives once it is back, each exactly once', async () => {
    await smtp.down();
    const to = addresses('down', 12);
    await queue(t.app, to);
    await expect.poll(() => attemptsAtLeast(t.app, 3), { timeout: 30_000, interval: 100 }).toBe(true);
    expect(smtp.received).toHaveLength(0);
    const [row] = await t.app.db.sql<{ error: string }[]>`select last_error as error from mail_outbox limit 1`;
    expect(row!.error).toMatch(/ECONNREFUSED|connect/i);

    await smtp.up();
    await allSent(t.app, to.length);
    expectEachOnce(smtp, to, await messageIds(t.app));
  });

  it('answering “try again later” (451): the same', async () => {
    smtp.received.length = 0;
    await t.app.db.sql`delete from mail_outbox`;
    smtp.refuse(true);
    const to = addresses('busy', 8);
    await queue(t.app, to);
    await expect.poll(() => attemptsAtLeast(t.app, 3), { timeout: 30_000, interval: 100 }).toBe(true);
    expect(smtp.received).toHaveLength(0);
    smtp.refuse(false);
    await allSent(t.app, to.length);
    expectEachOnce(smtp, to, await messageIds(t.app));
  });
});

// Two apps on one embedded database cannot be had (it belongs to one process): a PostgreSQL server,
// TEST_DATABASE_URL's or one of this test's own from Debian's binaries.
const serverUrl = process.env.TEST_DATABASE_URL;
const canRun = Boolean(serverUrl || postgresBinaries());
if (!canRun) console.warn('outage.test.ts: two senders on one database skipped: no TEST_DATABASE_URL and no PostgreSQL server binaries');

describe.runIf(canRun)('two senders on one PostgreSQL database', () => {
  let smtp: TestSmtpServer;
  let pg: PrivatePostgres | undefined;
  let database: TestDatabase | undefined;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    let url = serverUrl;
    if (url) {
      database = await createTestDatabase();
      url = database.options.url!;
    } else {
      pg = await startPrivatePostgres();
      url = pg.url;
    }
    // One after the other: the second finds the first's migrations done.
    for (let i = 0; i < 2; i += 1) apps.push(await buildApp(testConfig({ database: { url }, mail: { ...testConfig().mail, smtpUrl: smtp.url, sender: fast } })));
  }, 120_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.drop();
    await pg?.destroy();
    await smtp?.down();
  });

  it('deliver every mail queued by either while the SMTP server was down exactly once', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    await smtp.down();
    const fromA = addresses('a', 15);
    const fromB = addresses('b', 15);
    await Promise.all([queue(a, fromA), queue(b, fromB)]);
    await expect.poll(() => attemptsAtLeast(a, 3), { timeout: 30_000, interval: 100 }).toBe(true);
    await smtp.up();
    await allSent(a, 30);
    expectEachOnce(smtp, [...fromA, ...fromB], await messageIds(a));
  });

  it('take over a mail whose sender died holding its claim, once the claim lapses', async () => {
    const [a] = apps as [FastifyInstance, FastifyInstance];
    smtp.received.length = 0;
    await a.db.sql`delete from mail_outbox`;
    // A sender that claims and is gone before it sends: stopped SMTP meanwhile, so neither app can send first.
    await smtp.down();
    const to = addresses('orphan', 3);
    await queue(a, to);
    // The dead sender's claim, written as claimDue writes one. Taken with claimDue itself, the apps'
    // own senders (polling fast) could claim the rows first on a busy machine, and nothing would be orphaned.
    const orphaned = await a.db.sql`
      update mail_outbox set lease_id = ${randomUUID()}, leased_until = now() + interval '1500 milliseconds',
        attempts = attempts + 1, next_attempt_at = now()
      where sent_at is null returning id`;
    expect(orphaned).toHaveLength(to.length);
    await smtp.up();
    await allSent(a, to.length);
    expectEachOnce(smtp, to, await messageIds(a));
  });

  it('one app closing leaves its queued mails to the other', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    smtp.received.length = 0;
    await b.db.sql`delete from mail_outbox`;
    await smtp.down();
    const to = addresses('left', 5);
    await queue(a, to);
    await a.close();
    apps.splice(0, 1);
    await smtp.up();
    await allSent(b, to.length);
    expectEachOnce(smtp, to, await messageIds(b));
  });
});
