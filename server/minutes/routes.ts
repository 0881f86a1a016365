import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { requireCan, visibleMeeting } from '../meetings/access.ts';
import { ErrorReply, MeetingId } from '../meetings/schemas.ts';
import { recordOf } from './meeting-record.ts';
import { MeetingRecord } from './schemas.ts';

/**
 * `GET /meetings/:id/record` (under `/api`): the meeting's record for writing its minutes, to those
 * who may read the draft minutes in the meeting's space. A meeting the user cannot see is missing (404).
 */
export const minutesRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/meetings/:id/record',
    {
      schema: {
        tags: ['minutes'],
        params: MeetingId,
        response: { 200: MeetingRecord, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const { meeting, actor } = await visibleMeeting(sql, request.user, request.params.id);
      requireCan(actor, 'minutes.readDraft', meeting);
      return recordOf(sql, meeting);
    },
  );
};
