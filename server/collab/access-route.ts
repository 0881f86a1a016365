import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { forbidden, notFound, unauthorized } from '../errors.ts';
import { closeCodes } from '../protocol/room-messages.ts';
import { ErrorReply } from '../schemas.ts';
import { parseDocumentName } from './access.ts';
import { notesReadOnly } from './document-store.ts';
import type { DocumentRegistry } from './registry.ts';

const Access = Type.Object({
  /** What the person's role allows. */
  access: Type.Enum({ write: 'write', read: 'read' }),
  /** The chair has made the meeting notes read-only: nobody writes, whatever their role. */
  locked: Type.Boolean(),
});

/**
 * `GET /api/documents/:docName/access` tells the editor whether to offer writing, decided by the
 * same check the socket makes (a refusal answers with the status its close code mirrors).
 */
export const documentAccessRoutes: FastifyPluginAsyncTypebox<{ sql: Sql; registry: DocumentRegistry }> = async (app, { sql, registry }) => {
  app.get(
    '/api/documents/:docName/access',
    {
      schema: {
        tags: ['documents'],
        params: Type.Object({ docName: Type.String({ maxLength: 200 }) }),
        response: { 200: Access, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const name = parseDocumentName(request.params.docName);
      if (!name) throw notFound('Document');
      const access = await registry.hooks.authenticate(request.user, name);
      if (!access.ok) {
        if (access.code === closeCodes.signInRequired) throw unauthorized(access.reason);
        if (access.code === closeCodes.forbidden) throw forbidden(access.reason);
        throw notFound('Document');
      }
      const locked = name.kind === 'notes' ? await notesReadOnly(sql, name.ownerId) : false;
      // The lock can change at any moment: never cached.
      reply.header('cache-control', 'no-store');
      return { access: access.level, locked };
    },
  );
};
