import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { anonymousActor } from '../permissions/actor.ts';
import { can } from '../permissions/permissions.ts';
import { LocalizedText } from '../schemas.ts';
import { decodeCursor, page } from './keyset.ts';
import { withFallback } from './localized.ts';
import { AgendaItem, Counts, ErrorReply, MeetingSummary, Page } from './schemas.ts';
import { agendasOf, countsOf, meetingColumns, space, toSummary, type MeetingRow } from './store.ts';

const OpenMeeting = Type.Object({
  ...MeetingSummary.properties,
  spaceKind: Type.String(),
  description: LocalizedText,
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
  agenda: Type.Array(AgendaItem),
  counts: Counts,
});

/**
 * Public meetings as open data: the same for everyone (a session cookie changes nothing),
 * readable from any origin, oldest first so a harvester can walk the whole history.
 */
export const openDataRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/open-data',
    {
      schema: {
        tags: ['meetings'],
        querystring: Type.Object({
          ...Page.properties,
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          space: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,80}$' })),
        }),
        response: {
          200: Type.Object({ meetings: Type.Array(OpenMeeting), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          400: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const { limit, space: slug } = request.query;
      const after = decodeCursor(request.query.cursor);
      const rows = await sql<(MeetingRow & { startsKey: string })[]>`
        select m.starts_at::text as "startsKey", ${meetingColumns(sql)}
        where s.visibility = 'public'
          ${slug ? sql`and s.slug = ${slug}` : sql``}
          ${after ? sql`and (m.starts_at, m.id) > (${after.startsAt}::timestamptz, ${after.id}::uuid)` : sql``}
        order by m.starts_at, m.id
        limit ${limit + 1}`;
      const result = page(rows, limit);
      // The query narrows to public spaces for speed; can() still has the last word.
      const anonymous = anonymousActor();
      const shown = result.rows.filter((m) => can(anonymous, 'meeting.view', space(m)));
      const ids = shown.map((m) => m.id);
      const agendas = await agendasOf(sql, ids);
      const counts = await countsOf(sql, ids);
      reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300');
      return {
        meetings: shown.map((m) => ({
          ...toSummary(m),
          spaceKind: m.spaceKind,
          description: withFallback(m.description),
          capacity: m.capacity,
          updatedAt: m.updatedAt.toISOString(),
          agenda: agendas.get(m.id) ?? [],
          counts: counts.get(m.id)!,
        })),
        nextCursor: result.nextCursor,
      };
    },
  );
};
