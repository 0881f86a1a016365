import { HttpError } from '../errors.ts';

/**
 * A page position: the (starts_at, id) of the last row shown. starts_at travels as the
 * database's own text form, so microseconds survive the round trip.
 */
export interface Position {
  startsAt: string;
  id: string;
}

export const encodeCursor = (p: Position) => Buffer.from(JSON.stringify([p.startsAt, p.id])).toString('base64url');

const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:[+-](\d{2})(?::(\d{2}))?|Z)$/;

/** Text PostgreSQL reads as a timestamptz: the pattern alone would let month 13, year 0 or a +99 offset through. */
function isTimestamp(text: string): boolean {
  const match = timestampPattern.exec(text);
  if (!match) return false;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, offsetH = 0, offsetM = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h <= 23 && mi <= 59 && s <= 59 && offsetH <= 15 && offsetM <= 59;
}

export function decodeCursor(cursor: string | undefined): Position | null {
  if (cursor === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      isTimestamp(value[0]) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value[1])
    ) {
      return { startsAt: value[0], id: value[1] };
    }
  } catch {
    // falls through to the error below
  }
  throw new HttpError(400, 'querystring/cursor is not a cursor this server gave out', 'invalid_input');
}

/** Returns one page of `rows` fetched with `limit + 1`, and the cursor of the next page. */
export function page<T extends { startsKey: string; id: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { rows: shown, nextCursor: more && last ? encodeCursor({ startsAt: last.startsKey, id: last.id }) : null };
}
