import type {} from '@fastify/websocket';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import type { Tracked } from '../access-changes/access-changes.ts';
import { keepAlive } from '../keep-alive.ts';
import { closeCodes, isMediaMessage } from '../protocol/room-messages.ts';
import { admitToRoom, sameRights } from './admission.ts';
import { RoomError } from './commands.ts';
import { parseClientMessage } from './parse-message.ts';
import { Peer } from './peer.ts';
import type { RoomRegistry } from './registry.ts';

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
      let access: Tracked | undefined;

      /** Rechecked whenever this person's rights change; closed when they no longer match the ones it was opened with. */
      const trackRights = (opened: Peer, spaceId: string): Tracked =>
        app.accessChanges.track(
          {
            userId: request.user?.id ?? null,
            sessionId: request.session?.id ?? null,
            spaceId,
            hold: () => {},
            release: () => {},
            unchanged: async (user, answers) => {
              const now = await answers.once(`room:${request.params.meetingId}:${user?.id ?? ''}`, () => admitToRoom(sql, request.params.meetingId, user));
              return now.ok && sameRights(now.self, opened.self);
            },
            close: (code, reason) => opened.close(code, reason),
          },
          request.accessVersion,
        );
      const ready = (async () => {
        const origin = request.headers.origin;
        // A page on another site must not use a resident's cookie to act in their name.
        if (origin !== undefined && origin !== trustedOrigin && origin !== `${request.protocol}://${request.host}`) {
          socket.close(closeCodes.forbidden, 'Cross-origin socket refused');
          return;
        }
        const admission = await admitToRoom(sql, request.params.meetingId, request.user);
        if (!admission.ok) {
          socket.close(admission.code, admission.reason);
          return;
        }
        room = await rooms.get(admission.meeting);
        if (socket.readyState !== socket.OPEN) return;
        peer = new Peer(socket, request.socket, admission.self);
        await room.join(peer, request.query.since ?? null);
        if (socket.readyState === socket.OPEN) access = trackRights(peer, admission.meeting.spaceId);
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
          // While this person's rights are being rechecked, what they send waits; if the recheck
          // closed the socket, nothing more from it is acted on.
          await access?.settled();
          if (socket.readyState !== socket.OPEN) return;
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
          access?.untrack();
          if (!peer || !room) return;
          await room.leave(peer).catch((error: unknown) => request.log.warn({ err: error }, 'leaving the room failed'));
          rooms.release(room);
        });
      });
    },
  );
};
