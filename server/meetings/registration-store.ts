import type { Queries } from '../../db/connection.ts';
import type { Attendance, NeedsValue } from './schemas.ts';

interface RegistrationRow {
  userId: string;
  displayName: string;
  attendance: Attendance;
  status: 'registered' | 'waitlisted';
  interpretation: boolean;
  inductionLoop: boolean;
  signLanguage: boolean;
  other: string | null;
  registeredAt: Date;
  waitlistPosition: number | null;
}

const columns = (tx: Queries) => tx`
  r.user_id as "userId", u.display_name as "displayName", r.attendance, r.status,
  r.needs_interpretation as "interpretation", r.needs_induction_loop as "inductionLoop",
  r.needs_sign_language as "signLanguage", r.needs_other as "other", r.registered_at as "registeredAt",
  case when r.status = 'waitlisted' then
    (select count(*)::int from meeting_registrations w
     where w.meeting_id = r.meeting_id and w.status = 'waitlisted'
       and (w.hall_requested_at, w.user_id) <= (r.hall_requested_at, r.user_id))
  end as "waitlistPosition"
  from meeting_registrations r join users u on u.id = r.user_id`;

function toRegistration(r: RegistrationRow) {
  return {
    attendance: r.attendance,
    status: r.status,
    waitlistPosition: r.waitlistPosition,
    needs: { interpretation: r.interpretation, inductionLoop: r.inductionLoop, signLanguage: r.signLanguage, other: r.other },
    registeredAt: r.registeredAt.toISOString(),
  };
}

export async function registrationOf(tx: Queries, meetingId: string, userId: string | null) {
  if (userId === null) return null;
  const [row] = await tx<RegistrationRow[]>`select ${columns(tx)} where r.meeting_id = ${meetingId} and r.user_id = ${userId}`;
  return row ? toRegistration(row) : null;
}

/** For organisers: seated first, then the waitlist in its order, then remote participants. */
export async function registrationsOf(tx: Queries, meetingId: string) {
  const rows = await tx<RegistrationRow[]>`
    select ${columns(tx)} where r.meeting_id = ${meetingId}
    order by r.attendance, r.status, r.hall_requested_at, r.registered_at, r.user_id`;
  return rows.map((r) => ({ user: { id: r.userId, displayName: r.displayName }, ...toRegistration(r) }));
}

/**
 * Registers, or changes an existing registration. The caller holds the meeting row lock, so
 * counting the seats and taking one cannot interleave with another registration.
 */
export async function upsertRegistration(
  tx: Queries,
  meeting: { id: string; capacity: number | null },
  userId: string,
  attendance: Attendance,
  needs: NeedsValue,
): Promise<{ created: boolean }> {
  const [previous] = await tx<{ attendance: Attendance }[]>`
    select attendance from meeting_registrations where meeting_id = ${meeting.id} and user_id = ${userId}`;
  const other = needs.other?.trim() || null;
  if (previous?.attendance === 'hall' && attendance === 'hall') {
    // Staying in the hall keeps one's seat or place in the queue.
    await updateNeeds(tx, meeting.id, userId, needs, other);
    return { created: false };
  }
  const status = attendance === 'hall' && !(await hasFreeSeat(tx, meeting)) ? 'waitlisted' : 'registered';
  await tx`
    insert into meeting_registrations (meeting_id, user_id, attendance, status, needs_interpretation, needs_induction_loop,
                                       needs_sign_language, needs_other, hall_requested_at)
    values (${meeting.id}, ${userId}, ${attendance}, ${status}, ${needs.interpretation}, ${needs.inductionLoop},
            ${needs.signLanguage}, ${other}, ${attendance === 'hall' ? tx`clock_timestamp()` : null})
    on conflict (meeting_id, user_id) do update set
      attendance = excluded.attendance, status = excluded.status, hall_requested_at = excluded.hall_requested_at,
      needs_interpretation = excluded.needs_interpretation, needs_induction_loop = excluded.needs_induction_loop,
      needs_sign_language = excluded.needs_sign_language, needs_other = excluded.needs_other`;
  // Leaving the hall frees a seat.
  if (previous?.attendance === 'hall') await promoteWaitlisted(tx, meeting);
  return { created: !previous };
}

async function updateNeeds(tx: Queries, meetingId: string, userId: string, needs: NeedsValue, other: string | null) {
  await tx`update meeting_registrations
           set needs_interpretation = ${needs.interpretation}, needs_induction_loop = ${needs.inductionLoop},
               needs_sign_language = ${needs.signLanguage}, needs_other = ${other}
           where meeting_id = ${meetingId} and user_id = ${userId}`;
}

export async function deleteRegistration(tx: Queries, meeting: { id: string; capacity: number | null }, userId: string): Promise<boolean> {
  const [gone] = await tx<{ attendance: Attendance }[]>`
    delete from meeting_registrations where meeting_id = ${meeting.id} and user_id = ${userId} returning attendance`;
  if (gone?.attendance === 'hall') await promoteWaitlisted(tx, meeting);
  return gone !== undefined;
}

async function hasFreeSeat(tx: Queries, meeting: { id: string; capacity: number | null }): Promise<boolean> {
  if (meeting.capacity === null) return true;
  const [row] = await tx<{ seated: number }[]>`
    select count(*)::int as seated from meeting_registrations
    where meeting_id = ${meeting.id} and attendance = 'hall' and status = 'registered'`;
  return row!.seated < meeting.capacity;
}

/**
 * Gives free hall seats to the earliest on the waitlist. Also run after the capacity grows.
 * A capacity lowered below the seated count takes no one's seat away.
 */
export async function promoteWaitlisted(tx: Queries, meeting: { id: string; capacity: number | null }): Promise<void> {
  await tx`
    update meeting_registrations set status = 'registered'
    where meeting_id = ${meeting.id} and user_id in (
      select user_id from meeting_registrations
      where meeting_id = ${meeting.id} and attendance = 'hall' and status = 'waitlisted'
      order by hall_requested_at, user_id
      limit ${
        meeting.capacity === null
          ? tx`all`
          : tx`greatest(0, ${meeting.capacity} - (select count(*) from meeting_registrations
               where meeting_id = ${meeting.id} and attendance = 'hall' and status = 'registered'))`
      })`;
}

/** A meeting that no longer has a hall: everyone attends remotely, and no one waits. */
export async function moveAllRemote(tx: Queries, meetingId: string): Promise<void> {
  await tx`update meeting_registrations set attendance = 'remote', status = 'registered', hall_requested_at = null
           where meeting_id = ${meetingId} and attendance = 'hall'`;
}
