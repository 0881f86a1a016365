import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { passwordResetMail } from '../mail/templates/password-reset.ts';
import { ErrorReply } from '../schemas.ts';
import { accountByEmail, recipientOf } from './accounts.ts';
import { checkPasswordReset, completePasswordReset, newLinkToken, RESET_LINK_HOURS, storePasswordReset } from './account-tokens.ts';
import { refuseWeakPassword } from './password-check.ts';
import { hashPassword } from './passwords.ts';
import { CheckYourMail, Email, LinkToken, NewPassword } from './routes.ts';
import { clearSessionCookie } from './session-cookie.ts';
import { invalidateAllSessions } from './sessions.ts';

export interface PasswordResetOptions {
  sql: Sql;
  secureCookies: boolean;
  /** Per client (address): as for signing in. */
  rateLimit: { max: number; windowMs: number };
}

/**
 * A forgotten password: a single-use link by mail (one hour), then a new password that ends every
 * session of the account. Limited per client here, and per address by the mail itself
 * (passwordResetMail.perAddressPerHour), silently, so that the answer never tells whether an
 * address has an account.
 */
export const passwordResetRoutes: FastifyPluginAsyncTypebox<PasswordResetOptions> = async (app, { sql, secureCookies, rateLimit }) => {
  const throttle = { rateLimit: { max: rateLimit.max, timeWindow: rateLimit.windowMs } };

  app.post(
    '/password-reset',
    { config: throttle, schema: { tags: ['auth'], body: Type.Object({ email: Email }), response: { 202: CheckYourMail, 400: ErrorReply, 429: ErrorReply } } },
    async (request, reply) => {
      const owner = await accountByEmail(sql, request.body.email);
      if (owner) {
        const token = newLinkToken();
        await app.mail.send(passwordResetMail, recipientOf(owner), { displayName: owner.displayName, token, validHours: RESET_LINK_HOURS }, (tx) =>
          storePasswordReset(tx, token, owner.id),
        );
      }
      return reply.code(202).send({ status: 'mail_sent' });
    },
  );

  app.post(
    '/password-reset/confirm',
    {
      config: throttle,
      schema: {
        tags: ['auth'],
        body: Type.Object({ token: LinkToken, password: NewPassword }),
        response: { 204: Type.Null(), 400: ErrorReply, 410: ErrorReply, 429: ErrorReply },
      },
    },
    async (request, reply) => {
      const { token, password } = request.body;
      const account = await checkPasswordReset(sql, token);
      refuseWeakPassword(password, { ...account, siteHost: request.hostname });
      const userId = await completePasswordReset(sql, token, await hashPassword(password));
      // Whoever held the old password is signed out everywhere, this browser too if it was signed in as them.
      await invalidateAllSessions(sql, app.accessChanges, userId);
      if (request.session?.userId === userId) clearSessionCookie(request, reply, secureCookies);
      return reply.code(204).send(null);
    },
  );
};
