import type { Queries } from '../../db/connection.ts';
import type { Static } from '@fastify/type-provider-typebox';
import { can, type Actor } from '../permissions/permissions.ts';
import { withFallback } from './localized.ts';
import { registrationOf } from './registration-store.ts';
import type { MeetingDetail } from './schemas.ts';
import { agendaOf, countsOf, space, toSummary, type MeetingRow } from './store.ts';

/** Everything a meeting page shows, as the actor sees it. */
export async function meetingDetail(sql: Queries, meeting: MeetingRow, actor: Actor): Promise<Static<typeof MeetingDetail>> {
  // One after another: inside a transaction, and on the embedded database, there is one connection.
  const agenda = await agendaOf(sql, meeting.id);
  const counts = await countsOf(sql, [meeting.id]);
  const myRegistration = await registrationOf(sql, meeting.id, actor.userId);
  const ctx = space(meeting);
  return {
    ...toSummary(meeting),
    spaceKind: meeting.spaceKind,
    description: withFallback(meeting.description),
    capacity: meeting.capacity,
    sequence: meeting.sequence,
    updatedAt: meeting.updatedAt.toISOString(),
    agenda,
    counts: counts.get(meeting.id)!,
    myRegistration,
    viewer: {
      canManage: can(actor, 'meeting.manage', ctx),
      canRegister: can(actor, 'meeting.register', ctx),
      canReadRegistrations: can(actor, 'meeting.readRegistrations', ctx),
    },
  };
}
