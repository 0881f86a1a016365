/**
 * Sign-up with a confirmed address (issue 18, finding 8): the answer never tells whether an
 * address has an account; the address's owner learns the rest by mail.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, mailTo, recipientsOf, waitForMail } from '../mail/test-mailbox.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { signUpThroughMail } from './test-sign-up.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let n = 0;
const client = () => `10.0.4.${(n += 1)}`;
const signUpRequest = (payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/signup', payload, headers, remoteAddress: client() });
const verify = (token: string) => t.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { token }, remoteAddress: client() });
const signInStatus = async (email: string, password: string) =>
  (await t.app.inject({ method: 'POST', url: '/api/auth/signin', payload: { email, password }, remoteAddress: client() })).statusCode;
const mailsTo = async (address: string): Promise<ParsedMail[]> => (await t.mailbox.all()).filter(mailTo(address));
const tokenOf = (mail: ParsedMail) => linkIn(mail, '/verify').searchParams.get('token')!;
/** Until every queued mail is written. */
const settle = () => expect.poll(async () => (await t.app.db.sql`select 1 from mail_outbox where sent_at is null`).length).toBe(0);

describe('signing up', () => {
  it('answers 202 and makes no account until the link mailed in the person’s language is followed', async () => {
    const person = { email: 'Uusi.Asukas@example.fi', password: 'ett långt lösenord', displayName: 'Ny Invånare' };
    const answer = await signUpRequest(person, { 'accept-language': 'sv-FI, sv;q=0.9, fi;q=0.5' });
    expect(answer.statusCode).toBe(202);
    expect(answer.json()).toEqual({ status: 'mail_sent' });
    expect(answer.cookies).toEqual([]);
    expect(await signInStatus(person.email, person.password)).toBe(401);
    expect(await t.app.db.sql`select 1 from users where email_key = 'uusi.asukas@example.fi'`).toHaveLength(0);

    const mail = await waitForMail(t.mailbox, mailTo(person.email));
    expect(recipientsOf(mail)).toEqual(['uusi.asukas@example.fi']);
    expect(mail.subject).toBe('Bekräfta din e-postadress för Aukio');
    // Whoever signed up need not own the address: what they typed is not put in front of its owner.
    expect(mail.text).not.toContain(person.displayName);
    const token = tokenOf(mail);
    // Only the token's SHA-256 is stored.
    const stored = await t.app.db.sql<{ tokenHash: string; passwordHash: string }[]>`
      select token_hash as "tokenHash", password_hash as "passwordHash" from signup_requests where email_key = 'uusi.asukas@example.fi'`;
    expect(stored).toEqual([{ tokenHash: createHash('sha256').update(token).digest('hex'), passwordHash: expect.stringMatching(/^\$argon2id\$/) }]);

    const verified = await verify(token);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().user).toMatchObject({ email: person.email, displayName: person.displayName, isAdmin: false });
    expect(verified.cookies.find((c) => c.name === 'aukio_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const [user] = await t.app.db.sql<{ language: string; verified: boolean }[]>`
      select language, email_verified_at is not null as verified from users where email_key = 'uusi.asukas@example.fi'`;
    expect(user).toEqual({ language: 'sv', verified: true });
    expect(await signInStatus(person.email, person.password)).toBe(200);
  });

  it('answers an address that has an account exactly as a new one, and mails its owner a warning instead', async () => {
    const owner = await signUpThroughMail(t.app, { email: 'omistaja@example.fi', password: 'omistajan salasana', displayName: 'Olli Omistaja', language: 'en' }, { remoteAddress: client() });
    const before = (await mailsTo('omistaja@example.fi')).length;

    const intruder = await signUpRequest({ email: 'OMISTAJA@example.fi', password: 'tunkeilijan salasana', displayName: 'Tunkeilija' });
    const stranger = await signUpRequest({ email: 'ei-tilia@example.fi', password: 'tunkeilijan salasana', displayName: 'Tunkeilija' });
    expect([intruder.statusCode, intruder.body, intruder.headers['content-type']]).toEqual([stranger.statusCode, stranger.body, stranger.headers['content-type']]);
    expect(intruder.cookies).toEqual(stranger.cookies);

    const warning = await waitForMail(t.mailbox, (m) => mailTo('omistaja@example.fi')(m) && m.subject !== 'Confirm your email address for Aukio');
    expect(warning.subject).toBe('Someone tried to create an Aukio account with your address');
    expect(warning.text).toContain('Hello Olli Omistaja,');
    expect(linkIn(warning, '/signin')).toBeInstanceOf(URL);
    expect(linkIn(warning, '/forgot-password')).toBeInstanceOf(URL);
    expect((await mailsTo('omistaja@example.fi')).length).toBe(before + 1);
    // Nothing about the account changed, and no sign-up is waiting for it.
    expect(await signInStatus('omistaja@example.fi', 'omistajan salasana')).toBe(200);
    expect(await signInStatus('omistaja@example.fi', 'tunkeilijan salasana')).toBe(401);
    expect(await t.app.db.sql`select 1 from signup_requests where email_key = 'omistaja@example.fi' and used_at is null`).toHaveLength(0);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: owner.cookie } })).json().user.id).toBe(owner.user.id);
  });

  it('answers any sign-up alike whether its address has an account or not (property)', async () => {
    await signUpThroughMail(t.app, { email: 'Kaiku@example.fi', password: 'kaiun salasana', displayName: 'Kaiku' }, { remoteAddress: client() });
    const answer = (response: Awaited<ReturnType<typeof signUpRequest>>) => ({
      status: response.statusCode,
      body: response.body,
      headers: Object.keys(response.headers).sort(),
      cookies: response.cookies,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z0-9]{1,20}$/),
        fc.constantFrom('Kaiku@example.fi', 'kaiku@example.fi', 'KAIKU@EXAMPLE.FI'),
        // Mostly valid (the answer is then the one that could tell), sometimes not.
        fc.oneof({ arbitrary: fc.string({ minLength: 10, maxLength: 40 }), weight: 4 }, { arbitrary: fc.string({ maxLength: 12 }), weight: 1 }),
        fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 70 }).map((name) => `A${name}`), weight: 4 }, { arbitrary: fc.string({ maxLength: 90 }), weight: 1 }),
        async (local, known, password, displayName) => {
          const fresh = await signUpRequest({ email: `${local}@uusi.example.fi`, password, displayName });
          const taken = await signUpRequest({ email: known, password, displayName });
          expect(answer(taken)).toEqual(answer(fresh));
        },
      ),
      { numRuns: 15, seed: 20_261_207 },
    );
  });

  it('refuses a used, an expired and a forged link with a clear 4xx', async () => {
    await signUpRequest({ email: 'kerran@example.fi', password: 'kerran riittää', displayName: 'Kerttu' });
    const token = tokenOf(await waitForMail(t.mailbox, mailTo('kerran@example.fi')));
    expect((await verify(token)).statusCode).toBe(200);
    const again = await verify(token);
    expect([again.statusCode, again.json().code]).toEqual([410, 'token_used']);

    await signUpRequest({ email: 'myohassa@example.fi', password: 'myöhässä ollaan', displayName: 'Matti' });
    const late = tokenOf(await waitForMail(t.mailbox, mailTo('myohassa@example.fi')));
    await t.app.db.sql`update signup_requests set expires_at = now() - interval '1 second' where email_key = 'myohassa@example.fi'`;
    const expired = await verify(late);
    expect([expired.statusCode, expired.json().code, expired.json().message]).toEqual([410, 'token_expired', 'This link has expired: ask for a new one']);
    expect(await t.app.db.sql`select 1 from users where email_key = 'myohassa@example.fi'`).toHaveLength(0);

    for (const forged of [late.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')), 'x', 'a'.repeat(200)]) {
      const response = await verify(forged);
      expect([response.statusCode, response.json().code], forged).toEqual([400, 'invalid_token']);
    }
    expect((await verify('a'.repeat(201))).statusCode).toBe(400);
  });

  it('lets a second sign-up with an unconfirmed address replace the first: only the newest link makes the account', async () => {
    await signUpRequest({ email: 'kahdesti@example.fi', password: 'ensimmäinen salasana', displayName: 'Eka' });
    const first = tokenOf(await waitForMail(t.mailbox, mailTo('kahdesti@example.fi')));
    await signUpRequest({ email: 'kahdesti@example.fi', password: 'toinen salasana', displayName: 'Toka' });
    const second = tokenOf(await waitForMail(t.mailbox, (m) => mailTo('kahdesti@example.fi')(m) && tokenOf(m) !== first));
    expect((await verify(first)).json().code).toBe('token_expired');
    const made = await verify(second);
    expect(made.json().user.displayName).toBe('Toka');
    expect(await signInStatus('kahdesti@example.fi', 'toinen salasana')).toBe(200);
    expect(await signInStatus('kahdesti@example.fi', 'ensimmäinen salasana')).toBe(401);
  });

  it('mails one address at most five links an hour, answering every sign-up alike', async () => {
    const answers = [];
    for (let i = 0; i < 7; i += 1) answers.push((await signUpRequest({ email: 'tulva@example.fi', password: `salasana numero ${i}`, displayName: 'Tulva' })).statusCode);
    expect(answers).toEqual([202, 202, 202, 202, 202, 202, 202]);
    await settle();
    const mails = await mailsTo('tulva@example.fi');
    expect(mails).toHaveLength(5);
    // The last link mailed still works: the sign-ups past the limit changed nothing.
    expect((await verify(tokenOf(mails.at(-1)!))).json().user.displayName).toBe('Tulva');
    expect(await signInStatus('tulva@example.fi', 'salasana numero 4')).toBe(200);
  });

  it('limits sign-ups and link checks per client', async () => {
    const from = '10.0.5.1';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      statuses.push((await t.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { token: `arvaus${i}` }, remoteAddress: from })).statusCode);
    }
    expect(statuses).toEqual([...Array(10).fill(400), 429]);
  });
});
