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
async function signUp() {
  const payload = nextPerson();
  const { cookie, user } = await signUpThroughMail(t.app, payload, { remoteAddress: `10.0.1.${n}` });
  return { cookie, user, payload };
}
/** A sign-up request alone, for the checks that refuse one. */
const signUpRequest = (overrides: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: { ...nextPerson(), ...overrides }, remoteAddress: `10.0.1.${n}` });

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
    expect(short.json().message).toMatch(/password/);
    const invalid = await signUpRequest({ email: 'not-an-email' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().message).toMatch(/email/);
  });

  it('throttles the 11th rapid sign-in attempt', async () => {
    const attempt = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/signin',
        payload: { email: 'guess@example.fi', password: 'guess' },
        remoteAddress: '10.0.3.1',
      });
    for (let i = 0; i < 10; i += 1) expect((await attempt()).statusCode).toBe(401);
    const eleventh = await attempt();
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json().message).toMatch(/rate limit/i);
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
