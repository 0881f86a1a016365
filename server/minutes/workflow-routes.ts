import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as Y from 'yjs';
import type { Sql } from '../../db/connection.ts';
import type { DocumentRegistry } from '../collab/registry.ts';
import { currentDocument } from '../documents/current-content.ts';
import { conflict } from '../errors.ts';
import { requireCan, visibleMeeting } from '../meetings/access.ts';
import { ErrorReply, MeetingId } from '../meetings/schemas.ts';
import { space, type MeetingRow } from '../meetings/store.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { can, type Actor } from '../permissions/permissions.ts';
import { MINUTES_FRAGMENT, minutesDocumentName, type MinutesDrafts } from './draft.ts';
import { MinutesStatus } from './schemas.ts';
import { latestVersion, listVersions, versionSummary } from './versions.ts';
import { approveMinutes, checkMove, moves, publishMinutes, readMinutes, returnMinutes, submitMinutes, type Move } from './workflow.ts';

const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };

const refusals: Record<Move, string> = {
  submit: 'Only the secretary or the chair can submit the minutes',
  return: 'Only the chair can return the minutes',
  approve: 'Only the chair can approve the minutes',
  publish: 'Only the secretary or the chair can publish the minutes',
};

/**
 * `GET /api/meetings/:id/minutes`: where the minutes stand, the moves the reader may make, and the
 * published versions (to anyone who can see the meeting; the draft and the chair's comment to
 * those who may read the draft). `POST …/minutes/submit|return|approve|publish` make the moves.
 */
export const minutesWorkflowRoutes: FastifyPluginAsyncTypebox<{ sql: Sql; registry: DocumentRegistry; drafts: MinutesDrafts }> = async (
  app,
  { sql, registry, drafts },
) => {
  async function status(meeting: MeetingRow, actor: Actor) {
    const row = await readMinutes(sql, meeting.id);
    const versions = await listVersions(sql, meeting.id);
    const readsDraft = can(actor, 'minutes.readDraft', space(meeting));
    const may = (move: Move) =>
      can(actor, moves[move].action, space(meeting)) && moves[move].from.includes(row.state) && (move !== 'submit' || meeting.state === 'ended');
    return {
      meetingId: meeting.id,
      meetingState: meeting.state,
      state: row.state,
      comment: readsDraft ? row.comment : null,
      changedAt: row.changedAt.getTime() > 0 ? row.changedAt.toISOString() : null,
      changedBy: readsDraft ? row.changedByName : null,
      draft: readsDraft
        ? { documentName: minutesDocumentName(meeting.id), fragment: MINUTES_FRAGMENT, writable: can(actor, 'minutes.write', space(meeting)) }
        : null,
      can: { submit: may('submit'), return: may('return'), approve: may('approve'), publish: may('publish') },
      versions: versions.map(versionSummary),
    };
  }

  /** The meeting, with the move's permission checked. */
  async function forMove(user: SessionUser | null, id: string, move: Move) {
    const { meeting, actor } = await visibleMeeting(sql, user, id);
    requireCan(actor, moves[move].action, meeting, refusals[move]);
    return { meeting, actor, actorId: actor.userId! };
  }

  app.get(
    '/api/meetings/:id/minutes',
    { schema: { tags: ['minutes'], params: MeetingId, response: { 200: MinutesStatus, 400: ErrorReply, 404: ErrorReply } } },
    async (request, reply) => {
      const { meeting, actor } = await visibleMeeting(sql, request.user, request.params.id);
      // Opening the minutes after the meeting's start or end fills in whatever the draft still lacks.
      if (can(actor, 'minutes.readDraft', space(meeting))) await drafts.fillQuietly(meeting);
      reply.header('cache-control', 'no-store');
      return status(meeting, actor);
    },
  );

  app.post(
    '/api/meetings/:id/minutes/submit',
    { schema: { tags: ['minutes'], params: MeetingId, response: { 200: MinutesStatus, ...errors } } },
    async (request) => {
      const { meeting, actor, actorId } = await forMove(request.user, request.params.id, 'submit');
      if (meeting.state !== 'ended') throw conflict('The minutes can be submitted once the meeting has ended', 'meeting_not_ended');
      const current = await readMinutes(sql, meeting.id);
      checkMove('submit', current.state);
      await drafts.fill(meeting);
      // Read before the transaction: the pool may hold a single connection.
      const doc = await currentDocument({ sql, registry }, minutesDocumentName(meeting.id), { spaceId: meeting.spaceId, meetingId: meeting.id });
      const draft = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      const latest = await latestVersion(sql, meeting.id);
      await sql.begin((tx) => submitMinutes(tx, { meeting, actorId, draft, latest }));
      return status(meeting, actor);
    },
  );

  app.post(
    '/api/meetings/:id/minutes/return',
    {
      schema: {
        tags: ['minutes'],
        params: MeetingId,
        body: Type.Object({ comment: Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S' }) }, { additionalProperties: false }),
        response: { 200: MinutesStatus, ...errors },
      },
    },
    async (request) => {
      const { meeting, actor, actorId } = await forMove(request.user, request.params.id, 'return');
      await sql.begin((tx) => returnMinutes(tx, { meeting, actorId, comment: request.body.comment.trim() }));
      return status(meeting, actor);
    },
  );

  app.post(
    '/api/meetings/:id/minutes/approve',
    { schema: { tags: ['minutes'], params: MeetingId, response: { 200: MinutesStatus, ...errors } } },
    async (request) => {
      const { meeting, actor, actorId } = await forMove(request.user, request.params.id, 'approve');
      await sql.begin((tx) => approveMinutes(tx, { meeting, actorId }));
      return status(meeting, actor);
    },
  );

  app.post(
    '/api/meetings/:id/minutes/publish',
    { schema: { tags: ['minutes'], params: MeetingId, response: { 200: MinutesStatus, ...errors } } },
    async (request) => {
      const { meeting, actor, actorId } = await forMove(request.user, request.params.id, 'publish');
      await sql.begin((tx) => publishMinutes(tx, { meeting, actorId }));
      return status(meeting, actor);
    },
  );
};
