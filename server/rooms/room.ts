import type { FastifyBaseLogger } from 'fastify';
import type { Queries, Sql } from '../../db/connection.ts';
import { retryWhileUnavailable } from '../../db/retry.ts';
import type { MediaWorkerPool } from '../../media/worker-pool.ts';
import { RoomMedia } from '../media-signaling/room-media.ts';
import { RoomRecording } from '../media-signaling/room-recording.ts';
import type { RoomCommand, RoomEvent, RoomSelf, ServerMessage, StampedEvent } from '../protocol/room-messages.ts';
import { closeCodes } from '../protocol/room-messages.ts';
import type { RoomBus } from './bus.ts';
import { captionLine, decide, requireCaptioner, RoomError } from './commands.ts';
import { appendEvents, lockRoomLog, openRoomLog, readEvents } from './event-log.ts';
import type { Peer } from './peer.ts';
import { applyEvent, emptyRoomState, type AgendaItem, type RoomState } from './room-state.ts';
import { eventFor, replayFor, snapshotFor, subjectOf, viewKey } from './views.ts';

export interface MeetingInfo {
  id: string;
  spaceId: string;
  kind: 'forum' | 'jury' | 'townhall';
  visibility: 'public' | 'members';
  mode: 'meeting' | 'broadcast';
  state: 'scheduled' | 'live' | 'ended' | 'cancelled';
}

export interface RoomDeps {
  sql: Sql;
  bus: RoomBus;
  /** True when no other process can hold sockets of this room: presence left over in the log is stale. */
  soleProcess: boolean;
  /** The media workers, when this server runs video. */
  media?: MediaWorkerPool | null;
  /** Where recordings go; without it the chair cannot record. */
  recordingsDir?: string | undefined;
  log?: FastifyBaseLogger | undefined;
}

/**
 * Sockets one person may hold in a room at once, on all processes together: a phone, a laptop, a
 * few tabs, and a connection that died unnoticed for up to a minute (keep-alive.ts). Each one
 * writes its arrival and its departure into the meeting's permanent log, so one person must not
 * open dozens. Guests write nothing there and are not capped: a hall full of them shares one
 * address, and floods of bare connections are for the reverse proxy to limit. (With several
 * processes, one that dies leaves its sockets counted, as it leaves them present, until a sole
 * process opens the room again: closeStalePresence.)
 */
export const MAX_SOCKETS_PER_PERSON = 5;

// Recent events kept in memory, so a reconnecting client resumes without a database read.
const RECENT_EVENTS = 2000;
// Events reach the sockets in windows this long: a socket gets a window's events in one write
// (bench:fanout: about half the server CPU per delivery at 5,000 sockets).
const FLUSH_MS = 50;

/**
 * One meeting's live room on this process: its state (folded from the event log), the sockets
 * here, and the order in which things happen. Every change goes through `run`, one at a time.
 */
export class Room {
  private readonly peers = new Set<Peer>();
  private readonly recent: StampedEvent[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private unsubscribe: () => Promise<void> = async () => {};
  private closed = false;
  private viewersSent = -1;
  private viewersTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly unflushed = new Set<Peer>();
  /** The room's live video, when the server runs it. */
  media: RoomMedia | null = null;

  private constructor(
    private readonly deps: RoomDeps,
    readonly meeting: MeetingInfo,
    readonly state: RoomState,
    readonly checkInCode: string,
  ) {}

  static async open(deps: RoomDeps, meeting: MeetingInfo, agenda: AgendaItem[]): Promise<Room> {
    const log = await openRoomLog(deps.sql, meeting.id);
    const state = emptyRoomState(meeting.id, meeting.mode, agenda);
    const room = new Room(deps, meeting, state, log.checkInCode);
    room.unsubscribe = await deps.bus.subscribe(meeting.id, (events) => void room.run(async () => room.ingest(events)));
    for (const event of await readEvents(deps.sql, meeting.id, 0)) room.apply(event);
    if (deps.soleProcess) await room.run(() => room.closeStalePresence());
    if (deps.media) room.media = room.openMedia(deps.media);
    return room;
  }

  private openMedia(pool: MediaWorkerPool): RoomMedia {
    const media = new RoomMedia({ pool, meetingId: this.meeting.id, state: this.state });
    const directory = this.deps.recordingsDir;
    if (directory) {
      media.recording = new RoomRecording({
        sql: this.deps.sql,
        meetingId: this.meeting.id,
        directory,
        state: this.state,
        media,
        record: (actorId, events) => this.recordEvents(actorId, events),
        log: this.deps.log,
      });
    }
    return media;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Runs tasks one after another, so events are applied and sent in sequence order. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }

  /**
   * A socket joins: it gets the room as it stands, or, resuming, the events it missed (a snapshot
   * instead when something in them has since been hidden from it).
   */
  join(peer: Peer, since: number | null): Promise<void> {
    return this.run(async () => {
      const removed = peer.self.userId ? this.state.participants.get(peer.self.userId)?.removed : false;
      if (removed) {
        peer.close(closeCodes.removed, 'You were removed from this meeting');
        return;
      }
      // Arrival is recorded first, so the welcome already shows this person as present.
      if (peer.self.userId && peer.self.canParticipate) {
        const { userId, name, roles } = peer.self;
        let full = false;
        // Counted under the log's lock, with every process's arrivals and departures folded in.
        await this.record(userId, () => {
          const present = this.state.participants.get(userId);
          full = (present?.connections ?? 0) >= MAX_SOCKETS_PER_PERSON;
          return full ? [] : [{ type: 'presence.joined', userId, name: name!, roles, mode: present?.mode ?? 'remote' }];
        });
        if (full) {
          peer.close(closeCodes.tooManyConnections, `This meeting is open in ${MAX_SOCKETS_PER_PERSON} windows of yours already: close one`);
          return;
        }
      }
      // A replay that would show what this viewer may no longer see is replaced by a snapshot.
      const replay = since !== null && since <= this.state.seq ? replayFor(await this.eventsAfter(since), this.state, peer.self) : null;
      peer.sendMessage({
        type: 'welcome',
        you: peer.self,
        state: replay ? null : snapshotFor(this.state, peer.self, this.viewers() + 1, new Date().toISOString()),
        checkInCode: peer.self.canChair ? this.checkInCode : null,
        now: new Date().toISOString(),
      });
      for (const frame of replay ?? []) peer.sendMessage(frame);
      this.peers.add(peer);
      this.scheduleViewerCount();
    });
  }

  leave(peer: Peer): Promise<void> {
    this.media?.leave(peer);
    return this.run(async () => {
      if (!this.peers.delete(peer)) return;
      if (peer.self.userId && peer.self.canParticipate && !this.closed) {
        await this.record(peer.self.userId, [{ type: 'presence.left', userId: peer.self.userId }]);
      }
      this.scheduleViewerCount();
    });
  }

  /** A participant's message: decided against the latest state under the log's lock, stored, then sent. */
  command(peer: Peer, message: RoomCommand): Promise<number | null> {
    if (message.type === 'caption.send' && !message.final) return this.relayCaption(peer.self, message.text);
    return this.run(async () => {
      const stamped = await this.store(async (tx) => {
        const { lastSeq, meetingState } = await lockRoomLog(tx, this.meeting.id);
        if (meetingState === 'ended' || meetingState === 'cancelled') throw new RoomError('meeting_closed', 'This meeting is over');
        if (lastSeq > this.state.seq) this.ingest(await readEvents(tx, this.meeting.id, this.state.seq));
        const events = this.decide(peer.self, message);
        return appendEvents(tx, this.meeting.id, lastSeq, peer.self.userId, events);
      });
      this.publish(stamped);
      return stamped.at(-1)?.seq ?? null;
    });
  }

  /**
   * A caption line still being typed: to every socket here in the next window, never stored (only
   * the finished line enters the log). Like media notices, it stays on this process.
   */
  private async relayCaption(self: RoomSelf, text: string): Promise<null> {
    requireCaptioner(self);
    if (this.closed) return null;
    const frame = JSON.stringify({ type: 'caption.interim', text: captionLine(text) } satisfies ServerMessage);
    for (const peer of this.peers) {
      peer.enqueue(frame);
      this.unflushed.add(peer);
    }
    this.scheduleFlush();
    return null;
  }

  private decide(self: RoomSelf, message: RoomCommand): RoomEvent[] {
    if (message.type === 'presence.checkIn') {
      if (!self.userId || !self.canParticipate) throw new RoomError('forbidden', 'Sign in to check in');
      if (message.code !== this.checkInCode) throw new RoomError('invalid_code', 'This check-in code is not for this meeting');
      return this.state.participants.get(self.userId)?.mode === 'hall' ? [] : [{ type: 'presence.checkedIn', userId: self.userId }];
    }
    return decide(this.state, self, message, Date.now());
  }

  /** Events the server records on its own (a recording that started or failed), in turn with everything else. */
  recordEvents(actorId: string | null, events: RoomEvent[]): Promise<void> {
    return this.run(() => this.record(actorId, events));
  }

  /**
   * Events the server itself records (presence): stored, then sent, like any other. Given as a
   * function, they are decided under the log's lock against the latest state.
   */
  private async record(actorId: string | null, events: RoomEvent[] | (() => RoomEvent[])): Promise<void> {
    const stamped = await this.store(async (tx) => {
      const { lastSeq } = await lockRoomLog(tx, this.meeting.id);
      if (lastSeq > this.state.seq) this.ingest(await readEvents(tx, this.meeting.id, this.state.seq));
      return appendEvents(tx, this.meeting.id, lastSeq, actorId, typeof events === 'function' ? events() : events);
    });
    this.publish(stamped);
  }

  /**
   * One transaction on the room's log. Through a database outage it is retried until the database
   * answers, so the room waits instead of refusing, and only what was stored is acknowledged.
   */
  private store(work: (tx: Queries) => Promise<StampedEvent[]>): Promise<StampedEvent[]> {
    return retryWhileUnavailable(() => this.deps.sql.begin(work));
  }

  private publish(stamped: StampedEvent[]): void {
    this.ingest(stamped);
    if (stamped.length > 0) {
      this.deps.bus.publish(this.meeting.id, stamped).catch(() => {
        // Stored already: other processes find these events through the gap they leave.
      });
    }
  }

  /** Applies events in order (skipping those already applied) and sends each to the sockets here. */
  private ingest(events: StampedEvent[]): Promise<void> | void {
    const first = events[0];
    if (first && first.seq > this.state.seq + 1) {
      // Another process's events arrived ahead of some we have not seen: read the gap from the log.
      return readEvents(this.deps.sql, this.meeting.id, this.state.seq).then((missing) => this.ingest(missing));
    }
    for (const stamped of events) {
      if (stamped.seq !== this.state.seq + 1) continue;
      this.apply(stamped);
      this.fanout(stamped);
      this.media?.onEvent(stamped);
    }
  }

  private apply(stamped: StampedEvent): void {
    applyEvent(this.state, stamped);
    this.recent.push(stamped);
    if (this.recent.length > RECENT_EVENTS) this.recent.splice(0, this.recent.length - RECENT_EVENTS);
  }

  private async eventsAfter(seq: number): Promise<StampedEvent[]> {
    const oldest = this.recent[0];
    if (oldest && oldest.seq <= seq + 1) return this.recent.filter((e) => e.seq > seq);
    return (await readEvents(this.deps.sql, this.meeting.id, seq)).filter((e) => e.seq <= this.state.seq);
  }

  private fanout(stamped: StampedEvent): void {
    const subject = subjectOf(stamped, this.state);
    const texts = new Map<string, string | null>();
    for (const peer of this.peers) {
      const key = viewKey(stamped, subject, peer.self);
      let text = texts.get(key);
      if (text === undefined) {
        const payload = eventFor(stamped, this.state, peer.self, subject);
        text = payload ? JSON.stringify({ type: 'event', seq: stamped.seq, at: stamped.at, event: payload } satisfies ServerMessage) : null;
        texts.set(key, text);
      }
      if (text !== null) {
        peer.enqueue(text);
        this.unflushed.add(peer);
      }
    }
    this.scheduleFlush();
    const e = stamped.event;
    if (e.type === 'participant.removed') {
      for (const peer of this.peers) if (peer.self.userId === e.userId) peer.close(closeCodes.removed, `Removed from the meeting: ${e.reason}`);
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.unflushed.size === 0) return;
    this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const peer of this.unflushed) peer.flush();
    this.unflushed.clear();
  }

  private viewers(): number {
    return this.peers.size;
  }

  /** The audience count changes with every arrival; tell everyone at most every two seconds. */
  private scheduleViewerCount(): void {
    if (this.viewersTimer || this.closed) return;
    this.viewersTimer = setTimeout(() => {
      this.viewersTimer = undefined;
      const count = this.viewers();
      if (count === this.viewersSent) return;
      this.viewersSent = count;
      const text = JSON.stringify({ type: 'viewers', count } satisfies ServerMessage);
      for (const peer of this.peers) peer.send(text);
    }, 2000);
    this.viewersTimer.unref();
  }

  private async closeStalePresence(): Promise<void> {
    const stale: RoomEvent[] = [];
    for (const p of this.state.participants.values()) {
      for (let i = 0; i < p.connections; i += 1) stale.push({ type: 'presence.left', userId: p.userId });
    }
    if (stale.length > 0) await this.record(null, stale);
  }

  /** Closes the sockets here (they reconnect and resume elsewhere or after a restart). */
  async close(code: number = closeCodes.serverShutdown, reason = 'Server restarting'): Promise<void> {
    await this.run(async () => {
      const present = [...this.peers].filter((p) => p.self.userId && p.self.canParticipate);
      this.closed = true;
      const left: RoomEvent[] = present.map((p) => ({ type: 'presence.left', userId: p.self.userId! }));
      if (left.length > 0) await this.record(null, left).catch(() => {});
      this.flush();
      for (const peer of this.peers) peer.close(code, reason);
      this.peers.clear();
    });
    clearTimeout(this.viewersTimer);
    await this.media?.close();
    await this.unsubscribe();
  }
}
