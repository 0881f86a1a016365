import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { conflict, forbidden, HttpError, unauthorized } from '../errors.ts';
import { spaceIdsAllowing } from '../permissions/actor.ts';
import { can, type Actor, type SpaceKind, type Visibility } from '../permissions/permissions.ts';
import { ErrorReply, IdParams, Person, SlugParams } from '../schemas.ts';
import { spaceForAction } from '../spaces/space-store.ts';
import { isStorableDate } from '../validation.ts';
import { renderMarkdown } from './markdown.ts';
import { loadPosts, Post, reactionKinds } from './post-view.ts';
import { activeMute, postForAction, threadForAction, type ThreadRow } from './thread-store.ts';

export const Thread = Type.Object({
  id: Type.String(),
  spaceId: Type.String(),
  title: Type.String(),
  author: Person,
  createdAt: Type.String({ format: 'date-time' }),
  lastPostAt: Type.String({ format: 'date-time' }),
  postCount: Type.Integer(),
  locked: Type.Union([Type.Object({ reason: Type.String(), lockedAt: Type.String({ format: 'date-time' }) }), Type.Null()]),
});

const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Body = Type.String({ minLength: 1, maxLength: 50_000, pattern: '\\S' });
const PageSize = Type.Integer({ minimum: 1, maximum: 100, default: 50 });
// Keyset cursors: the last item's position, so a page is an index range however deep it is.
const ThreadCursor = Type.String({ pattern: '^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });

export function threadView(thread: ThreadRow) {
  return {
    id: thread.id,
    spaceId: thread.spaceId,
    title: thread.title,
    author: { id: thread.authorId, displayName: thread.authorName },
    createdAt: thread.createdAt.toISOString(),
    lastPostAt: thread.lastPostAt.toISOString(),
    postCount: thread.postCount,
    locked: thread.lockedAt ? { reason: thread.lockedReason ?? '', lockedAt: thread.lockedAt.toISOString() } : null,
  };
}

const threadSelect = (sql: Sql) => sql`
  select t.id, t.space_id as "spaceId", t.author_id as "authorId", u.display_name as "authorName", t.title,
         t.created_at as "createdAt", t.last_post_at as "lastPostAt", t.post_count as "postCount",
         t.locked_at as "lockedAt", t.locked_reason as "lockedReason"
  from threads t join users u on u.id = t.author_id`;

const viewerOf = (actor: Actor, space: { kind: SpaceKind; visibility: Visibility }) => ({
  userId: actor.userId,
  isModerator: can(actor, 'post.hide', space),
});

async function refuseIfMuted(sql: Sql, spaceId: string, userId: string) {
  const mute = await activeMute(sql, spaceId, userId);
  if (mute) throw forbidden(`You are muted in this space until ${mute.mutedUntil.toISOString()}: ${mute.reason}`, 'muted');
}

function refuseIfLocked(thread: ThreadRow) {
  if (thread.lockedAt) throw conflict(`This thread is locked: ${thread.lockedReason ?? ''}`, 'thread_locked');
}

/** Routes under /api/spaces/:slug/threads. */
export const spaceThreadRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/:slug/threads',
    {
      schema: {
        tags: ['threads'],
        params: SlugParams,
        querystring: Type.Object({ before: Type.Optional(ThreadCursor), limit: PageSize }),
        response: { 200: Type.Object({ threads: Type.Array(Thread), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 404: ErrorReply },
      },
    },
    async (request) => {
      const { space } = await spaceForAction(sql, request.user, request.params.slug, 'thread.read');
      const { before, limit } = request.query;
      const [beforeTime, beforeId] = before ? before.split('_') : [];
      // The pattern admits text no date is made of (month 13, "T::Z", year 0): such a cursor is bad input, not a database error.
      const beforeDate = beforeTime === undefined ? null : new Date(beforeTime);
      if (beforeDate && !isStorableDate(beforeDate)) throw new HttpError(400, 'querystring/before is not a cursor this server gave out', 'invalid_input');
      const rows = await sql<ThreadRow[]>`${threadSelect(sql)}
        where t.space_id = ${space.id}
        ${beforeDate ? sql`and (t.last_post_at, t.id) < (${beforeDate}, ${beforeId!}::uuid)` : sql``}
        order by t.last_post_at desc, t.id desc limit ${limit + 1}`;
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = rows.length > limit && last ? `${last.lastPostAt.toISOString()}_${last.id}` : null;
      return { threads: page.map(threadView), nextCursor };
    },
  );

  app.post(
    '/:slug/threads',
    {
      preHandler: app.writeLimit.posts,
      schema: {
        tags: ['threads'],
        params: SlugParams,
        body: Type.Object({ title: Title, body: Body }),
        response: { 201: Type.Object({ thread: Thread, post: Post }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'thread.create');
      const userId = actor.userId!;
      await refuseIfMuted(sql, space.id, userId);
      const { threadId, postId } = await sql.begin(async (tx) => {
        const [thread] = await tx<{ id: string }[]>`
          insert into threads (space_id, author_id, title, post_count) values (${space.id}, ${userId}, ${request.body.title.trim()}, 1)
          returning id`;
        const [post] = await tx<{ id: string }[]>`
          insert into posts (thread_id, author_id, body_markdown, body_html)
          values (${thread!.id}, ${userId}, ${request.body.body}, ${renderMarkdown(request.body.body)}) returning id`;
        return { threadId: thread!.id, postId: post!.id };
      });
      const [thread] = await sql<ThreadRow[]>`${threadSelect(sql)} where t.id = ${threadId}`;
      const [post] = await loadPosts(sql, { postId }, viewerOf(actor, space));
      return reply.code(201).send({ thread: threadView(thread!), post: post! });
    },
  );
};

/** Routes under /api/threads and /api/posts. */
export const threadRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/threads/active',
    {
      schema: {
        tags: ['threads'],
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) }),
        response: { 200: Type.Object({ threads: Type.Array(Type.Intersect([Thread, Type.Object({ spaceSlug: Type.String() })])) }) },
      },
    },
    async (request) => {
      const spaceIds = await spaceIdsAllowing(sql, request.user, 'thread.read');
      const rows = await sql<(ThreadRow & { spaceSlug: string })[]>`
        select t.id, t.space_id as "spaceId", t.author_id as "authorId", u.display_name as "authorName", t.title,
               t.created_at as "createdAt", t.last_post_at as "lastPostAt", t.post_count as "postCount",
               t.locked_at as "lockedAt", t.locked_reason as "lockedReason", s.slug as "spaceSlug"
        from threads t join users u on u.id = t.author_id join spaces s on s.id = t.space_id
        where t.space_id = any(${spaceIds}::uuid[])
        order by t.last_post_at desc, t.id desc limit ${request.query.limit}`;
      return { threads: rows.map((t) => ({ ...threadView(t), spaceSlug: t.spaceSlug })) };
    },
  );

  app.get(
    '/threads/:id',
    {
      schema: {
        tags: ['threads'],
        params: IdParams,
        response: {
          200: Type.Object({ thread: Thread, space: Type.Object({ slug: Type.String(), kind: Type.String() }), canPost: Type.Boolean(), canModerate: Type.Boolean() }),
          404: ErrorReply,
        },
      },
    },
    async (request) => {
      const { thread, space, actor } = await threadForAction(sql, request.user, request.params.id, 'thread.read');
      const canModerate = can(actor, 'thread.lock', space);
      const canPost = can(actor, 'post.create', space) && !thread.lockedAt;
      return { thread: threadView(thread), space: { slug: space.slug, kind: space.kind }, canPost, canModerate };
    },
  );

  app.get(
    '/threads/:id/posts',
    {
      schema: {
        tags: ['threads'],
        params: IdParams,
        querystring: Type.Object({ after: Type.String({ pattern: '^\\d{1,18}$', default: '0' }), limit: PageSize }),
        response: { 200: Type.Object({ posts: Type.Array(Post), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 404: ErrorReply },
      },
    },
    async (request) => {
      const { thread, space, actor } = await threadForAction(sql, request.user, request.params.id, 'thread.read');
      const { after, limit } = request.query;
      const posts = await loadPosts(sql, { threadId: thread.id, afterSeq: after, limit: limit + 1 }, viewerOf(actor, space));
      const page = posts.slice(0, limit);
      return { posts: page, nextCursor: posts.length > limit ? page.at(-1)!.seq : null };
    },
  );

  app.post(
    '/threads/:id/posts',
    {
      preHandler: app.writeLimit.posts,
      schema: {
        tags: ['threads'],
        params: IdParams,
        body: Type.Object({ body: Body }),
        response: { 201: Type.Object({ post: Post }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const { thread, space, actor } = await threadForAction(sql, request.user, request.params.id, 'post.create');
      refuseIfLocked(thread);
      await refuseIfMuted(sql, space.id, actor.userId!);
      const postId = await sql.begin(async (tx) => {
        const [post] = await tx<{ id: string }[]>`
          insert into posts (thread_id, author_id, body_markdown, body_html)
          values (${thread.id}, ${actor.userId!}, ${request.body.body}, ${renderMarkdown(request.body.body)}) returning id`;
        await tx`update threads set last_post_at = now(), post_count = post_count + 1 where id = ${thread.id}`;
        return post!.id;
      });
      const [post] = await loadPosts(sql, { postId }, viewerOf(actor, space));
      return reply.code(201).send({ post: post! });
    },
  );

  app.patch(
    '/posts/:id',
    {
      preHandler: app.writeLimit.posts,
      schema: {
        tags: ['threads'],
        params: IdParams,
        body: Type.Object({ body: Body }),
        response: { 200: Type.Object({ post: Post }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request) => {
      const { post, thread, space, actor } = await postForAction(sql, request.user, request.params.id, 'post.create');
      if (post.authorId !== actor.userId) throw forbidden('Only the author can edit a post');
      if (post.hiddenAt) throw conflict('A hidden post cannot be edited', 'post_hidden');
      refuseIfLocked(thread);
      await refuseIfMuted(sql, space.id, actor.userId);
      await sql.begin(async (tx) => {
        // The previous text is kept as a revision before it is replaced.
        await tx`insert into post_revisions (post_id, revision, body_markdown, created_at)
                 select id, (select count(*) + 1 from post_revisions where post_id = ${post.id}), body_markdown, coalesce(edited_at, created_at)
                 from posts where id = ${post.id}`;
        await tx`update posts set body_markdown = ${request.body.body}, body_html = ${renderMarkdown(request.body.body)}, edited_at = now()
                 where id = ${post.id}`;
      });
      const [view] = await loadPosts(sql, { postId: post.id }, viewerOf(actor, space));
      return { post: view! };
    },
  );

  app.get(
    '/posts/:id/revisions',
    {
      schema: {
        tags: ['threads'],
        params: IdParams,
        response: {
          200: Type.Object({ revisions: Type.Array(Type.Object({ revision: Type.Integer(), bodyMarkdown: Type.String(), createdAt: Type.String() })) }),
          403: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (request) => {
      const { post, space, actor } = await postForAction(sql, request.user, request.params.id, 'thread.read');
      if (!actor.userId) throw unauthorized();
      if (post.authorId !== actor.userId && !can(actor, 'post.hide', space)) throw forbidden('Only the author and moderators see earlier versions');
      const rows = await sql<{ revision: number; bodyMarkdown: string; createdAt: Date }[]>`
        select revision, body_markdown as "bodyMarkdown", created_at as "createdAt" from post_revisions
        where post_id = ${post.id} order by revision`;
      return { revisions: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
    },
  );

  const ReactionParams = Type.Object({ id: Type.String({ format: 'uuid' }), kind: Type.Enum(reactionKinds) });
  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method,
      url: '/posts/:id/reactions/:kind',
      preHandler: app.writeLimit.reactions,
      schema: { tags: ['threads'], params: ReactionParams, response: { 200: Type.Object({ post: Post }), 401: ErrorReply, 404: ErrorReply } },
      handler: async (request) => {
        const { post, space, actor } = await postForAction(sql, request.user, request.params.id, 'post.react');
        if (method === 'PUT') {
          await sql`insert into post_reactions (post_id, user_id, kind) values (${post.id}, ${actor.userId!}, ${request.params.kind})
                    on conflict do nothing`;
        } else {
          await sql`delete from post_reactions where post_id = ${post.id} and user_id = ${actor.userId!} and kind = ${request.params.kind}`;
        }
        const [view] = await loadPosts(sql, { postId: post.id }, viewerOf(actor, space));
        return { post: view! };
      },
    });
  }
};
