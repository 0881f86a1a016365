import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, mailTo, waitForMail } from '../mail/test-mailbox.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { signUpThroughMail } from './test-sign-up.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let n = 0;
const client = () => `10.0.6.${(n += 1)}`;
const requestReset = (email: string, remoteAddress = client()) => t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email }, remoteAddress });
const confirm = (token: string, password: string, cookie?: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, password }, remoteAddress: client(), headers: cookie ? { cookie } : {} });
const me = async (cookie: string) => (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json().user as { id: string } | null;
const signInStatus = async (email: string, password: string) =>
  (await t.app.inject({ method: 'POST', url: '/api/auth/signin', payload: { email, password }, remoteAddress: client() })).statusCode;
const isReset = (m: ParsedMail) => (m.text ?? '').includes('/reset-password?token=');
const resetMailsTo = async (address: string) => (await t.mailbox.all()).filter((m) => mailTo(address)(m) && isReset(m));
const settle = () => expect.poll(async () => (await t.app.db.sql`select 1 from mail_outbox where sent_at is null`).length).toBe(0);

async function account(email: string, language: 'fi' | 'sv' | 'en' = 'fi') {
  return signUpThroughMail(t.app, { email, password: 'vanha salasana 1', displayName: `Tili ${email.split('@')[0]}`, language }, { remoteAddress: client() });
}

async function resetLink(email: string, known = 0): Promise<string> {
  await expect.poll(async () => (await resetMailsTo(email)).length).toBeGreaterThan(known);
  return linkIn((await resetMailsTo(email)).at(-1)!, '/reset-password').searchParams.get('token')!;
}

describe('a forgotten password', () => {
  it('is answered 202 whether or not the address has an account, and only an account’s owner is mailed', async () => {
    await account('unohtaja@example.fi', 'sv');
    const known = await requestReset('UNOHTAJA@example.fi');
    const unknown = await requestReset('tuntematon@example.fi');
    expect([known.statusCode, known.body]).toEqual([202, JSON.stringify({ status: 'mail_sent' })]);
    expect([unknown.statusCode, unknown.body]).toEqual([known.statusCode, known.body]);
    const mail = await waitForMail(t.mailbox, (m) => mailTo('unohtaja@example.fi')(m) && isReset(m));
    expect(mail.subject).toBe('Välj ett nytt lösenord för Aukio');
    expect(mail.text).toContain('Hej Tili unohtaja,');
    const token = linkIn(mail, '/reset-password').searchParams.get('token')!;
    const [row] = await t.app.db.sql<{ tokenHash: string; hours: number }[]>`
      select token_hash as "tokenHash", round(extract(epoch from expires_at - created_at) / 3600)::int as hours from password_resets`;
    expect(row).toEqual({ tokenHash: createHash('sha256').update(token).digest('hex'), hours: 1 });
    await settle();
    expect((await t.mailbox.all()).filter(mailTo('tuntematon@example.fi'))).toEqual([]);
  });

  it('sets the new password once, ends every session of the account and every other link, and confirms the address', async () => {
    const { cookie, user } = await account('nollaaja@example.fi');
    const other = await signIn(t.app, 'nollaaja@example.fi', 'vanha salasana 1');
    await t.app.db.sql`update users set email_verified_at = null where id = ${user.id}`;
    await requestReset('nollaaja@example.fi');
    const older = await resetLink('nollaaja@example.fi');
    await requestReset('nollaaja@example.fi');
    const newer = await resetLink('nollaaja@example.fi', 1);

    const done = await confirm(newer, 'uusi salasana 2', cookie);
    expect(done.statusCode, done.body).toBe(204);
    expect(done.cookies.find((c) => c.name === 'aukio_session')?.value).toBe('');
    expect(await me(cookie)).toBeNull();
    expect(await me(other)).toBeNull();
    expect(await t.app.db.sql`select 1 from sessions where user_id = ${user.id}`).toHaveLength(0);
    expect(await signInStatus('nollaaja@example.fi', 'vanha salasana 1')).toBe(401);
    expect(await signInStatus('nollaaja@example.fi', 'uusi salasana 2')).toBe(200);
    const [verified] = await t.app.db.sql<{ verified: boolean }[]>`select email_verified_at is not null as verified from users where id = ${user.id}`;
    expect(verified!.verified).toBe(true);

    for (const used of [newer, older]) {
      const again = await confirm(used, 'kolmas salasana 3');
      expect([again.statusCode, again.json().code, again.json().message]).toEqual([410, 'token_used', 'This link has already been used']);
    }
    expect(await signInStatus('nollaaja@example.fi', 'uusi salasana 2')).toBe(200);
  });

  it('refuses an expired, a forged and a too-short confirmation with a clear 4xx, and changes nothing', async () => {
    await account('vanhentunut@example.fi');
    await requestReset('vanhentunut@example.fi');
    const token = await resetLink('vanhentunut@example.fi');

    const short = await confirm(token, 'lyhyt');
    expect([short.statusCode, short.json().message]).toEqual([400, 'body/password must NOT have fewer than 10 characters']);
    const forged = await confirm(token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')), 'väärennetty salasana');
    expect([forged.statusCode, forged.json().code]).toEqual([400, 'invalid_token']);
    await t.app.db.sql`update password_resets set expires_at = now() - interval '1 second'`;
    const expired = await confirm(token, 'myöhästynyt salasana');
    expect([expired.statusCode, expired.json().code]).toEqual([410, 'token_expired']);
    expect(await signInStatus('vanhentunut@example.fi', 'vanha salasana 1')).toBe(200);
  });

  it('mails one address at most three links an hour, and answers every request alike', async () => {
    await account('kiireinen@example.fi');
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await requestReset('kiireinen@example.fi')).statusCode);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    await settle();
    expect(await resetMailsTo('kiireinen@example.fi')).toHaveLength(3);
    expect(await t.app.db.sql`select 1 from password_resets r join users u on u.id = r.user_id where u.email_key = 'kiireinen@example.fi'`).toHaveLength(3);
  });

  it('limits requests per client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await requestReset(`joku${i}@example.fi`, '10.0.7.1')).statusCode);
    expect(statuses).toEqual([...Array(10).fill(202), 429]);
  });
});
