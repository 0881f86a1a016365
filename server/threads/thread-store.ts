import type { Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { notFound } from '../errors.ts';
import type { Action, Actor } from '../permissions/permissions.ts';
import { requirePermission } from '../permissions/require.ts';
import type { SpaceRow } from '../spaces/routes.ts';
import { spaceWithActor } from '../spaces/space-store.ts';

export interface ThreadRow {
  id: string;
  spaceId: string;
  authorId: string;
  authorName: string;
  title: string;
  createdAt: Date;
  lastPostAt: Date;
  postCount: number;
  lockedAt: Date | null;
  lockedReason: string | null;
}

export interface PostRow {
  id: string;
  threadId: string;
  authorId: string;
  hiddenAt: Date | null;
}

export interface InSpace {
  space: SpaceRow;
  actor: Actor;
}

export async function findThread(sql: Sql, id: string): Promise<ThreadRow | undefined> {
  const [thread] = await sql<ThreadRow[]>`
    select t.id, t.space_id as "spaceId", t.author_id as "authorId", u.display_name as "authorName", t.title,
           t.created_at as "createdAt", t.last_post_at as "lastPostAt", t.post_count as "postCount",
           t.locked_at as "lockedAt", t.locked_reason as "lockedReason"
    from threads t join users u on u.id = t.author_id where t.id = ${id}`;
  return thread;
}

async function inSpace(sql: Sql, user: SessionUser | null, spaceId: string, action: Action, what: string): Promise<InSpace> {
  const found = await spaceWithActor(sql, { id: spaceId }, user);
  if (!found) throw notFound(what);
  requirePermission(found.actor, action, found.space, what);
  return found;
}

/** The thread with its space and the user's standing, once the user may do `action` to it. */
export async function threadForAction(sql: Sql, user: SessionUser | null, threadId: string, action: Action): Promise<InSpace & { thread: ThreadRow }> {
  const thread = await findThread(sql, threadId);
  if (!thread) throw notFound('Thread');
  return { thread, ...(await inSpace(sql, user, thread.spaceId, action, 'Thread')) };
}

export async function postForAction(
  sql: Sql,
  user: SessionUser | null,
  postId: string,
  action: Action,
): Promise<InSpace & { post: PostRow; thread: ThreadRow }> {
  const [post] = await sql<PostRow[]>`
    select id, thread_id as "threadId", author_id as "authorId", hidden_at as "hiddenAt" from posts where id = ${postId}`;
  if (!post) throw notFound('Post');
  const thread = (await findThread(sql, post.threadId))!;
  return { post, thread, ...(await inSpace(sql, user, thread.spaceId, action, 'Post')) };
}

/** A mute in force for the user in the space, if any. */
export async function activeMute(sql: Sql, spaceId: string, userId: string): Promise<{ mutedUntil: Date; reason: string } | undefined> {
  const [mute] = await sql<{ mutedUntil: Date; reason: string }[]>`
    select muted_until as "mutedUntil", reason from space_mutes
    where space_id = ${spaceId} and user_id = ${userId} and muted_until > now()`;
  return mute;
}
