import type { Queries } from '../../db/connection.ts';
import type { Recipient } from '../mail/compose.ts';
import type { Lang } from '../mail/language.ts';

/** An address as accounts are looked up by it: one account per address, whatever its case. */
export const emailKey = (email: string) => email.trim().toLowerCase();

export interface Account {
  id: string;
  email: string;
  displayName: string;
  language: Lang;
}

export async function accountByEmail(sql: Queries, email: string): Promise<Account | null> {
  const [row] = await sql<Account[]>`
    select id, email, display_name as "displayName", language from users where email_key = ${emailKey(email)}`;
  return row ?? null;
}

/** Mail to an account goes to its address, in its language. */
export const recipientOf = (account: Account): Recipient => ({ address: account.email, userId: account.id, language: account.language });
