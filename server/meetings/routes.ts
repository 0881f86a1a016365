import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { actorsBySpace } from '../permissions/actor.ts';
import { can, type SpaceKind, type Visibility } from '../permissions/permissions.ts';
import { LocalizedText } from '../schemas.ts';

const Meeting = Type.Object({
  id: Type.String(),
  spaceSlug: Type.String(),
  spaceName: LocalizedText,
  title: LocalizedText,
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  mode: Type.Union([Type.Literal('meeting'), Type.Literal('broadcast')]),
  state: Type.Union(['scheduled', 'live', 'ended', 'cancelled'].map((s) => Type.Literal(s))),
});

interface MeetingRow {
  id: string;
  spaceId: string;
  spaceSlug: string;
  spaceName: { fi: string; sv: string; en: string };
  spaceKind: SpaceKind;
  spaceVisibility: Visibility;
  title: { fi: string; sv: string; en: string };
  startsAt: Date;
  endsAt: Date;
  mode: 'meeting' | 'broadcast';
  state: 'scheduled' | 'live' | 'ended' | 'cancelled';
}

export const meetingRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/upcoming',
    {
      schema: {
        tags: ['meetings'],
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
        response: { 200: Type.Object({ meetings: Type.Array(Meeting) }) },
      },
    },
    async (request) => {
      const actorFor = await actorsBySpace(sql, request.user);
      const rows = await sql<MeetingRow[]>`
        select m.id, m.space_id as "spaceId", s.slug as "spaceSlug", s.name as "spaceName", s.kind as "spaceKind",
               s.visibility as "spaceVisibility", m.title, m.starts_at as "startsAt", m.ends_at as "endsAt", m.mode, m.state
        from meetings m join spaces s on s.id = m.space_id
        where m.ends_at > now() and m.state in ('scheduled', 'live')
        order by m.starts_at`;
      const visible = rows.filter((m) => can(actorFor(m.spaceId), 'meeting.view', { kind: m.spaceKind, visibility: m.spaceVisibility }));
      return {
        meetings: visible.slice(0, request.query.limit).map((m) => ({
          id: m.id,
          spaceSlug: m.spaceSlug,
          spaceName: m.spaceName,
          title: m.title,
          startsAt: m.startsAt.toISOString(),
          endsAt: m.endsAt.toISOString(),
          mode: m.mode,
          state: m.state,
        })),
      };
    },
  );
};
