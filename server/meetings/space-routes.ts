import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { forbidden, notFound, unauthorized } from '../errors.ts';
import { actorInSpace } from '../permissions/actor.ts';
import { can, type SpaceKind, type Visibility } from '../permissions/permissions.ts';
import { replaceAgenda } from './agenda-store.ts';
import { spaceCalendarRoutes } from './calendar.ts';
import { meetingDetail } from './detail.ts';
import { decodeCursor, page } from './keyset.ts';
import { stored } from './localized.ts';
import { checkMeetingFields } from './rules.ts';
import { CreateMeeting, ErrorReply, MeetingReply, MeetingSummary, Page, SpaceSlug } from './schemas.ts';
import { findMeeting, listSpaceMeetings, toSummary } from './store.ts';

export interface SpaceMeetingOptions {
  sql: Sql;
  publicUrl?: string | undefined;
}

interface SpaceRow {
  id: string;
  kind: SpaceKind;
  visibility: Visibility;
}

async function visibleSpace(sql: Sql, user: SessionUser | null, slug: string) {
  const [space] = await sql<SpaceRow[]>`select id, kind, visibility from spaces where slug = ${slug}`;
  if (!space) throw notFound('Space');
  const actor = await actorInSpace(sql, user, space.id);
  if (!can(actor, 'meeting.view', space)) throw notFound('Space');
  return { space, actor };
}

/** A space's meetings, under `/api/spaces/:slug/...`. */
export const spaceMeetingRoutes: FastifyPluginAsyncTypebox<SpaceMeetingOptions> = async (app, { sql, publicUrl }) => {
  await app.register(spaceCalendarRoutes, { sql, publicUrl });

  app.get(
    '/:slug/meetings',
    {
      schema: {
        tags: ['meetings'],
        params: SpaceSlug,
        querystring: Type.Object({
          when: Type.Enum(['upcoming', 'past'], { default: 'upcoming' }),
          ...Page.properties,
        }),
        response: {
          200: Type.Object({ meetings: Type.Array(MeetingSummary), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          400: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (request) => {
      const { space } = await visibleSpace(sql, request.user, request.params.slug);
      const { when, limit } = request.query;
      const after = decodeCursor(request.query.cursor);
      const rows = await listSpaceMeetings(sql, space.id, { when, after, limit });
      const result = page(rows, limit);
      return { meetings: result.rows.map(toSummary), nextCursor: result.nextCursor };
    },
  );

  app.post(
    '/:slug/meetings',
    {
      schema: {
        tags: ['meetings'],
        params: SpaceSlug,
        body: CreateMeeting,
        response: { 201: MeetingReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { space, actor } = await visibleSpace(sql, request.user, request.params.slug);
      if (!can(actor, 'meeting.manage', space)) throw actor.userId === null ? unauthorized() : forbidden();
      const body = request.body;
      const fields = {
        startsAt: new Date(body.startsAt),
        endsAt: new Date(body.endsAt),
        place: body.place,
        address: body.address?.trim() || null,
        capacity: body.capacity ?? null,
      };
      checkMeetingFields(fields);
      const meeting = await sql.begin(async (tx) => {
        const [row] = await tx<{ id: string }[]>`
          insert into meetings (space_id, title, description, starts_at, ends_at, mode, place, address, capacity)
          values (${space.id}, ${tx.json(stored(body.title))}, ${tx.json(stored(body.description ?? { fi: '' }))},
                  ${fields.startsAt}, ${fields.endsAt}, ${body.mode}, ${fields.place}, ${fields.address}, ${fields.capacity})
          returning id`;
        await replaceAgenda(tx, row!.id, body.agenda ?? [], 'body/agenda');
        return (await findMeeting(tx, row!.id))!;
      });
      return reply.code(201).send({ meeting: await meetingDetail(sql, meeting, actor) });
    },
  );
};
