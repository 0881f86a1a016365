import type { Queries } from '../../db/connection.ts';
import type { SpaceKind, Visibility } from '../permissions/permissions.ts';
import { withFallback, type Localized } from './localized.ts';
import type { Position } from './keyset.ts';
import type { MeetingMode, MeetingState, Place } from './schemas.ts';

export interface MeetingRow {
  id: string;
  spaceId: string;
  spaceSlug: string;
  spaceName: Partial<Localized>;
  spaceKind: SpaceKind;
  spaceVisibility: Visibility;
  title: Partial<Localized>;
  description: Partial<Localized>;
  startsAt: Date;
  endsAt: Date;
  mode: MeetingMode;
  state: MeetingState;
  place: Place;
  address: string | null;
  capacity: number | null;
  cancelReason: string | null;
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
}

export const space = (m: MeetingRow) => ({ kind: m.spaceKind, visibility: m.spaceVisibility });

/** The select list and join behind every MeetingRow; `m` is meetings, `s` spaces. */
export function meetingColumns(sql: Queries) {
  return sql`
    m.id, m.space_id as "spaceId", s.slug as "spaceSlug", s.name as "spaceName", s.kind as "spaceKind",
    s.visibility as "spaceVisibility", m.title, m.description, m.starts_at as "startsAt", m.ends_at as "endsAt",
    m.mode, m.state, m.place, m.address, m.capacity, m.cancel_reason as "cancelReason", m.sequence,
    m.created_at as "createdAt", m.updated_at as "updatedAt"
    from meetings m join spaces s on s.id = m.space_id`;
}

export async function findMeeting(sql: Queries, id: string, opts: { lock?: boolean } = {}): Promise<MeetingRow | undefined> {
  const [row] = opts.lock
    ? await sql<MeetingRow[]>`select ${meetingColumns(sql)} where m.id = ${id} for update of m`
    : await sql<MeetingRow[]>`select ${meetingColumns(sql)} where m.id = ${id}`;
  return row;
}

export function toSummary(m: MeetingRow) {
  return {
    id: m.id,
    spaceSlug: m.spaceSlug,
    spaceName: withFallback(m.spaceName),
    title: withFallback(m.title),
    startsAt: m.startsAt.toISOString(),
    endsAt: m.endsAt.toISOString(),
    mode: m.mode,
    state: m.state,
    place: m.place,
    address: m.address,
    cancelReason: m.cancelReason,
  };
}

export interface AgendaRow {
  id: string;
  position: number;
  title: Partial<Localized>;
  presenter: string | null;
  durationMinutes: number | null;
}

export async function agendaOf(sql: Queries, meetingId: string) {
  const rows = await sql<AgendaRow[]>`
    select id, position, title, presenter, duration_minutes as "durationMinutes"
    from meeting_agenda_items where meeting_id = ${meetingId} order by position`;
  return rows.map((r) => ({ ...r, title: withFallback(r.title) }));
}

export async function agendasOf(sql: Queries, meetingIds: string[]) {
  const byMeeting = new Map<string, Awaited<ReturnType<typeof agendaOf>>>();
  if (meetingIds.length === 0) return byMeeting;
  const rows = await sql<(AgendaRow & { meetingId: string })[]>`
    select meeting_id as "meetingId", id, position, title, presenter, duration_minutes as "durationMinutes"
    from meeting_agenda_items where meeting_id in ${sql(meetingIds)} order by meeting_id, position`;
  for (const { meetingId, ...item } of rows) {
    let list = byMeeting.get(meetingId);
    if (!list) byMeeting.set(meetingId, (list = []));
    list.push({ ...item, title: withFallback(item.title) });
  }
  return byMeeting;
}

export interface Counts {
  hallRegistered: number;
  hallWaitlisted: number;
  remote: number;
}

export async function countsOf(sql: Queries, meetingIds: string[]): Promise<Map<string, Counts>> {
  const counts = new Map<string, Counts>(meetingIds.map((id) => [id, { hallRegistered: 0, hallWaitlisted: 0, remote: 0 }]));
  if (meetingIds.length === 0) return counts;
  const rows = await sql<(Counts & { meetingId: string })[]>`
    select meeting_id as "meetingId",
           count(*) filter (where attendance = 'hall' and status = 'registered')::int as "hallRegistered",
           count(*) filter (where attendance = 'hall' and status = 'waitlisted')::int as "hallWaitlisted",
           count(*) filter (where attendance = 'remote')::int as "remote"
    from meeting_registrations where meeting_id in ${sql(meetingIds)} group by meeting_id`;
  for (const { meetingId, ...c } of rows) counts.set(meetingId, c);
  return counts;
}

export type MeetingListRow = MeetingRow & { startsKey: string };

/** Upcoming: not over yet (a live meeting running late still counts); past: ended, or its time has gone. */
const upcoming = (sql: Queries) => sql`(m.state = 'live' or (m.state <> 'ended' and m.ends_at > now()))`;

/** One page (`limit + 1` rows, for `page()`) of a space's meetings after the keyset position. */
export function listSpaceMeetings(
  sql: Queries,
  spaceId: string,
  query: { when: 'upcoming' | 'past'; after: Position | null; limit: number },
): Promise<MeetingListRow[]> {
  const { when, after, limit } = query;
  // Upcoming runs forward in time from the next meeting; past runs backward from the latest.
  return sql<MeetingListRow[]>`
    select m.starts_at::text as "startsKey", ${meetingColumns(sql)}
    where m.space_id = ${spaceId} and ${when === 'upcoming' ? upcoming(sql) : sql`not ${upcoming(sql)}`}
      ${
        after === null
          ? sql``
          : when === 'upcoming'
            ? sql`and (m.starts_at, m.id) > (${after.startsAt}::timestamptz, ${after.id}::uuid)`
            : sql`and (m.starts_at, m.id) < (${after.startsAt}::timestamptz, ${after.id}::uuid)`
      }
    order by ${when === 'upcoming' ? sql`m.starts_at, m.id` : sql`m.starts_at desc, m.id desc`}
    limit ${limit + 1}`;
}
