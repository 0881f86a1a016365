import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { spaceForAction } from '../spaces/space-store.ts';
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
      const { space } = await spaceForAction(sql, request.user, request.params.slug, 'meeting.view');
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
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'meeting.manage');
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
