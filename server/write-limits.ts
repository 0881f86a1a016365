/**
 * How much one person may write in a while, so one account cannot flood a forum or the
 * moderators' queue: new threads, replies and edits share one budget, reports and reactions have
 * their own. Counted per signed-in person (whatever their address) by @fastify/rate-limit when
 * a valid request reaches the route, before it is handled: parallel requests are counted one by
 * one, and a refused one answers 429 saying when to try again. Kept per server process.
 */
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from './errors.ts';

export interface WriteLimit {
  max: number;
  windowMs: number;
}

export const writeKinds = ['posts', 'reports', 'reactions'] as const;
export type WriteKind = (typeof writeKinds)[number];
export type WriteLimits = Record<WriteKind, WriteLimit>;

/** Far above what a person types or clicks, far below what a script sends. */
export const defaultWriteLimits: WriteLimits = {
  posts: { max: 10, windowMs: 60_000 },
  reports: { max: 10, windowMs: 10 * 60_000 },
  reactions: { max: 60, windowMs: 60_000 },
};

export const writeRefusals: Record<WriteKind, { message: string; code: string }> = {
  posts: { message: 'You are writing faster than the forum allows', code: 'posting_too_fast' },
  reports: { message: 'You have sent many reports in a short time', code: 'reporting_too_fast' },
  reactions: { message: 'You are reacting faster than the forum allows', code: 'reacting_too_fast' },
};

declare module 'fastify' {
  interface FastifyInstance {
    /** A route's `preHandler` that counts the request against the person's budget of that kind. */
    writeLimit: Record<WriteKind, preHandlerAsyncHookHandler>;
  }
}

// Signed-in people by account: routes that write refuse the anonymous anyway, who are counted by address.
const personKey = (request: FastifyRequest) => (request.user ? `user:${request.user.id}` : `address:${request.ip}`);

function limiter(app: FastifyInstance, kind: WriteKind, limit: WriteLimit): preHandlerAsyncHookHandler {
  // One counter per kind, shared by every route given this hook.
  const count = app.createRateLimit({ max: limit.max, timeWindow: limit.windowMs, keyGenerator: (request) => `${kind}:${personKey(request)}` });
  return async (request, reply) => {
    const result = await count(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', result.ttlInSeconds);
    const { message, code } = writeRefusals[kind];
    throw new HttpError(429, `${message}: try again in ${result.ttlInSeconds} s`, code);
  };
}

/** Registered after @fastify/rate-limit and before the routes that write. */
export const writeLimits = fp<{ limits: WriteLimits }>(async (app, { limits }) => {
  app.decorate('writeLimit', Object.fromEntries(writeKinds.map((kind) => [kind, limiter(app, kind, limits[kind])])) as Record<WriteKind, preHandlerAsyncHookHandler>);
});
