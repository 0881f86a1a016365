import type { Queries } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { forbidden, notFound, unauthorized } from '../errors.ts';
import { actorInSpace } from '../permissions/actor.ts';
import { can, type Action, type Actor } from '../permissions/permissions.ts';
import { findMeeting, space, type MeetingRow } from './store.ts';

/**
 * The meeting as the user may see it. A meeting of a space the user cannot view is
 * reported as missing, like the space itself: its existence is not revealed.
 */
export async function visibleMeeting(
  sql: Queries,
  user: SessionUser | null,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<{ meeting: MeetingRow; actor: Actor }> {
  const meeting = await findMeeting(sql, id, opts);
  if (!meeting) throw notFound('Meeting');
  const actor = await actorInSpace(sql as Parameters<typeof actorInSpace>[0], user, meeting.spaceId);
  if (!can(actor, 'meeting.view', space(meeting))) throw notFound('Meeting');
  return { meeting, actor };
}

/** 401 to the signed-out (signing in might help), 403 to the signed-in. */
export function requireCan(actor: Actor, action: Action, meeting: MeetingRow, message?: string): void {
  if (can(actor, action, space(meeting))) return;
  throw actor.userId === null ? unauthorized() : forbidden(message);
}
