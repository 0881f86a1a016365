import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { HttpError, notFound, unauthorized } from '../errors.ts';
import { languageOf, languages } from '../mail/language.ts';
import { signupAttemptMail } from '../mail/templates/signup-attempt.ts';
import { verifyAddressMail } from '../mail/templates/verify-address.ts';
import { ErrorReply } from '../schemas.ts';
import { accountByEmail, emailKey, recipientOf } from './accounts.ts';
import { completeSignup, newLinkToken, SIGNUP_LINK_HOURS, storeSignup } from './account-tokens.ts';
import { acceptableDisplayName } from './display-name-check.ts';
import { refuseWeakPassword } from './password-check.ts';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.ts';
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts';
import { createSession, generateSessionToken, invalidateSession, type SessionUser } from './sessions.ts';
import { AccountSignInLimit, type SignInLimit } from './sign-in-limit.ts';

export interface AuthRoutesOptions {
  sql: Sql;
  secureCookies: boolean;
  loginRateLimit: { max: number; windowMs: number };
  accountSignInLimit: SignInLimit;
}

const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  isAdmin: Type.Boolean(),
});
const UserReply = Type.Object({ user: User });
export const Email = Type.String({ format: 'email', maxLength: 254 });
/** A password being chosen: at sign-up and at a reset. */
// Length and strength are the password policy's (password-policy.ts), with messages of its own.
export const NewPassword = Type.String({ maxLength: 1024 });
const Credentials = Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 1024 }) });
const SignUp = Type.Object({
  email: Email,
  password: NewPassword,
  displayName: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
  /** The language of the person's mails; by default the one the request asks for (Accept-Language). */
  language: Type.Optional(Type.Enum([...languages])),
});
/** What sign-up and a reset request answer whoever asks, whether the address has an account or not. */
export const CheckYourMail = Type.Object({ status: Type.Literal('mail_sent') });
/** The token of a mailed link, as its page sends it back. */
export const LinkToken = Type.String({ minLength: 1, maxLength: 200 });
const SessionInfo = Type.Object({
  id: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
});

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { sql, secureCookies, loginRateLimit, accountSignInLimit }) => {
  const throttle = { rateLimit: { max: loginRateLimit.max, timeWindow: loginRateLimit.windowMs } };
  const accountLimit = new AccountSignInLimit(accountSignInLimit);

  async function startSession(request: Parameters<typeof setSessionCookie>[0], reply: Parameters<typeof setSessionCookie>[1], userId: string) {
    const token = generateSessionToken();
    await createSession(sql, token, userId, request.headers['user-agent']?.slice(0, 300) ?? null);
    setSessionCookie(request, reply, token, secureCookies);
  }

  /**
   * Sign-up answers alike, in about the same time, whether the address has an account or not, so
   * it cannot be used to find out (the password is hashed either way). The address's owner learns
   * the rest by mail: a new address gets the link that makes the account (POST /verify), a known
   * one a warning that someone tried, with links to sign in and to choose a new password.
   */
  app.post(
    '/signup',
    {
      config: throttle,
      schema: { tags: ['auth'], body: SignUp, response: { 202: CheckYourMail, 400: ErrorReply, 429: ErrorReply } },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const displayName = await acceptableDisplayName(sql, request.body.displayName);
      refuseWeakPassword(password, { email, displayName, siteHost: request.hostname });
      const passwordHash = await hashPassword(password);
      const owner = await accountByEmail(sql, email);
      if (owner) {
        await app.mail.send(signupAttemptMail, recipientOf(owner), { displayName: owner.displayName });
      } else {
        const language = request.body.language ?? languageOf(request.headers['accept-language']);
        const token = newLinkToken();
        const signup = { email: email.trim(), emailKey: emailKey(email), displayName, passwordHash, language };
        await app.mail.send(verifyAddressMail, { address: signup.email, userId: null, language }, { token, validHours: SIGNUP_LINK_HOURS }, (tx) =>
          storeSignup(tx, token, signup),
        );
      }
      return reply.code(202).send({ status: 'mail_sent' });
    },
  );

  /** Following the link of a sign-up's mail: the account is made and its owner signed in. */
  app.post(
    '/verify',
    {
      config: throttle,
      schema: { tags: ['auth'], body: Type.Object({ token: LinkToken }), response: { 200: UserReply, 400: ErrorReply, 409: ErrorReply, 410: ErrorReply, 429: ErrorReply } },
    },
    async (request, reply) => {
      const user = await completeSignup(sql, request.body.token);
      await startSession(request, reply, user.id);
      return { user };
    },
  );

  app.post(
    '/signin',
    {
      config: throttle,
      schema: { tags: ['auth'], body: Credentials, response: { 200: UserReply, 400: ErrorReply, 401: ErrorReply, 429: ErrorReply } },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const key = emailKey(email);
      const waitMs = accountLimit.begin(key);
      if (waitMs !== null) {
        const minutes = Math.ceil(waitMs / 60_000);
        reply.header('retry-after', Math.ceil(waitMs / 1000));
        throw new HttpError(429, `Too many failed sign-ins to this email address: try again in ${minutes} min`, 'sign_in_locked');
      }
      const [row] = await sql<(SessionUser & { passwordHash: string })[]>`
        select id, email, display_name as "displayName", is_admin as "isAdmin", password_hash as "passwordHash"
        from users where email_key = ${key}`;
      const ok = row ? await verifyPassword(row.passwordHash, password) : await verifyAgainstDecoy(password);
      if (!row || !ok) throw unauthorized('Wrong email or password', 'invalid_credentials');
      accountLimit.succeeded(key);
      await startSession(request, reply, row.id);
      const { passwordHash: _, ...user } = row;
      return { user };
    },
  );

  app.post('/signout', { schema: { tags: ['auth'], response: { 204: Type.Null() } } }, async (request, reply) => {
    if (request.session) await invalidateSession(sql, app.accessChanges, request.session.userId, request.session.id);
    clearSessionCookie(request, reply, secureCookies);
    return reply.code(204).send(null);
  });

  app.get('/me', { schema: { tags: ['auth'], response: { 200: Type.Object({ user: Type.Union([User, Type.Null()]) }) } } }, async (request) => ({
    user: request.user,
  }));

  app.get(
    '/sessions',
    { schema: { tags: ['auth'], response: { 200: Type.Object({ sessions: Type.Array(SessionInfo) }), 401: ErrorReply } } },
    async (request) => {
      const current = request.session;
      if (!current) throw unauthorized();
      const rows = await sql<{ id: string; createdAt: Date; expiresAt: Date; userAgent: string | null }[]>`
        select id, created_at as "createdAt", expires_at as "expiresAt", user_agent as "userAgent"
        from sessions where user_id = ${current.userId} and expires_at > now() order by created_at desc`;
      return {
        sessions: rows.map((s) => ({
          id: s.id,
          createdAt: s.createdAt.toISOString(),
          expiresAt: s.expiresAt.toISOString(),
          userAgent: s.userAgent,
          current: s.id === current.id,
        })),
      };
    },
  );

  app.delete(
    '/sessions/:id',
    {
      schema: {
        tags: ['auth'],
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
        response: { 204: Type.Null(), 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const current = request.session;
      if (!current) throw unauthorized();
      if (!(await invalidateSession(sql, app.accessChanges, current.userId, request.params.id))) throw notFound('Session');
      if (request.params.id === current.id) clearSessionCookie(request, reply, secureCookies);
      return reply.code(204).send(null);
    },
  );
};
