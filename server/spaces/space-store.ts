import type { Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { notFound } from '../errors.ts';
import { actorInSpace } from '../permissions/actor.ts';
import type { Action, Actor } from '../permissions/permissions.ts';
import { requirePermission } from '../permissions/require.ts';
import type { SpaceRow } from './routes.ts';

export const spaceColumns = 'id, slug, kind, name, description, visibility';

export async function findSpaceBySlug(sql: Sql, slug: string): Promise<SpaceRow | undefined> {
  const [space] = await sql<SpaceRow[]>`select id, slug, kind, name, description, visibility from spaces where slug = ${slug}`;
  return space;
}

export async function findSpaceById(sql: Sql, id: string): Promise<SpaceRow | undefined> {
  const [space] = await sql<SpaceRow[]>`select id, slug, kind, name, description, visibility from spaces where id = ${id}`;
  return space;
}

/** The space and the user's standing in it, once the user may do `action` there. */
export async function spaceForAction(
  sql: Sql,
  user: SessionUser | null,
  slug: string,
  action: Action,
): Promise<{ space: SpaceRow; actor: Actor }> {
  const space = await findSpaceBySlug(sql, slug);
  if (!space) throw notFound('Space');
  const actor = await actorInSpace(sql, user, space.id);
  requirePermission(actor, action, space);
  return { space, actor };
}
