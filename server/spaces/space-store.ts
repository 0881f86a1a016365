import type { Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { notFound } from '../errors.ts';
import { anonymousActor } from '../permissions/actor.ts';
import type { Action, Actor, SpaceRole } from '../permissions/permissions.ts';
import { requirePermission } from '../permissions/require.ts';
import type { SpaceRow } from './routes.ts';

export async function findSpaceBySlug(sql: Sql, slug: string): Promise<SpaceRow | undefined> {
  const [space] = await sql<SpaceRow[]>`select id, slug, kind, name, description, visibility from spaces where slug = ${slug}`;
  return space;
}

/** A space and the user's standing in it, read together in one query (every request needs both). */
export async function spaceWithActor(
  sql: Sql,
  where: { slug: string } | { id: string },
  user: SessionUser | null,
): Promise<{ space: SpaceRow; actor: Actor } | undefined> {
  const [row] = await sql<(SpaceRow & { myRoles: SpaceRole[] })[]>`
    select s.id, s.slug, s.kind, s.name, s.description, s.visibility,
           coalesce((select array_agg(r.role) from space_roles r where r.space_id = s.id and r.user_id = ${user?.id ?? null}), '{}') as "myRoles"
    from spaces s where ${'slug' in where ? sql`s.slug = ${where.slug}` : sql`s.id = ${where.id}`}`;
  if (!row) return undefined;
  const { myRoles, ...space } = row;
  const actor: Actor = user ? { userId: user.id, isAdmin: user.isAdmin, roles: new Set(myRoles) } : anonymousActor();
  return { space, actor };
}

/** The space and the user's standing in it, once the user may do `action` there. */
export async function spaceForAction(
  sql: Sql,
  user: SessionUser | null,
  slug: string,
  action: Action,
): Promise<{ space: SpaceRow; actor: Actor }> {
  const found = await spaceWithActor(sql, { slug }, user);
  if (!found) throw notFound('Space');
  requirePermission(found.actor, action, found.space);
  return found;
}
