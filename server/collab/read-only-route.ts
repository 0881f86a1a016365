import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { forbidden, notFound, unauthorized } from '../errors.ts';
import { actorInSpace } from '../permissions/actor.ts';
import { can, canView, type SpaceKind, type Visibility } from '../permissions/permissions.ts';
import { notesReadOnly, setNotesReadOnly } from './document-store.ts';
import type { DocumentRegistry } from './registry.ts';

const params = Type.Object({ id: Type.String({ format: 'uuid' }) });
const state = Type.Object({ readOnly: Type.Boolean() });

/**
 * `GET /api/meetings/:id/notes` tells whether the meeting's shared notes are read-only;
 * `PUT /api/meetings/:id/notes/read-only {readOnly}` lets the chair switch it (live sockets follow at once).
 */
export const notesReadOnlyRoutes: FastifyPluginAsyncTypebox<{ sql: Sql; registry: DocumentRegistry }> = async (app, { sql, registry }) => {
  async function meetingFor(id: string, user: Parameters<typeof actorInSpace>[1]) {
    const [meeting] = await sql<{ spaceId: string; kind: SpaceKind; visibility: Visibility }[]>`
      select m.space_id as "spaceId", s.kind, s.visibility from meetings m join spaces s on s.id = m.space_id where m.id = ${id}`;
    const actor = meeting ? await actorInSpace(sql, user, meeting.spaceId) : null;
    if (!meeting || !actor || !canView(actor, meeting)) throw notFound('Meeting');
    return { meeting, actor, space: { kind: meeting.kind, visibility: meeting.visibility } };
  }

  app.get('/api/meetings/:id/notes', { schema: { tags: ['meetings'], params, response: { 200: state } } }, async (request) => {
    const { actor, space } = await meetingFor(request.params.id, request.user);
    if (!can(actor, 'room.watch', space)) throw request.user ? forbidden() : unauthorized();
    return { readOnly: await notesReadOnly(sql, request.params.id) };
  });

  app.put('/api/meetings/:id/notes/read-only', { schema: { tags: ['meetings'], params, body: state, response: { 200: state } } }, async (request) => {
    if (!request.user) throw unauthorized();
    const { meeting, actor, space } = await meetingFor(request.params.id, request.user);
    if (!can(actor, 'room.chair', space)) throw forbidden('Only the chair can lock or unlock the notes');
    const { readOnly } = request.body;
    await sql.begin(async (tx) => {
      await setNotesReadOnly(tx, request.params.id, readOnly, request.user!.id);
      await recordAudit(tx, {
        spaceId: meeting.spaceId,
        actorId: request.user!.id,
        action: readOnly ? 'notes.lock' : 'notes.unlock',
        targetType: 'meeting',
        targetId: request.params.id,
      });
    });
    await registry.setNotesReadOnly(request.params.id, readOnly);
    return { readOnly };
  });
};
