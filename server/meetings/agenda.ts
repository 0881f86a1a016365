import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { requireCan, visibleMeeting } from './access.ts';
import { replaceAgenda } from './agenda-store.ts';
import { requireOpen } from './rules.ts';
import { AgendaInput, AgendaItem, ErrorReply, MeetingId } from './schemas.ts';
import { agendaOf } from './store.ts';

export const agendaRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.put(
    '/:id/agenda',
    {
      schema: {
        tags: ['meetings'],
        params: MeetingId,
        body: Type.Object({ items: AgendaInput }, { additionalProperties: false }),
        response: {
          200: Type.Object({ agenda: Type.Array(AgendaItem) }),
          400: ErrorReply,
          401: ErrorReply,
          403: ErrorReply,
          404: ErrorReply,
          409: ErrorReply,
        },
      },
    },
    async (request) =>
      sql.begin(async (tx) => {
        const { meeting, actor } = await visibleMeeting(tx, request.user, request.params.id, { lock: true });
        requireCan(actor, 'meeting.manage', meeting);
        requireOpen(meeting.state, 'The agenda');
        await replaceAgenda(tx, meeting.id, request.body.items, 'body/items');
        // Calendar apps show the agenda in the event's description: a new revision.
        await tx`update meetings set sequence = sequence + 1, updated_at = now() where id = ${meeting.id}`;
        return { agenda: await agendaOf(tx, meeting.id) };
      }),
  );
};
