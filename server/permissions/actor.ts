import type { Queries, Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { can, type Action, type Actor, type SpaceKind, type SpaceRole, type Visibility } from './permissions.ts';

const noRoles: ReadonlySet<SpaceRole> = new Set();

export function anonymousActor(): Actor {
  return { userId: null, isAdmin: false, roles: noRoles };
}

/** The user outside any space, for site-wide actions such as creating a space. */
export function siteActor(user: SessionUser | null): Actor {
  return user ? { userId: user.id, isAdmin: user.isAdmin, roles: noRoles } : anonymousActor();
}

/** The user as they stand in one space. */
export async function actorInSpace(sql: Queries, user: SessionUser | null, spaceId: string): Promise<Actor> {
  if (!user) return anonymousActor();
  const rows = await sql<{ role: SpaceRole }[]>`select role from space_roles where user_id = ${user.id} and space_id = ${spaceId}`;
  return { userId: user.id, isAdmin: user.isAdmin, roles: new Set(rows.map((r) => r.role)) };
}

/** The user as they stand in every space, for filtering lists. */
export async function actorsBySpace(sql: Sql, user: SessionUser | null): Promise<(spaceId: string) => Actor> {
  if (!user) return anonymousActor;
  const rows = await sql<{ spaceId: string; role: SpaceRole }[]>`
    select space_id as "spaceId", role from space_roles where user_id = ${user.id}`;
  const roles = new Map<string, Set<SpaceRole>>();
  for (const { spaceId, role } of rows) {
    let set = roles.get(spaceId);
    if (!set) roles.set(spaceId, (set = new Set()));
    set.add(role);
  }
  return (spaceId) => ({ userId: user.id, isAdmin: user.isAdmin, roles: roles.get(spaceId) ?? noRoles });
}

/**
 * The spaces where the user may do `action` (see a space, read its threads), decided by `can()`
 * space by space, so list queries can filter in SQL (and use their indexes and LIMIT) without a
 * second copy of the rule.
 */
export async function spaceIdsAllowing(sql: Sql, user: SessionUser | null, action: Action): Promise<string[]> {
  const [actorFor, spaces] = await Promise.all([
    actorsBySpace(sql, user),
    sql<{ id: string; kind: SpaceKind; visibility: Visibility }[]>`select id, kind, visibility from spaces`,
  ]);
  return spaces.filter((space) => can(actorFor(space.id), action, space)).map((space) => space.id);
}
