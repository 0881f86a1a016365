import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Sql } from '../../db/connection.ts';

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
    await invalidateSession(sql, id);
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

export async function invalidateSession(sql: Sql, sessionId: string): Promise<void> {
  await sql`delete from sessions where id = ${sessionId}`;
}

export async function invalidateAllSessions(sql: Sql, userId: string): Promise<void> {
  await sql`delete from sessions where user_id = ${userId}`;
}
