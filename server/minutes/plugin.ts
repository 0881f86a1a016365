import fp from 'fastify-plugin';
import type { Sql } from '../../db/connection.ts';
import { findMeeting } from '../meetings/store.ts';
import { MinutesDrafts } from './draft.ts';
import { minutesVersionRoutes } from './version-routes.ts';
import { minutesWorkflowRoutes } from './workflow-routes.ts';

/** The meeting transitions after which its minutes draft has something new to hold. */
const fillsAfter = new Set(['/api/meetings/:id/start', '/api/meetings/:id/end']);

/**
 * Minutes from live draft to published record: fills the draft when a meeting starts and ends (the
 * answer to start or end waits for it, so whoever opens the draft next finds it there), and the
 * workflow and published-version routes. Registered after the collab endpoint, whose live
 * documents the draft is written into, and before the meeting routes, whose answers it watches.
 */
export const minutesPlugin = fp<{ sql: Sql }>(
  async (app, { sql }) => {
    const drafts = new MinutesDrafts(sql, app.documents, app.log);
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.method !== 'POST' || reply.statusCode !== 200 || !fillsAfter.has(request.routeOptions.url ?? '')) return payload;
      try {
        const meeting = await findMeeting(sql, (request.params as { id: string }).id);
        if (meeting) await drafts.fillQuietly(meeting);
      } catch (error) {
        request.log.error({ err: error }, 'the minutes draft could not be filled in');
      }
      return payload;
    });
    await app.register(minutesWorkflowRoutes, { sql, registry: app.documents, drafts });
    await app.register(minutesVersionRoutes, { sql });
  },
  { name: 'aukio-minutes', dependencies: ['aukio-collab'] },
);
