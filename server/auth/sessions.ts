import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Sql } from '../../db/connection.ts';
import type { AccessNotifier } from '../access-changes/access-changes.ts';

// Lucia's session design: the cookie holds a random token, the database only its SHA-256.
const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY;
const RENEW_WHEN_LEFT_MS = 15 * DAY;

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
}

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
}

export interface SessionValidation {
  session: Session;
  user: SessionUser;
  /** The expiry moved forward: the cookie must be sent again. */
  renewed: boolean;
}

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(sql: Sql, token: string, userId: string, userAgent: string | null): Promise<Session> {
  const session = { id: sessionIdFromToken(token), userId, expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS) };
  await sql`insert into sessions (id, user_id, expires_at, user_agent)
            values (${session.id}, ${userId}, ${session.expiresAt}, ${userAgent})`;
  return session;
}

export async function validateSessionToken(sql: Sql, token: string): Promise<SessionValidation | null> {
  const id = sessionIdFromToken(token);
  const [row] = await sql<
    { userId: string; expiresAt: Date; email: string; displayName: string; isAdmin: boolean }[]
  >`select s.user_id as "userId", s.expires_at as "expiresAt", u.email, u.display_name as "displayName", u.is_admin as "isAdmin"
    from sessions s join users u on u.id = s.user_id where s.id = ${id}`;
  if (!row) return null;
  const now = Date.now();
  if (now >= row.expiresAt.getTime()) {
    // Expired, not ended: a socket opened with it is left open (it was let in while the session was
    // good), and no notice goes out. A recheck for another reason finds it expired and closes it.
    await sql`delete from sessions where id = ${id}`;
    return null;
  }
  const session: Session = { id, userId: row.userId, expiresAt: row.expiresAt };
  let renewed = false;
  if (row.expiresAt.getTime() - now < RENEW_WHEN_LEFT_MS) {
    session.expiresAt = new Date(now + SESSION_LIFETIME_MS);
    await sql`update sessions set expires_at = ${session.expiresAt} where id = ${id}`;
    renewed = true;
  }
  const user = { id: row.userId, email: row.email, displayName: row.displayName, isAdmin: row.isAdmin };
  return { session, user, renewed };
}

/** Ends one of the person's sessions, and the sockets opened with it; false when they have no such session. */
export async function invalidateSession(sql: Sql, changes: AccessNotifier, userId: string, sessionId: string): Promise<boolean> {
  const deleted = await sql`delete from sessions where id = ${sessionId} and user_id = ${userId} returning id`;
  if (deleted.length > 0) changes.notify({ kind: 'session', userId, sessionId });
  return deleted.length > 0;
}

/** Ends every session of the person (a password reset), and every socket opened with one. */
export async function invalidateAllSessions(sql: Sql, changes: AccessNotifier, userId: string): Promise<void> {
  await sql`delete from sessions where user_id = ${userId}`;
  changes.notify({ kind: 'allSessions', userId });
}

/**
 * The person a session belongs to as they stand now, or null when it has ended or expired: what an
 * open socket is rechecked with when a notice reaches it (one indexed read, and only then).
 */
export async function sessionUser(sql: Sql, sessionId: string): Promise<SessionUser | null> {
  const [row] = await sql<SessionUser[]>`
    select u.id, u.email, u.display_name as "displayName", u.is_admin as "isAdmin"
    from sessions s join users u on u.id = s.user_id where s.id = ${sessionId} and s.expires_at > ${new Date()}`;
  return row ?? null;
}
