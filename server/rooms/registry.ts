import type { Sql } from '../../db/connection.ts';
import { withFallback } from '../meetings/localized.ts';
import { Room, type MeetingInfo, type RoomDeps } from './room.ts';
import type { AgendaItem } from './room-state.ts';

// An empty room stays loaded a little, so a page refresh does not refold its log.
const IDLE_MS = 30_000;

export async function findMeetingInfo(sql: Sql, meetingId: string): Promise<MeetingInfo | undefined> {
  const [row] = await sql<MeetingInfo[]>`
    select m.id, m.space_id as "spaceId", s.kind, s.visibility, m.mode, m.state
    from meetings m join spaces s on s.id = m.space_id where m.id = ${meetingId}`;
  return row;
}

export async function agendaOf(sql: Sql, meetingId: string): Promise<AgendaItem[]> {
  const rows = await sql<{ title: Record<string, string>; presenter: string | null }[]>`
    select title, presenter from meeting_agenda_items where meeting_id = ${meetingId} order by position`;
  return rows.map((r) => ({ title: withFallback(r.title), presenter: r.presenter }));
}

/** The rooms open on this process, each opened once however many sockets arrive at once. */
export class RoomRegistry {
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: RoomDeps) {}

  get(meeting: MeetingInfo): Promise<Room> {
    clearTimeout(this.idleTimers.get(meeting.id));
    this.idleTimers.delete(meeting.id);
    let room = this.rooms.get(meeting.id);
    if (!room) {
      room = agendaOf(this.deps.sql, meeting.id).then((agenda) => Room.open(this.deps, meeting, agenda));
      this.rooms.set(meeting.id, room);
      room.catch(() => this.rooms.delete(meeting.id));
    }
    return room;
  }

  /** Called when a socket leaves: an empty room is closed after a while. */
  release(room: Room): void {
    if (room.peerCount > 0 || this.idleTimers.has(room.meeting.id)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(room.meeting.id);
      if (room.peerCount > 0) return;
      this.rooms.delete(room.meeting.id);
      void room.close();
    }, IDLE_MS);
    timer.unref();
    this.idleTimers.set(room.meeting.id, timer);
  }

  async close(): Promise<void> {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    const rooms = await Promise.allSettled(this.rooms.values());
    this.rooms.clear();
    await Promise.all(rooms.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
  }
}
