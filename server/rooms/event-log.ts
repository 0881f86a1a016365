import { randomBytes } from 'node:crypto';
import type { Queries, Sql } from '../../db/connection.ts';
import type { RoomEvent, StampedEvent } from '../protocol/room-messages.ts';

export interface RoomLog {
  lastSeq: number;
  checkInCode: string;
}

/** Opens (creating on first use) the log of a meeting's room. */
export async function openRoomLog(sql: Sql, meetingId: string): Promise<RoomLog> {
  await sql`insert into room_logs (meeting_id, check_in_code) values (${meetingId}, ${randomBytes(6).toString('base64url')})
            on conflict (meeting_id) do nothing`;
  const [row] = await sql<{ lastSeq: string; checkInCode: string }[]>`
    select last_seq as "lastSeq", check_in_code as "checkInCode" from room_logs where meeting_id = ${meetingId}`;
  return { lastSeq: Number(row!.lastSeq), checkInCode: row!.checkInCode };
}

interface EventRow {
  seq: string;
  actorId: string | null;
  event: RoomEvent;
  createdAt: Date;
}

const stamp = (row: EventRow): StampedEvent => ({ seq: Number(row.seq), at: row.createdAt.toISOString(), actorId: row.actorId, event: row.event });

export async function readEvents(sql: Queries, meetingId: string, afterSeq: number, limit = 100_000): Promise<StampedEvent[]> {
  const rows = await sql<EventRow[]>`
    select seq::text as seq, actor_id as "actorId", event, created_at as "createdAt"
    from room_events where meeting_id = ${meetingId} and seq > ${afterSeq} order by room_events.seq limit ${limit}`;
  return rows.map(stamp);
}

/**
 * Locks the room's log for the rest of the transaction and tells how far it goes, and what state
 * the meeting is in now: whoever holds the lock is the only one appending, on any process.
 */
export async function lockRoomLog(tx: Queries, meetingId: string): Promise<{ lastSeq: number; meetingState: string }> {
  const [row] = await tx<{ lastSeq: string; meetingState: string }[]>`
    select l.last_seq as "lastSeq", m.state as "meetingState"
    from room_logs l join meetings m on m.id = l.meeting_id where l.meeting_id = ${meetingId} for update of l`;
  return { lastSeq: Number(row!.lastSeq), meetingState: row!.meetingState };
}

/** Appends events after `lastSeq` (held under lockRoomLog) and returns them stamped. */
export async function appendEvents(
  tx: Queries,
  meetingId: string,
  lastSeq: number,
  actorId: string | null,
  events: RoomEvent[],
): Promise<StampedEvent[]> {
  if (events.length === 0) return [];
  const rows = events.map((event, i) => ({ meeting_id: meetingId, seq: lastSeq + i + 1, actor_id: actorId, event }));
  const inserted = await tx<EventRow[]>`
    insert into room_events ${tx(rows.map((r) => ({ ...r, event: tx.json(r.event as never) })))}
    returning seq::text as seq, actor_id as "actorId", event, created_at as "createdAt"`;
  await tx`update room_logs set last_seq = ${lastSeq + events.length} where meeting_id = ${meetingId}`;
  return inserted.map(stamp).sort((a, b) => a.seq - b.seq);
}
