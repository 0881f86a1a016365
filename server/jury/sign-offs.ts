/** Each juror's stance on each recommendation: one row per recommendation × juror, changed in place. */
import type { Queries } from '../../db/connection.ts';

export const stances = ['agree', 'can_live_with', 'object'] as const;
export type Stance = (typeof stances)[number];
export type Tally = Record<Stance, number>;

export interface SignOff {
  recommendationId: string;
  userId: string;
  displayName: string;
  stance: Stance;
  comment: string | null;
  updatedAt: Date;
}

/**
 * The space's sign-offs by people who are jurors now: a juror who left the jury no longer
 * counts (their row stays, and counts again if they are appointed back).
 */
export async function signOffsOf(sql: Queries, spaceId: string): Promise<SignOff[]> {
  return sql<SignOff[]>`
    select s.recommendation_id as "recommendationId", s.user_id as "userId", u.display_name as "displayName",
           s.stance, s.comment, s.updated_at as "updatedAt"
    from recommendation_sign_offs s
    join users u on u.id = s.user_id
    where s.space_id = ${spaceId}
      and exists (select 1 from space_roles r where r.space_id = s.space_id and r.user_id = s.user_id and r.role = 'juror')
    order by u.display_name, s.user_id`;
}

export async function jurorCount(sql: Queries, spaceId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from space_roles where space_id = ${spaceId} and role = 'juror'`;
  return row?.n ?? 0;
}

export function emptyTally(): Tally {
  return { agree: 0, can_live_with: 0, object: 0 };
}

export function tallyOf(signOffs: readonly SignOff[], recommendationId: string): Tally {
  const tally = emptyTally();
  for (const s of signOffs) if (s.recommendationId === recommendationId) tally[s.stance] += 1;
  return tally;
}

export async function putSignOff(
  sql: Queries,
  row: { spaceId: string; recommendationId: string; userId: string; stance: Stance; comment: string | null },
): Promise<void> {
  await sql`
    insert into recommendation_sign_offs (space_id, recommendation_id, user_id, stance, comment)
    values (${row.spaceId}, ${row.recommendationId}, ${row.userId}, ${row.stance}, ${row.comment})
    on conflict (space_id, recommendation_id, user_id)
    do update set stance = excluded.stance, comment = excluded.comment, updated_at = now()`;
}

/** Whether there was a sign-off to withdraw. */
export async function withdrawSignOff(sql: Queries, spaceId: string, recommendationId: string, userId: string): Promise<boolean> {
  const rows = await sql`
    delete from recommendation_sign_offs
    where space_id = ${spaceId} and recommendation_id = ${recommendationId} and user_id = ${userId} returning 1`;
  return rows.length > 0;
}
