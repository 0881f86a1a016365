import type { Queries, Sql } from '../../db/connection.ts';
import type { ComposedMail } from './compose.ts';

/** The outbox table (db/migrations/010_mail_outbox.sql): every mail is a row before it is sent. */

export async function enqueue(tx: Queries, mail: ComposedMail): Promise<void> {
  await tx`insert into mail_outbox (id, kind, recipient, recipient_key, user_id, message_id, raw)
           values (${mail.id}, ${mail.kind}, ${mail.to.address}, ${mail.to.address.toLowerCase()}, ${mail.to.userId},
                   ${mail.messageId}, ${mail.raw})`;
}

/** Mails of one kind queued for an address in the last hour, sent or not. */
export async function queuedInLastHour(tx: Queries, address: string, kind: string): Promise<number> {
  const [row] = await tx<{ count: number }[]>`
    select count(*)::int as count from mail_outbox
    where recipient_key = ${address.toLowerCase()} and kind = ${kind} and created_at > now() - interval '1 hour'`;
  return row!.count;
}

/**
 * Serialises the queueing of mails to one address across transactions and processes, so two
 * requests at once cannot both pass a per-address limit. Held until the transaction ends.
 */
export async function lockAddress(tx: Queries, address: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext(${`mail:${address.toLowerCase()}`}))`;
}

export async function isUnsubscribed(tx: Queries, userId: string, list: string): Promise<boolean> {
  const [row] = await tx`select 1 from mail_unsubscribes where user_id = ${userId} and list = ${list}`;
  return row !== undefined;
}

export interface ClaimedMail {
  id: string;
  recipient: string;
  messageId: string;
  raw: Buffer;
  attempts: number;
  createdAt: Date;
}

/**
 * Claims up to `limit` due mails for `leaseMs`: the rows are marked with this sender's lease in one
 * statement, and `skip locked` makes a sender passing over rows another is claiming at that moment
 * take others instead of waiting. A claim that lapses (its sender crashed) makes the mail due again.
 */
export async function claimDue(sql: Sql, leaseId: string, limit: number, leaseMs: number): Promise<ClaimedMail[]> {
  return sql<ClaimedMail[]>`
    update mail_outbox set lease_id = ${leaseId}, leased_until = now() + ${leaseMs} * interval '1 millisecond', attempts = attempts + 1
    where id in (
      select id from mail_outbox
      where sent_at is null and failed_at is null and next_attempt_at <= now() and (leased_until is null or leased_until < now())
      order by next_attempt_at
      limit ${limit}
      for update skip locked)
    returning id, recipient, message_id as "messageId", raw, attempts, created_at as "createdAt"`;
}

/**
 * Each of these changes the row only while this sender's lease holds: after a lapse another sender
 * owns the mail, and what this one learnt late must not undo that one's work.
 */
export async function markSent(sql: Sql, id: string, leaseId: string): Promise<boolean> {
  // The message may carry a live link (an address check, a reset): it goes once delivered.
  const rows = await sql`update mail_outbox set sent_at = now(), raw = null, lease_id = null, leased_until = null, last_error = null
                         where id = ${id} and lease_id = ${leaseId} returning id`;
  return rows.length > 0;
}

export async function retryLater(sql: Sql, id: string, leaseId: string, delayMs: number, error: string): Promise<void> {
  await sql`update mail_outbox set next_attempt_at = now() + ${delayMs} * interval '1 millisecond', lease_id = null, leased_until = null,
              last_error = ${error.slice(0, 500)}
            where id = ${id} and lease_id = ${leaseId}`;
}

export async function markFailed(sql: Sql, id: string, leaseId: string, error: string): Promise<void> {
  await sql`update mail_outbox set failed_at = now(), raw = null, lease_id = null, leased_until = null, last_error = ${error.slice(0, 500)}
            where id = ${id} and lease_id = ${leaseId}`;
}

/** Sent and failed mails are kept a month (for the per-address limits and for whoever asks what was sent), then deleted. */
export async function deleteOld(sql: Sql): Promise<void> {
  await sql`delete from mail_outbox where coalesce(sent_at, failed_at) < now() - interval '30 days'`;
}
