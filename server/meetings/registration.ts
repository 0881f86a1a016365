import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { HttpError, notFound } from '../errors.ts';
import { requireCan, visibleMeeting } from './access.ts';
import { deleteRegistration, registrationOf, registrationsOf, upsertRegistration } from './registration-store.ts';
import { requireOpen } from './rules.ts';
import { attendances, Counts, ErrorReply, MeetingId, Needs, Registration } from './schemas.ts';
import { countsOf } from './store.ts';

const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };

const RegistrationReply = Type.Object({ registration: Registration, counts: Counts });

/** Attending a meeting: one registration per person, in the hall (seats and a waitlist) or remotely. */
export const registrationRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.put(
    '/:id/registration',
    {
      schema: {
        tags: ['meetings'],
        params: MeetingId,
        body: Type.Object(
          {
            attendance: Type.Enum(attendances),
            needs: Type.Optional(Needs),
          },
          { additionalProperties: false },
        ),
        response: { 200: RegistrationReply, 201: RegistrationReply, ...errors },
      },
    },
    async (request, reply) => {
      const result = await sql.begin(async (tx) => {
        // The row lock makes concurrent registrations for the last seat take turns.
        const { meeting, actor } = await visibleMeeting(tx, request.user, request.params.id, { lock: true });
        requireCan(actor, 'meeting.register', meeting);
        requireOpen(meeting.state, 'Registration');
        const { attendance } = request.body;
        if (attendance === 'hall' && meeting.place === 'online') throw new HttpError(409, 'This meeting is online only: register to attend remotely', 'no_hall');
        const needs = request.body.needs ?? { interpretation: false, inductionLoop: false, signLanguage: false, other: null };
        const { created } = await upsertRegistration(tx, meeting, actor.userId!, attendance, needs);
        return {
          created,
          registration: (await registrationOf(tx, meeting.id, actor.userId))!,
          counts: (await countsOf(tx, [meeting.id])).get(meeting.id)!,
        };
      });
      return reply.code(result.created ? 201 : 200).send({ registration: result.registration, counts: result.counts });
    },
  );

  app.delete(
    '/:id/registration',
    { schema: { tags: ['meetings'], params: MeetingId, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await sql.begin(async (tx) => {
        const { meeting, actor } = await visibleMeeting(tx, request.user, request.params.id, { lock: true });
        requireCan(actor, 'meeting.register', meeting);
        requireOpen(meeting.state, 'Registration');
        if (!(await deleteRegistration(tx, meeting, actor.userId!))) throw notFound('Registration');
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/:id/registrations',
    {
      schema: {
        tags: ['meetings'],
        params: MeetingId,
        response: {
          200: Type.Object({
            registrations: Type.Array(
              Type.Object({ user: Type.Object({ id: Type.String(), displayName: Type.String() }), ...Registration.properties }),
            ),
            counts: Counts,
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { meeting, actor } = await visibleMeeting(sql, request.user, request.params.id);
      requireCan(actor, 'meeting.readRegistrations', meeting, 'Only the organisers see the registrations');
      return {
        registrations: await registrationsOf(sql, meeting.id),
        counts: (await countsOf(sql, [meeting.id])).get(meeting.id)!,
      };
    },
  );
};
