import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';

// A database that does not answer is as down as one that refuses: don't hang the probe.
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const Health = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]) });

export const healthRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get('/healthz', { schema: { tags: ['health'], response: { 200: Health, 503: Health } } }, async (request, reply) => {
    try {
      await withTimeout(sql`select 1`.execute(), 2000);
      return { status: 'ok' as const };
    } catch (error) {
      request.log.warn({ err: error }, 'database unreachable');
      return reply.code(503).send({ status: 'unavailable' as const });
    }
  });
};
