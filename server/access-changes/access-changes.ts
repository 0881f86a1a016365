/**
 * Open sockets must not outlive the rights they were opened with. Whatever changes someone's
 * rights (a role granted or revoked, a space made members-only, a session ended) says so here,
 * after the change is committed; every process then rechecks that person's open room and
 * document sockets against the database and closes those whose rights changed.
 *
 * Notices travel in-process, and over Redis when the town runs on several processes. They carry
 * news only: a process that hears one reads the person's standing from Postgres and asks `can()`,
 * so a lost or duplicated notice costs at most a recheck, never a wrong right.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '../../db/connection.ts';
import { sessionUser, type SessionUser } from '../auth/sessions.ts';
import { closeCodes } from '../protocol/room-messages.ts';
import type { RedisChannels } from '../redis-channels.ts';

export type AccessChange =
  /** A person was given or lost a role in a space (joining and leaving a forum included). */
  | { kind: 'roles'; userId: string; spaceId: string }
  /** A space's visibility changed: the standing of everyone in it, signed in or not. */
  | { kind: 'space'; spaceId: string }
  /** One session ended: signed out, or ended from another device. */
  | { kind: 'session'; userId: string; sessionId: string }
  /** Every session of a person ended (a password reset). */
  | { kind: 'allSessions'; userId: string };

/** What the places that change rights need: to say so, once the change is committed. */
export interface AccessNotifier {
  notify(change: AccessChange): void;
}

/** Answers shared by the connections one notice reaches, so each question is asked of the database once. */
export interface Answers {
  once<T>(key: string, ask: () => Promise<T>): Promise<T>;
}

/** An open socket, as the recheck needs to know it. */
export interface LiveConnection {
  readonly userId: string | null;
  /** The session it was opened with; null for an anonymous visitor. */
  readonly sessionId: string | null;
  /** The space whose rights it was opened with. */
  readonly spaceId: string;
  /** At once, when a notice reaches it: act on nothing the old rights allowed until the recheck is done. */
  hold(): void;
  /** The recheck found the rights as they were. */
  release(): void;
  /** Whether the person, as they stand now (null: anonymous), has exactly the rights it was opened with. */
  unchanged(user: SessionUser | null, answers: Answers): Promise<boolean>;
  close(code: number, reason: string): void;
}

export interface Tracked {
  /** Settles when no recheck of this connection is under way: a message waits for it before it acts. */
  settled(): Promise<void>;
  untrack(): void;
}

interface Entry {
  connection: LiveConnection;
  /** Rechecks queued or running; one at a time, so a later notice is judged on a later read. */
  pending: number;
  settled: Promise<void>;
  closed: boolean;
}

const CHANNEL = 'access';

export class AccessChanges implements AccessNotifier {
  private readonly byUser = new Map<string, Set<Entry>>();
  private readonly bySpace = new Map<string, Set<Entry>>();
  private received = 0;
  private unsubscribe: () => Promise<void> = async () => {};

  private constructor(
    private readonly sql: Sql,
    private readonly channels: RedisChannels | null,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Listens to the other processes from the start: a notice cannot slip past a socket opened later. */
  static async start(sql: Sql, channels: RedisChannels | null, log: FastifyBaseLogger): Promise<AccessChanges> {
    const changes = new AccessChanges(sql, channels, log);
    if (channels) changes.unsubscribe = await channels.subscribe(CHANNEL, (change) => changes.receive(change as AccessChange));
    return changes;
  }

  /**
   * How many notices this process has heard. A socket notes it before its rights are read (before
   * the session is, see plugin.ts) and hands it to `track`: a notice that came in between was
   * missed by it, and it is rechecked at once.
   */
  get version(): number {
    return this.received;
  }

  notify(change: AccessChange): void {
    this.receive(change);
    this.channels?.publish(CHANNEL, change).catch((error: unknown) => {
      // Committed already: sockets on the other processes keep their rights until their next recheck or reconnect.
      this.log.error({ err: error, change }, 'an access change could not be told to the other processes');
    });
  }

  track(connection: LiveConnection, seenVersion: number): Tracked {
    const entry: Entry = { connection, pending: 0, settled: Promise.resolve(), closed: false };
    if (connection.userId) addTo(this.byUser, connection.userId, entry);
    addTo(this.bySpace, connection.spaceId, entry);
    if (this.received !== seenVersion) this.recheck([entry]);
    return {
      settled: () => entry.settled,
      untrack: () => {
        entry.closed = true;
        if (connection.userId) removeFrom(this.byUser, connection.userId, entry);
        removeFrom(this.bySpace, connection.spaceId, entry);
      },
    };
  }

  async close(): Promise<void> {
    await this.unsubscribe();
  }

  private receive(change: AccessChange): void {
    this.received += 1;
    const affected = this.affectedBy(change);
    if (affected.length > 0) this.recheck(affected);
  }

  private affectedBy(change: AccessChange): Entry[] {
    switch (change.kind) {
      case 'roles':
        return [...(this.byUser.get(change.userId) ?? [])].filter((e) => e.connection.spaceId === change.spaceId);
      case 'space':
        return [...(this.bySpace.get(change.spaceId) ?? [])];
      case 'session':
        return [...(this.byUser.get(change.userId) ?? [])].filter((e) => e.connection.sessionId === change.sessionId);
      case 'allSessions':
        return [...(this.byUser.get(change.userId) ?? [])];
      default:
        return [];
    }
  }

  private recheck(entries: Entry[]): void {
    const answers = memo();
    for (const entry of entries) {
      if (entry.closed) continue;
      if (entry.pending === 0) entry.connection.hold();
      entry.pending += 1;
      entry.settled = entry.settled
        .then(() => this.decide(entry, answers))
        .finally(() => {
          entry.pending -= 1;
          if (entry.pending === 0 && !entry.closed) entry.connection.release();
        });
    }
  }

  private async decide(entry: Entry, answers: Answers): Promise<void> {
    if (entry.closed) return;
    const { connection } = entry;
    let verdict: 'unchanged' | 'changed' | 'signedOut';
    try {
      // The session is read afresh too: it may have ended, and it carries the site-admin flag.
      const user = connection.sessionId ? await answers.once(`session:${connection.sessionId}`, () => sessionUser(this.sql, connection.sessionId!)) : null;
      if (connection.sessionId && !user) verdict = 'signedOut';
      else verdict = (await connection.unchanged(user, answers)) ? 'unchanged' : 'changed';
    } catch (error) {
      // Rights that cannot be read cannot be vouched for: the socket reconnects, and its door decides.
      this.log.warn({ err: error, userId: connection.userId }, 'rights could not be rechecked: socket closed');
      verdict = 'changed';
    }
    if (verdict === 'unchanged' || entry.closed) return;
    entry.closed = true;
    if (verdict === 'signedOut') connection.close(closeCodes.sessionEnded, 'Your session ended: sign in again');
    else connection.close(closeCodes.accessChanged, 'Your access changed: reconnect');
  }
}

function memo(): Answers {
  const asked = new Map<string, Promise<unknown>>();
  return {
    once<T>(key: string, ask: () => Promise<T>): Promise<T> {
      let answer = asked.get(key) as Promise<T> | undefined;
      if (!answer) asked.set(key, (answer = ask()));
      return answer;
    },
  };
}

function addTo(index: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(entry);
}

function removeFrom(index: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(entry);
  if (set.size === 0) index.delete(key);
}
