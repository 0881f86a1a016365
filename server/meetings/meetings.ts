import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { requireCan, visibleMeeting } from './access.ts';
import { meetingDetail } from './detail.ts';
import { stored } from './localized.ts';
import { moveAllRemote, promoteWaitlisted } from './registration-store.ts';
import { checkMeetingFields, requireOpen, transition, type Transition } from './rules.ts';
import { ErrorReply, MeetingId, MeetingReply, UpdateMeeting } from './schemas.ts';
import { findMeeting } from './store.ts';

const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };

/** One meeting at its stable address `/api/meetings/:id`: read, edit, and move through its states. */
export const meetingPageRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/:id',
    { schema: { tags: ['meetings'], params: MeetingId, response: { 200: MeetingReply, 400: ErrorReply, 404: ErrorReply } } },
    async (request) => {
      const { meeting, actor } = await visibleMeeting(sql, request.user, request.params.id);
      return { meeting: await meetingDetail(sql, meeting, actor) };
    },
  );

  app.patch(
    '/:id',
    { schema: { tags: ['meetings'], params: MeetingId, body: UpdateMeeting, response: { 200: MeetingReply, ...errors } } },
    async (request) =>
      sql.begin(async (tx) => {
        const { meeting, actor } = await visibleMeeting(tx, request.user, request.params.id, { lock: true });
        requireCan(actor, 'meeting.manage', meeting);
        requireOpen(meeting.state, 'Editing');
        const body = request.body;
        const place = body.place ?? meeting.place;
        const leavesHall = place === 'online';
        const next = {
          startsAt: body.startsAt ? new Date(body.startsAt) : meeting.startsAt,
          endsAt: body.endsAt ? new Date(body.endsAt) : meeting.endsAt,
          place,
          // Going online drops the hall details unless the client sent them (which is then an error).
          address: body.address !== undefined ? body.address?.trim() || null : leavesHall ? null : meeting.address,
          capacity: body.capacity !== undefined ? body.capacity : leavesHall ? null : meeting.capacity,
        };
        checkMeetingFields(next);
        await tx`
          update meetings set
            title = ${body.title ? tx.json(stored(body.title)) : tx`title`},
            description = ${body.description ? tx.json(stored(body.description)) : tx`description`},
            mode = ${body.mode ?? meeting.mode},
            starts_at = ${next.startsAt}, ends_at = ${next.endsAt}, place = ${next.place},
            address = ${next.address}, capacity = ${next.capacity},
            sequence = sequence + 1, updated_at = now()
          where id = ${meeting.id}`;
        if (leavesHall) await moveAllRemote(tx, meeting.id);
        else await promoteWaitlisted(tx, { id: meeting.id, capacity: next.capacity });
        return { meeting: await meetingDetail(tx, (await findMeeting(tx, meeting.id))!, actor) };
      }),
  );

  const changeState = (user: SessionUser | null, id: string, action: Transition, reason: string | null) =>
    sql.begin(async (tx) => {
      const { meeting, actor } = await visibleMeeting(tx, user, id, { lock: true });
      requireCan(actor, 'meeting.manage', meeting);
      const state = transition(action, meeting.state);
      await tx`update meetings set state = ${state}, cancel_reason = ${reason}, sequence = sequence + 1, updated_at = now()
               where id = ${meeting.id}`;
      return { meeting: await meetingDetail(tx, (await findMeeting(tx, meeting.id))!, actor) };
    });

  const stateSchema = { tags: ['meetings'], params: MeetingId, response: { 200: MeetingReply, ...errors } };
  app.post('/:id/start', { schema: stateSchema }, async (request) => changeState(request.user, request.params.id, 'start', null));
  app.post('/:id/end', { schema: stateSchema }, async (request) => changeState(request.user, request.params.id, 'end', null));
  app.post(
    '/:id/cancel',
    {
      schema: {
        ...stateSchema,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S' }) }, { additionalProperties: false }),
      },
    },
    async (request) => changeState(request.user, request.params.id, 'cancel', request.body.reason.trim()),
  );
};
