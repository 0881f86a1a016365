import type {} from '@fastify/websocket';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { keepAlive } from '../keep-alive.ts';
import { actorInSpace } from '../permissions/actor.ts';
import { can, canView } from '../permissions/permissions.ts';
import { closeCodes, isMediaMessage, type RoomSelf } from '../protocol/room-messages.ts';
import { RoomError } from './commands.ts';
import { parseClientMessage } from './parse-message.ts';
import { Peer } from './peer.ts';
import { findMeetingInfo, type RoomRegistry } from './registry.ts';

export interface RoomRoutesOptions {
  sql: Sql;
  rooms: RoomRegistry;
  publicUrl?: string | undefined;
}

/** `GET /rooms/:meetingId` upgraded to the room socket; `?since=N` resumes after event N. */
export const roomRoutes: FastifyPluginAsyncTypebox<RoomRoutesOptions> = async (app, { sql, rooms, publicUrl }) => {
  const trustedOrigin = publicUrl ? new URL(publicUrl).origin : null;

  app.get(
    '/rooms/:meetingId',
    {
      websocket: true,
      schema: {
        hide: true,
        params: Type.Object({ meetingId: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ since: Type.Optional(Type.Integer({ minimum: 0 })) }),
      },
    },
    (socket, request) => {
      // Frames can arrive while the room is being opened: they wait for it, in order.
      let peer: Peer | undefined;
      let room: Awaited<ReturnType<RoomRegistry['get']>> | undefined;
      // A socket whose device vanished is closed, so its presence (and its place under the cap on sockets) is freed.
      keepAlive(socket);
      const ready = (async () => {
        const origin = request.headers.origin;
        // A page on another site must not use a resident's cookie to act in their name.
        if (origin !== undefined && origin !== trustedOrigin && origin !== `${request.protocol}://${request.host}`) {
          socket.close(closeCodes.forbidden, 'Cross-origin socket refused');
          return;
        }
        const meeting = await findMeetingInfo(sql, request.params.meetingId);
        const actor = meeting ? await actorInSpace(sql, request.user, meeting.spaceId) : null;
        const space = meeting ? { kind: meeting.kind, visibility: meeting.visibility } : null;
        // A meeting in a space this person may not see is answered as one that does not exist, as every
        // HTTP route answers: asking them to sign in would confirm that a private jury meets under this id.
        if (!meeting || !actor || !space || meeting.state === 'cancelled' || !canView(actor, space)) {
          socket.close(closeCodes.notFound, 'No such meeting');
          return;
        }
        if (!can(actor, 'room.watch', space)) {
          // The meeting is public knowledge (a listed jury), its session is not.
          socket.close(request.user ? closeCodes.forbidden : closeCodes.signInRequired, 'This session is for the members only');
          return;
        }
        const self: RoomSelf = {
          userId: request.user?.id ?? null,
          name: request.user?.displayName ?? null,
          roles: [...actor.roles],
          canParticipate: can(actor, 'room.participate', space),
          canModerate: can(actor, 'room.moderate', space),
          canChair: can(actor, 'room.chair', space),
          canCountHall: can(actor, 'poll.addHallVotes', space),
          canCaption: can(actor, 'room.caption', space),
        };
        room = await rooms.get(meeting);
        if (socket.readyState !== socket.OPEN) return;
        peer = new Peer(socket, request.socket, self);
        await room.join(peer, request.query.since ?? null);
      })().catch((error: unknown) => {
        request.log.error({ err: error }, 'room socket failed to open');
        socket.close(1011, 'The room could not be opened');
      });

      socket.on('message', (data, isBinary) => {
        void ready.then(async () => {
          if (!peer || !room) return;
          const parsed = parseClientMessage(data, isBinary);
          const media = parsed.ok && isMediaMessage(parsed.message);
          const overRate = !(media ? peer.takeMediaToken() : peer.takeToken());
          if (!parsed.ok || overRate) {
            const requestId = parsed.ok ? (parsed.message.requestId ?? null) : parsed.requestId;
            peer.sendMessage(
              overRate
                ? { type: 'error', requestId, code: 'rate_limited', message: 'Too many messages: slow down' }
                : { type: 'error', requestId, code: 'invalid_message', message: parsed.ok ? '' : parsed.message },
            );
            if (peer.refuse()) peer.close(closeCodes.abuse, 'Too many refused messages');
            return;
          }
          const requestId = parsed.message.requestId ?? null;
          try {
            const message = parsed.message;
            if (isMediaMessage(message)) {
              if (!room.media) throw new RoomError('media_unavailable', 'This server does not run video');
              const data = await room.media.handle(peer, message);
              if (requestId) peer.sendMessage(data ? { type: 'reply', requestId, data } : { type: 'ack', requestId, seq: null });
              return;
            }
            const seq = await room.command(peer, message);
            if (requestId) peer.sendMessage({ type: 'ack', requestId, seq });
          } catch (error) {
            if (error instanceof RoomError) {
              peer.sendMessage({ type: 'error', requestId, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
              return;
            }
            request.log.error({ err: error }, 'room message failed');
            peer.sendMessage({ type: 'error', requestId, code: 'server_error', message: 'Something went wrong on the server; try again' });
          }
        }).catch((error: unknown) => {
          // Whatever a frame makes fail, it fails for that frame only, never for the process.
          request.log.error({ err: error }, 'room frame failed');
          peer?.sendMessage({ type: 'error', requestId: null, code: 'server_error', message: 'Something went wrong on the server; try again' });
        });
      });

      socket.on('close', () => {
        void ready.then(async () => {
          if (!peer || !room) return;
          await room.leave(peer).catch((error: unknown) => request.log.warn({ err: error }, 'leaving the room failed'));
          rooms.release(room);
        });
      });
    },
  );
};
