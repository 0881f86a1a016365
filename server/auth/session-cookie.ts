import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Sql } from '../../db/connection.ts';
import { type Session, type SessionUser, SESSION_LIFETIME_MS, validateSessionToken } from './sessions.ts';

export const SESSION_COOKIE = 'aukio_session';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
    session: Session | null;
  }
}

function cookieOptions(request: FastifyRequest, secure: boolean) {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: secure || request.protocol === 'https' } as const;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(request, secure), maxAge: SESSION_LIFETIME_MS / 1000 });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request, secure));
}

/** Puts the signed-in user (or null) on every request, renewing the cookie when the session was extended. */
export const sessionCookie = fp<{ sql: Sql; secureCookies: boolean }>(async (app, { sql, secureCookies }) => {
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const result = await validateSessionToken(sql, token);
    if (!result) {
      clearSessionCookie(request, reply, secureCookies);
      return;
    }
    request.user = result.user;
    request.session = result.session;
    if (result.renewed) setSessionCookie(request, reply, token, secureCookies);
  });
});
