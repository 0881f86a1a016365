import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import type { Sql } from '../../db/connection.ts';
import { notFound } from '../errors.ts';
import { actorInSpace } from '../permissions/actor.ts';
import { requirePermission } from '../permissions/require.ts';
import { ErrorReply, IdParams } from '../schemas.ts';
import { openRoomLog } from './event-log.ts';
import { findMeetingInfo } from './registry.ts';

/**
 * The hall's check-in poster: a QR code of the room's address with the meeting's check-in code.
 * A participant in the hall scans it with their phone and is counted as present in the hall.
 */
export const checkInRoutes: FastifyPluginAsyncTypebox<{ sql: Sql; publicUrl?: string | undefined }> = async (app, { sql, publicUrl }) => {
  app.get(
    '/meetings/:id/check-in.svg',
    {
      schema: {
        tags: ['meetings'],
        params: IdParams,
        response: { 200: Type.String(), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const meeting = await findMeetingInfo(sql, request.params.id);
      if (!meeting) throw notFound('Meeting');
      const actor = await actorInSpace(sql, request.user, meeting.spaceId);
      requirePermission(actor, 'room.chair', meeting, 'Meeting');
      const { checkInCode } = await openRoomLog(sql, meeting.id);
      const origin = publicUrl ? new URL(publicUrl).origin : `${request.protocol}://${request.host}`;
      const address = `${origin}/meetings/${meeting.id}/room?checkin=${encodeURIComponent(checkInCode)}`;
      const svg = await QRCode.toString(address, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return reply.type('image/svg+xml').header('cache-control', 'private, no-store').send(svg);
    },
  );
};
