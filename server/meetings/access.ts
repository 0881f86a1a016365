import type { Queries } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { notFound } from '../errors.ts';
import { actorInSpace } from '../permissions/actor.ts';
import { can, type Action, type Actor } from '../permissions/permissions.ts';
import { requirePermission } from '../permissions/require.ts';
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
  const actor = await actorInSpace(sql, user, meeting.spaceId);
  if (!can(actor, 'meeting.view', space(meeting))) throw notFound('Meeting');
  return { meeting, actor };
}

/** `requirePermission` for an action on a meeting the actor can already see. */
export function requireCan(actor: Actor, action: Action, meeting: MeetingRow, refusal?: string): void {
  requirePermission(actor, action, space(meeting), 'Meeting', refusal);
}
