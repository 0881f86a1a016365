import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { actorsBySpace } from '../permissions/actor.ts';
import { can } from '../permissions/permissions.ts';
import { agendaRoutes } from './agenda.ts';
import { townCalendarRoutes } from './calendar.ts';
import { meetingPageRoutes } from './meetings.ts';
import { openDataRoutes } from './open-data.ts';
import { registrationRoutes } from './registration.ts';
import { MeetingSummary } from './schemas.ts';
import { meetingColumns, space, toSummary, type MeetingRow } from './store.ts';

export { spaceMeetingRoutes } from './space-routes.ts';

export interface MeetingRoutesOptions {
  sql: Sql;
  /** The public address, for meeting links in calendar feeds. */
  publicUrl?: string | undefined;
}

/** Everything under `/api/meetings`. */
export const meetingRoutes: FastifyPluginAsyncTypebox<MeetingRoutesOptions> = async (app, { sql, publicUrl }) => {
  await app.register(meetingPageRoutes, { sql });
  await app.register(agendaRoutes, { sql });
  await app.register(registrationRoutes, { sql });
  await app.register(openDataRoutes, { sql });
  await app.register(townCalendarRoutes, { sql, publicUrl });

  app.get(
    '/upcoming',
    {
      schema: {
        tags: ['meetings'],
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
        response: { 200: Type.Object({ meetings: Type.Array(MeetingSummary) }) },
      },
    },
    async (request) => {
      const actorFor = await actorsBySpace(sql, request.user);
      const rows = await sql<MeetingRow[]>`
        select ${meetingColumns(sql)}
        where m.ends_at > now() and m.state in ('scheduled', 'live')
        order by m.starts_at, m.id`;
      const visible = rows.filter((m) => can(actorFor(m.spaceId), 'meeting.view', space(m)));
      return { meetings: visible.slice(0, request.query.limit).map(toSummary) };
    },
  );
};
