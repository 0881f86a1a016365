import type { Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { actorInSpace } from '../permissions/actor.ts';
import { can, canView, type Action } from '../permissions/permissions.ts';
import { closeCodes, type RoomSelf } from '../protocol/room-messages.ts';
import { findMeetingInfo } from './registry.ts';
import type { MeetingInfo } from './room.ts';

/** The rights a room socket carries, each the table's answer to one action. */
export const roomRights = {
  canParticipate: 'room.participate',
  canModerate: 'room.moderate',
  canChair: 'room.chair',
  canCountHall: 'poll.addHallVotes',
  canCaption: 'room.caption',
} as const satisfies Record<keyof RoomSelf & `can${string}`, Action>;

type RoomRight = keyof typeof roomRights;

export type Admission = { ok: true; meeting: MeetingInfo; self: RoomSelf } | { ok: false; code: number; reason: string };

/**
 * Whether the person may be in a meeting's room, and with which rights: asked when a socket opens,
 * and again whenever their rights change while it is open.
 */
export async function admitToRoom(sql: Sql, meetingId: string, user: SessionUser | null): Promise<Admission> {
  const meeting = await findMeetingInfo(sql, meetingId);
  if (!meeting) return { ok: false, code: closeCodes.notFound, reason: 'No such meeting' };
  const actor = await actorInSpace(sql, user, meeting.spaceId);
  const space = { kind: meeting.kind, visibility: meeting.visibility };
  // A meeting in a space this person may not see is answered as one that does not exist, as every
  // HTTP route answers: asking them to sign in would confirm that a private jury meets under this id.
  if (meeting.state === 'cancelled' || !canView(actor, space)) return { ok: false, code: closeCodes.notFound, reason: 'No such meeting' };
  if (!can(actor, 'room.watch', space)) {
    // The meeting is public knowledge (a listed jury), its session is not.
    return { ok: false, code: user ? closeCodes.forbidden : closeCodes.signInRequired, reason: 'This session is for the members only' };
  }
  const rights = Object.fromEntries(Object.entries(roomRights).map(([right, action]) => [right, can(actor, action, space)])) as Record<RoomRight, boolean>;
  return { ok: true, meeting, self: { userId: user?.id ?? null, name: user?.displayName ?? null, roles: [...actor.roles], ...rights } };
}

/**
 * Whether two selves carry the same rights. The roles only label the person in the room: a change
 * of label alone is not worth interrupting their video for.
 */
export function sameRights(a: RoomSelf, b: RoomSelf): boolean {
  return (Object.keys(roomRights) as RoomRight[]).every((right) => a[right] === b[right]);
}
