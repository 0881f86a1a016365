import type { Queries, Sql } from '../../db/connection.ts';
import { conflict, HttpError } from '../errors.ts';
import type { Lang } from '../mail/language.ts';
import { generateSessionToken, sessionIdFromToken, type SessionUser } from './sessions.ts';

/**
 * The single-use links mailed for a sign-up and a password reset. Made like session tokens
 * (sessions.ts): 20 random bytes for the link, only their SHA-256 in the database, so a leaked
 * database opens no account. Used rows are kept (a week past their expiry) so a second click can be
 * told "already used" rather than "not valid".
 */
export const SIGNUP_LINK_HOURS = 24;
export const RESET_LINK_HOURS = 1;
const HOUR_MS = 3_600_000;

export const newLinkToken = generateSessionToken;
const hashOf = sessionIdFromToken;

export type LinkProblem = 'invalid' | 'used' | 'expired';

function refusal(problem: LinkProblem): HttpError {
  if (problem === 'invalid') return new HttpError(400, 'This link is not valid: check that it was copied whole', 'invalid_token');
  if (problem === 'used') return new HttpError(410, 'This link has already been used', 'token_used');
  return new HttpError(410, 'This link has expired: ask for a new one', 'token_expired');
}

/** Why a token of `table` cannot be used now, or null when it can. */
async function problemWith(sql: Queries, table: 'signup_requests' | 'password_resets', token: string): Promise<LinkProblem | null> {
  const [row] = await sql<{ used: boolean; expired: boolean }[]>`
    select used_at is not null as used, expires_at <= now() as expired from ${sql(table)} where token_hash = ${hashOf(token)}`;
  if (!row) return 'invalid';
  return row.used ? 'used' : row.expired ? 'expired' : null;
}

async function refuseUnusable(sql: Queries, table: 'signup_requests' | 'password_resets', token: string): Promise<never> {
  // Between the failed update and this look the token can only have become used (by a request at the same moment).
  throw refusal((await problemWith(sql, table, token)) ?? 'used');
}

export interface PendingSignup {
  email: string;
  emailKey: string;
  displayName: string;
  passwordHash: string;
  language: Lang;
}

/** Stores a sign-up under `token`; an earlier one for the address stops working, so only the newest password can become the account's. */
export async function storeSignup(tx: Queries, token: string, signup: PendingSignup): Promise<void> {
  await tx`delete from signup_requests where expires_at < now() - interval '7 days'`;
  await tx`update signup_requests set expires_at = now() where email_key = ${signup.emailKey} and used_at is null and expires_at > now()`;
  await tx`insert into signup_requests (token_hash, email, email_key, display_name, password_hash, language, expires_at)
           values (${hashOf(token)}, ${signup.email}, ${signup.emailKey}, ${signup.displayName}, ${signup.passwordHash}, ${signup.language},
                   ${new Date(Date.now() + SIGNUP_LINK_HOURS * HOUR_MS)})`;
}

/** Uses a sign-up's token once: the account is made, its address confirmed. */
export async function completeSignup(sql: Sql, token: string): Promise<SessionUser> {
  return sql.begin(async (tx) => {
    const [signup] = await tx<PendingSignup[]>`
      update signup_requests set used_at = now()
      where token_hash = ${hashOf(token)} and used_at is null and expires_at > now()
      returning email, email_key as "emailKey", display_name as "displayName", password_hash as "passwordHash", language`;
    if (!signup) return refuseUnusable(tx, 'signup_requests', token);
    const [user] = await tx<SessionUser[]>`
      insert into users (email, email_key, display_name, password_hash, language, email_verified_at)
      values (${signup.email}, ${signup.emailKey}, ${signup.displayName}, ${signup.passwordHash}, ${signup.language}, now())
      on conflict (email_key) do nothing
      returning id, email, display_name as "displayName", is_admin as "isAdmin"`;
    // The address got an account some other way meanwhile; the link's holder owns the mailbox, so saying so reveals nothing.
    if (!user) throw conflict('This address already has an account: sign in, or choose a new password', 'email_taken');
    return user;
  });
}

export async function storePasswordReset(tx: Queries, token: string, userId: string): Promise<void> {
  await tx`delete from password_resets where expires_at < now() - interval '7 days'`;
  await tx`insert into password_resets (token_hash, user_id, expires_at) values (${hashOf(token)}, ${userId}, ${new Date(Date.now() + RESET_LINK_HOURS * HOUR_MS)})`;
}

/** Refuses, cheaply and before a password is hashed, a reset token that cannot be used. */
/** A reset token still usable, and the account it is for (whose name and address a new password must not be made of). */
export async function checkPasswordReset(sql: Sql, token: string): Promise<{ email: string; displayName: string }> {
  const problem = await problemWith(sql, 'password_resets', token);
  if (problem) throw refusal(problem);
  const [account] = await sql<{ email: string; displayName: string }[]>`
    select u.email, u.display_name as "displayName" from password_resets r join users u on u.id = r.user_id
    where r.token_hash = ${hashOf(token)}`;
  if (!account) throw refusal('invalid');
  return account;
}

/**
 * Uses a reset token once: sets the password, confirms the address (the mail reached its owner) and
 * ends the account's other reset links. Returns the account, whose sessions the caller ends.
 */
export async function completePasswordReset(sql: Sql, token: string, passwordHash: string): Promise<string> {
  return sql.begin(async (tx) => {
    const [reset] = await tx<{ userId: string }[]>`
      update password_resets set used_at = now()
      where token_hash = ${hashOf(token)} and used_at is null and expires_at > now()
      returning user_id as "userId"`;
    if (!reset) return refuseUnusable(tx, 'password_resets', token);
    await tx`update users set password_hash = ${passwordHash}, email_verified_at = coalesce(email_verified_at, now()) where id = ${reset.userId}`;
    await tx`update password_resets set used_at = now() where user_id = ${reset.userId} and used_at is null`;
    return reset.userId;
  });
}
