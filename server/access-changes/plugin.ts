import fp from 'fastify-plugin';
import type { AccessChanges } from './access-changes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where every change of rights is told, and where open sockets are rechecked. */
    accessChanges: AccessChanges;
  }
  interface FastifyRequest {
    /** `accessChanges.version` when the request arrived, before its session was read. */
    accessVersion: number;
  }
}

/**
 * Register before the session cookie: the version a socket hands to `track` must be taken before
 * anything about its rights is read, its session included, or a sign-out committed in between
 * would go unnoticed by it.
 */
export const accessChangesPlugin = fp<{ changes: AccessChanges }>(
  async (app, { changes }) => {
    app.decorate('accessChanges', changes);
    app.decorateRequest('accessVersion', 0);
    app.addHook('onRequest', async (request) => {
      request.accessVersion = changes.version;
    });
  },
  { name: 'aukio-access-changes' },
);
