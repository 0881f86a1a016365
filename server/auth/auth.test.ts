import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { signUpThroughMail } from './test-sign-up.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let n = 0;
const nextPerson = () => {
  n += 1;
  return { email: `person${n}@example.fi`, password: 'correct horse battery', displayName: `Person ${n}` };
};
/** A person signed up through the mail, as everyone is. */
async function signUp(overrides: Partial<ReturnType<typeof nextPerson>> = {}) {
  const payload = { ...nextPerson(), ...overrides };
  const { cookie, user } = await signUpThroughMail(t.app, payload, { remoteAddress: `10.0.1.${n}` });
  return { cookie, user, payload };
}
/** A sign-up request alone, for the checks that refuse one. */
const signUpRequest = (overrides: Record<string, unknown>) => attempt(overrides).then(({ response }) => response);
async function attempt(overrides: Record<string, unknown>) {
  const payload = { ...nextPerson(), ...overrides };
  const response = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload, remoteAddress: `10.0.1.${n}` });
  return { response, payload };
}
/** Nothing of a refused sign-up is kept: no account, no pending sign-up. */
async function nothingKeptFor(email: string) {
  expect(await t.app.db.sql`select 1 from users where email = ${email}`).toEqual([]);
  expect(await t.app.db.sql`select 1 from signup_requests where email = ${email}`).toEqual([]);
}

const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });

describe('sign-up and sign-in', () => {
  it('signs in through the link mailed at sign-up, with an HttpOnly SameSite=Lax cookie, and knows the user', async () => {
    const { cookie, user, payload } = await signUp();
    expect(cookie).toMatch(/^aukio_session=[a-z2-7]{32}$/);
    expect(user).toMatchObject({ email: payload.email, displayName: payload.displayName, isAdmin: false });
    expect((await me(cookie)).json().user).toMatchObject({ email: payload.email, displayName: payload.displayName, isAdmin: false });
    expect(await signIn(t.app, payload.email.toUpperCase(), payload.password)).toMatch(/^aukio_session=/);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const { payload } = await signUp();
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signin',
      payload: { email: payload.email, password: 'not the password' },
      remoteAddress: '10.0.2.1',
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signin',
      payload: { email: 'nobody@example.fi', password: 'not the password' },
      remoteAddress: '10.0.2.2',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.json().code).toBe('invalid_credentials');
    expect(wrong.cookies).toEqual([]);
  });

  it('names the field of a body with a wrong type', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/signin', payload: { email: 'a@example.fi', password: 42 } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'body/password must be string', code: 'invalid_input' });
  });

  it('refuses a short password and an invalid email with a message', async () => {
    const short = await signUpRequest({ password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ code: 'password_too_short', message: expect.stringMatching(/password/) });
    const invalid = await signUpRequest({ email: 'not-an-email' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().message).toMatch(/email/);
  });

  it('refuses common, patterned and personal passwords, saying why, and creates no account', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['repeated', { password: 'aaaaaaaaaa' }, 'password_repetitive'],
      ['common with digits', { password: 'Password123!' }, 'password_common'],
      ['along the keyboard', { password: 'qwerty123456' }, 'password_common'],
      ['backwards', { password: '9876543210' }, 'password_sequence'],
      ['own name', { displayName: 'Aino Asukas', password: 'AinoAsukas2024' }, 'password_personal'],
      ['site name', { password: 'Aukio2024!!' }, 'password_personal'],
      ['too long', { password: 'x'.repeat(300) }, 'password_too_long'],
    ];
    for (const [label, overrides, code] of cases) {
      const { response, payload } = await attempt(overrides);
      expect(response.statusCode, `${label}: ${response.body}`).toBe(400);
      expect(response.json().code, label).toBe(code);
      expect(response.cookies).toEqual([]);
      await nothingKeptFor(payload.email);
    }
  });

  it('stores a display name normalised, and refuses one with control or invisible characters or nothing to read', async () => {
    const { user } = await signUp({ displayName: '  Aino\u00A0\u00A0Asukas ' });
    expect(user.displayName).toBe('Aino Asukas');
    const cases: [string, string][] = [
      ['\u202EsakusA oniA', 'display_name_invisible'],
      ['Aino\u2066 Asukas', 'display_name_invisible'],
      ['\u200B\u200C\u200D\u2060\uFEFF', 'display_name_invisible'],
      ['Aino\u0007', 'display_name_invisible'],
      ['\u3164', 'display_name_invisible'],
      ['---', 'display_name_no_letters'],
    ];
    for (const [displayName, code] of cases) {
      const refused = await attempt({ displayName });
      expect(refused.response.statusCode, `${JSON.stringify(displayName)}: ${refused.response.body}`).toBe(400);
      expect(refused.response.json().code).toBe(code);
      await nothingKeptFor(refused.payload.email);
    }
  });

  it('refuses a display name that copies, or looks like, a staff member’s', async () => {
    const moderator = (await signUp({ displayName: 'Maija Moderaattori' })).user.id;
    // Before she holds a staff role, her name is anyone's to share.
    expect((await attempt({ displayName: 'Maija Moderaattori' })).response.statusCode).toBe(202);
    const [space] = await t.app.db.sql<{ id: string }[]>`
      insert into spaces (slug, kind, visibility, name, description)
      values ('nimitesti', 'forum', 'public', ${t.app.db.sql.json({ fi: 'N', sv: 'N', en: 'N' })}, ${t.app.db.sql.json({ fi: 'N', sv: 'N', en: 'N' })}) returning id`;
    await t.app.db.sql`insert into space_roles (space_id, user_id, role) values (${space!.id}, ${moderator}, 'moderator')`;
    for (const copy of ['Maija Moderaattori', 'maija  MODERAATTORI', 'Мaija Moderaattori' /* Cyrillic М */, 'Maija ModeraattorI', 'Maija.Moderaattori']) {
      const refused = await attempt({ displayName: copy });
      expect(refused.response.statusCode, copy).toBe(400);
      expect(refused.response.json().code).toBe('display_name_staff');
    }
    expect((await attempt({ displayName: 'Maija Moderaattorinen' })).response.statusCode).toBe(202);
    // A site admin's name is protected too.
    const admin = await signUp({ displayName: 'Ylläpidon Ansa' });
    await t.app.db.sql`update users set is_admin = true where id = ${admin.user.id}`;
    expect((await attempt({ displayName: 'YIläpidon Ansa' })).response.json().code).toBe('display_name_staff');
  });

  it('refuses a password made of the name of the town the site is on', async () => {
    const payload = { email: `townsperson@example.fi`, password: 'Pihlajalahti2024', displayName: 'Asukas' };
    const refused = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload, headers: { host: 'osallistu.pihlajalahti.fi' }, remoteAddress: '10.0.4.1' });
    expect(refused.json().code).toBe('password_personal');
    const elsewhere = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload, headers: { host: 'aukio.example.org' }, remoteAddress: '10.0.4.2' });
    expect(elsewhere.statusCode, elsewhere.body).toBe(202);
  });

  const signInFrom = (remoteAddress: string, email: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/signin', payload: { email, password }, remoteAddress });

  it('locks an account after 10 failed sign-ins from any addresses, alike for an address with no account', async () => {
    const { payload } = await signUp();
    for (let i = 0; i < 10; i += 1) expect((await signInFrom(`10.0.3.${i}`, payload.email, 'not the password')).statusCode).toBe(401);
    // The 11th, from yet another address, is refused even with the right password.
    const locked = await signInFrom('10.0.3.100', payload.email, payload.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'sign_in_locked', message: expect.stringMatching(/try again in 15 min/) });
    expect(locked.cookies).toEqual([]);

    for (let i = 0; i < 10; i += 1) await signInFrom(`10.0.5.${i}`, 'nobody-here@example.fi', 'not the password');
    const unknown = await signInFrom('10.0.5.100', 'nobody-here@example.fi', 'not the password');
    expect(unknown.statusCode).toBe(429);
    expect(unknown.body).toBe(locked.body);
    // Another account is not affected.
    const other = await signUp();
    expect((await signInFrom('10.0.3.100', other.payload.email, other.payload.password)).statusCode).toBe(200);
  });

  it('counts parallel guesses one by one, and right passwords not at all', async () => {
    const { payload } = await signUp();
    for (let i = 0; i < 12; i += 1) expect((await signInFrom(`10.0.6.${i}`, payload.email, payload.password)).statusCode).toBe(200);
    const guesses = await Promise.all(Array.from({ length: 15 }, (_, i) => signInFrom(`10.0.7.${i}`, payload.email, `guess number ${i}`)));
    expect(guesses.filter((r) => r.statusCode === 401)).toHaveLength(10);
    expect(guesses.filter((r) => r.statusCode === 429)).toHaveLength(5);
  });

  it('lets many people behind one address sign in, and still throttles that address at its own limit', async () => {
    const people = [];
    for (let i = 0; i < 12; i += 1) people.push((await signUp()).payload);
    // A library's 12 computers share 10.0.8.1: with one typo each, 24 attempts in a few minutes.
    for (const person of people) {
      expect((await signInFrom('10.0.8.1', person.email, 'typo in it')).statusCode).toBe(401);
      expect((await signInFrom('10.0.8.1', person.email, person.password)).statusCode).toBe(200);
    }
    const strict = await startTestApp({ loginRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const attempt = () => strict.app.inject({ method: 'POST', url: '/api/auth/signin', payload: { email: 'guess@example.fi', password: 'guess' }, remoteAddress: '10.0.9.1' });
      for (let i = 0; i < 3; i += 1) expect((await attempt()).statusCode).toBe(401);
      const fourth = await attempt();
      expect(fourth.statusCode).toBe(429);
      expect(fourth.json().message).toMatch(/rate limit/i);
    } finally {
      await strict.close();
    }
  });
});

describe('sessions', () => {
  it('refuses an expired session and clears its cookie', async () => {
    const { cookie, user } = await signUp();
    await t.app.db.sql`update sessions set expires_at = now() - interval '1 second' where user_id = ${user.id}`;
    const after = await me(cookie);
    expect(after.json().user).toBeNull();
    expect(after.cookies.find((c) => c.name === 'aukio_session')?.value).toBe('');
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { cookie } })).statusCode).toBe(401);
  });

  it('extends a session with less than 15 days left and sends the cookie again', async () => {
    const { cookie, user } = await signUp();
    const email = user.email;
    await t.app.db.sql`update sessions set expires_at = now() + interval '10 days'
                       where user_id = (select id from users where email = ${email})`;
    const after = await me(cookie);
    expect(after.json().user.email).toBe(email);
    expect(after.cookies.find((c) => c.name === 'aukio_session')?.maxAge).toBe(30 * 24 * 3600);
    const [row] = await t.app.db.sql<{ days: number }[]>`
      select extract(epoch from expires_at - now()) / 86400 as days from sessions
      where user_id = (select id from users where email = ${email})`;
    expect(Number(row!.days)).toBeGreaterThan(29);
  });

  it('lists own sessions and revokes one, which is then refused', async () => {
    const { payload } = await signUp();
    const first = await signIn(t.app, payload.email, payload.password);
    const second = await signIn(t.app, payload.email, payload.password);
    const list = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { cookie: second } });
    const sessions = list.json().sessions as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const firstId = (await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { cookie: first } }))
      .json()
      .sessions.find((s: { current: boolean }) => s.current).id;
    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${firstId}`, headers: { cookie: second } });
    expect(revoke.statusCode).toBe(204);
    expect((await me(first)).json().user).toBeNull();
    expect((await me(second)).json().user.email).toBe(payload.email);
  });

  it('does not let one user revoke another user’s session', async () => {
    const a = await signUp();
    const b = await signUp();
    const aCookie = a.cookie;
    const aId = (await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { cookie: aCookie } })).json().sessions[0].id;
    const attempt = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${aId}`,
      headers: { cookie: b.cookie },
    });
    expect(attempt.statusCode).toBe(404);
    expect((await me(aCookie)).json().user).not.toBeNull();
  });

  it('signs out: the session is gone from the database', async () => {
    const { cookie } = await signUp();
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/signout', headers: { cookie }, payload: {} });
    expect(out.statusCode).toBe(204);
    expect((await me(cookie)).json().user).toBeNull();
  });
});

describe('cross-site requests', () => {
  it('refuses a cross-origin POST that carries a valid cookie, and accepts a same-origin one', async () => {
    const { cookie } = await signUp();
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signout',
      headers: { cookie, origin: 'https://evil.example', host: 'aukio.test' },
      payload: {},
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().message).toBe('Cross-origin request refused');
    expect((await me(cookie)).json().user).not.toBeNull();

    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signout',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
      payload: {},
    });
    expect(crossSite.statusCode).toBe(403);

    const own = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signout',
      headers: { cookie, origin: 'http://aukio.test', host: 'aukio.test' },
      payload: {},
    });
    expect(own.statusCode).toBe(204);
  });
});
