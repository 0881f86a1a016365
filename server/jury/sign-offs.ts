/** Each juror's stance on each recommendation: one row per recommendation × juror, changed in place. */
import type { Queries } from '../../db/connection.ts';
import { can, type SpaceContext, type SpaceRole } from '../permissions/permissions.ts';

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

type JurySpace = SpaceContext & { id: string };

/**
 * Who may sign off now, as the permission table says: a juror who left the jury, or who was
 * also made chair, no longer counts (their row stays, and counts again if that changes back).
 */
async function signers(sql: Queries, space: JurySpace): Promise<Set<string>> {
  const people = await sql<{ userId: string; isAdmin: boolean; roles: SpaceRole[] }[]>`
    select r.user_id as "userId", u.is_admin as "isAdmin", array_agg(r.role) as roles
    from space_roles r join users u on u.id = r.user_id
    where r.space_id = ${space.id} group by r.user_id, u.is_admin`;
  const allowed = people.filter((p) => can({ userId: p.userId, isAdmin: p.isAdmin, roles: new Set(p.roles) }, 'recommendations.signOff', space));
  return new Set(allowed.map((p) => p.userId));
}

/** The space's sign-offs that count, and how many people may sign off (a tally is read against it). */
export async function signOffsOf(sql: Queries, space: JurySpace): Promise<{ signOffs: SignOff[]; jurors: number }> {
  const counted = await signers(sql, space);
  const rows = await sql<SignOff[]>`
    select s.recommendation_id as "recommendationId", s.user_id as "userId", u.display_name as "displayName",
           s.stance, s.comment, s.updated_at as "updatedAt"
    from recommendation_sign_offs s
    join users u on u.id = s.user_id
    where s.space_id = ${space.id}
    order by u.display_name, s.user_id`;
  return { signOffs: rows.filter((row) => counted.has(row.userId)), jurors: counted.size };
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
