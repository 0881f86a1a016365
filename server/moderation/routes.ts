import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { conflict, notFound } from '../errors.ts';
import { can } from '../permissions/permissions.ts';
import { ErrorReply, IdParams, Person, ReasonBody, SlugParams, Uuid } from '../schemas.ts';
import { spaceForAction } from '../spaces/space-store.ts';
import { loadPosts, Post } from '../threads/post-view.ts';
import { Thread, threadView } from '../threads/routes.ts';
import { findThread, postForAction, threadForAction } from '../threads/thread-store.ts';

export const moderationRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.post(
    '/posts/:id/reports',
    {
      preHandler: app.writeLimit.reports,
      schema: {
        tags: ['moderation'],
        params: IdParams,
        body: ReasonBody,
        response: { 201: Type.Object({ report: Type.Object({ id: Type.String() }) }), 401: ErrorReply, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const { post, actor } = await postForAction(sql, request.user, request.params.id, 'post.report');
      const [report] = await sql<{ id: string }[]>`
        insert into post_reports (post_id, reporter_id, reason) values (${post.id}, ${actor.userId!}, ${request.body.reason.trim()})
        on conflict (post_id, reporter_id) do nothing returning id`;
      if (!report) throw conflict('You have already reported this post', 'already_reported');
      return reply.code(201).send({ report });
    },
  );

  app.get(
    '/spaces/:slug/moderation/reports',
    {
      schema: {
        tags: ['moderation'],
        params: SlugParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                post: Post,
                thread: Type.Object({ id: Type.String(), title: Type.String() }),
                reports: Type.Array(Type.Object({ id: Type.String(), reason: Type.String(), reporter: Person, createdAt: Type.String() })),
              }),
            ),
          }),
          401: ErrorReply,
          403: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (request) => {
      const { actor } = await spaceForAction(sql, request.user, request.params.slug, 'moderation.read');
      const reports = await sql<
        { id: string; postId: string; reason: string; reporterId: string; reporterName: string; createdAt: Date; threadId: string; threadTitle: string }[]
      >`
        select r.id, r.post_id as "postId", r.reason, r.reporter_id as "reporterId", u.display_name as "reporterName", r.created_at as "createdAt",
               t.id as "threadId", t.title as "threadTitle"
        from post_reports r
        join posts p on p.id = r.post_id join threads t on t.id = p.thread_id join spaces s on s.id = t.space_id
        join users u on u.id = r.reporter_id
        where s.slug = ${request.params.slug} and r.resolved_at is null
        order by r.created_at`;
      const byPost = new Map<string, { thread: { id: string; title: string }; reports: (typeof reports)[number][] }>();
      for (const report of reports) {
        const entry = byPost.get(report.postId) ?? { thread: { id: report.threadId, title: report.threadTitle }, reports: [] };
        entry.reports.push(report);
        byPost.set(report.postId, entry);
      }
      const viewer = { userId: actor.userId, isModerator: true };
      const items = [];
      for (const [postId, entry] of byPost) {
        const [post] = await loadPosts(sql, { postId }, viewer);
        items.push({
          post: post!,
          thread: entry.thread,
          reports: entry.reports.map((r) => ({
            id: r.id,
            reason: r.reason,
            reporter: { id: r.reporterId, displayName: r.reporterName },
            createdAt: r.createdAt.toISOString(),
          })),
        });
      }
      return { items };
    },
  );

  for (const action of ['hide', 'restore'] as const) {
    app.post(
      `/posts/:id/${action}`,
      {
        schema: {
          tags: ['moderation'],
          params: IdParams,
          body: ReasonBody,
          response: { 200: Type.Object({ post: Post }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
        },
      },
      async (request) => {
        const { post, space, actor } = await postForAction(sql, request.user, request.params.id, 'post.hide');
        const reason = request.body.reason.trim();
        await sql.begin(async (tx) => {
          if (action === 'hide') {
            await tx`update posts set hidden_at = now(), hidden_reason = ${reason} where id = ${post.id}`;
            await tx`update post_reports set resolved_at = now(), resolution = 'hidden' where post_id = ${post.id} and resolved_at is null`;
          } else {
            await tx`update posts set hidden_at = null, hidden_reason = null where id = ${post.id}`;
          }
          await recordAudit(tx, { spaceId: space.id, actorId: actor.userId!, action: `post.${action}`, targetType: 'post', targetId: post.id, reason });
        });
        const [view] = await loadPosts(sql, { postId: post.id }, { userId: actor.userId, isModerator: can(actor, 'post.hide', space) });
        return { post: view! };
      },
    );
  }

  app.post(
    '/posts/:id/reports/dismiss',
    {
      schema: { tags: ['moderation'], params: IdParams, body: ReasonBody, response: { 204: Type.Null(), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } },
    },
    async (request, reply) => {
      const { post, space, actor } = await postForAction(sql, request.user, request.params.id, 'post.hide');
      const reason = request.body.reason.trim();
      await sql.begin(async (tx) => {
        const dismissed = await tx`update post_reports set resolved_at = now(), resolution = 'dismissed'
                                   where post_id = ${post.id} and resolved_at is null returning id`;
        if (dismissed.length === 0) throw notFound('Open report');
        await recordAudit(tx, {
          spaceId: space.id,
          actorId: actor.userId!,
          action: 'reports.dismiss',
          targetType: 'post',
          targetId: post.id,
          reason,
          details: { reports: dismissed.length },
        });
      });
      return reply.code(204).send(null);
    },
  );

  for (const action of ['lock', 'unlock'] as const) {
    app.post(
      `/threads/:id/${action}`,
      {
        schema: {
          tags: ['moderation'],
          params: IdParams,
          body: ReasonBody,
          response: { 200: Type.Object({ thread: Thread }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
        },
      },
      async (request) => {
        const { thread, space, actor } = await threadForAction(sql, request.user, request.params.id, 'thread.lock');
        const reason = request.body.reason.trim();
        await sql.begin(async (tx) => {
          if (action === 'lock') await tx`update threads set locked_at = now(), locked_reason = ${reason} where id = ${thread.id}`;
          else await tx`update threads set locked_at = null, locked_reason = null where id = ${thread.id}`;
          await recordAudit(tx, { spaceId: space.id, actorId: actor.userId!, action: `thread.${action}`, targetType: 'thread', targetId: thread.id, reason });
        });
        return { thread: threadView((await findThread(sql, thread.id))!) };
      },
    );
  }

  const Mute = Type.Object({ user: Person, mutedUntil: Type.String(), reason: Type.String(), createdAt: Type.String() });
  const MuteParams = Type.Object({ slug: SlugParams.properties.slug, userId: Uuid });
  type MuteRow = { userId: string; displayName: string; mutedUntil: Date; reason: string; createdAt: Date };
  const muteView = (m: MuteRow) => ({
    user: { id: m.userId, displayName: m.displayName },
    mutedUntil: m.mutedUntil.toISOString(),
    reason: m.reason,
    createdAt: m.createdAt.toISOString(),
  });
  const muteSelect = (spaceId: string) => sql<MuteRow[]>`
    select m.user_id as "userId", u.display_name as "displayName", m.muted_until as "mutedUntil", m.reason, m.created_at as "createdAt"
    from space_mutes m join users u on u.id = m.user_id where m.space_id = ${spaceId} and m.muted_until > now() order by m.muted_until`;

  app.get(
    '/spaces/:slug/mutes',
    { schema: { tags: ['moderation'], params: SlugParams, response: { 200: Type.Object({ mutes: Type.Array(Mute) }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } } },
    async (request) => {
      const { space } = await spaceForAction(sql, request.user, request.params.slug, 'moderation.read');
      return { mutes: (await muteSelect(space.id)).map(muteView) };
    },
  );

  app.put(
    '/spaces/:slug/mutes/:userId',
    {
      schema: {
        tags: ['moderation'],
        params: MuteParams,
        body: Type.Object({ minutes: Type.Integer({ minimum: 1, maximum: 525_600 }), reason: ReasonBody.properties.reason }),
        response: { 200: Type.Object({ mute: Mute }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'user.mute');
      const { userId } = request.params;
      const { minutes } = request.body;
      const reason = request.body.reason.trim();
      const [target] = await sql`select 1 from users where id = ${userId}`;
      if (!target) throw notFound('User');
      await sql.begin(async (tx) => {
        await tx`insert into space_mutes (space_id, user_id, muted_until, reason)
                 values (${space.id}, ${userId}, now() + make_interval(mins => ${minutes}), ${reason})
                 on conflict (space_id, user_id) do update set muted_until = excluded.muted_until, reason = excluded.reason, created_at = now()`;
        await recordAudit(tx, { spaceId: space.id, actorId: actor.userId!, action: 'user.mute', targetType: 'user', targetId: userId, reason, details: { minutes } });
      });
      const mute = (await muteSelect(space.id)).find((m) => m.userId === userId)!;
      return { mute: muteView(mute) };
    },
  );

  app.post(
    '/spaces/:slug/mutes/:userId/lift',
    { schema: { tags: ['moderation'], params: MuteParams, body: ReasonBody, response: { 204: Type.Null(), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } } },
    async (request, reply) => {
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'user.mute');
      const { userId } = request.params;
      await sql.begin(async (tx) => {
        const lifted = await tx`delete from space_mutes where space_id = ${space.id} and user_id = ${userId} and muted_until > now() returning 1`;
        if (lifted.length === 0) throw notFound('Mute');
        await recordAudit(tx, { spaceId: space.id, actorId: actor.userId!, action: 'user.unmute', targetType: 'user', targetId: userId, reason: request.body.reason.trim() });
      });
      return reply.code(204).send(null);
    },
  );
};
