import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { siteActor } from '../permissions/actor.ts';
import { ErrorReply, Person, SlugParams, Uuid } from '../schemas.ts';
import { forbidden, unauthorized } from '../errors.ts';
import { spaceForAction } from '../spaces/space-store.ts';

const Entry = Type.Object({
  id: Type.String(),
  action: Type.String(),
  actor: Type.Union([Person, Type.Null()]),
  targetType: Type.String(),
  targetId: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
  spaceSlug: Type.Union([Type.String(), Type.Null()]),
});
const Filters = {
  action: Type.Optional(Type.String({ pattern: '^[a-z.]{1,40}$' })),
  actorId: Type.Optional(Uuid),
  before: Type.Optional(Type.String({ pattern: '^\\d{1,18}$' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
};
const AuditPage = Type.Object({ entries: Type.Array(Entry), nextCursor: Type.Union([Type.String(), Type.Null()]) });

interface EntryRow {
  id: string;
  action: string;
  actorId: string | null;
  actorName: string | null;
  targetType: string;
  targetId: string;
  reason: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
  spaceSlug: string | null;
}

async function readAudit(
  sql: Sql,
  filters: { spaceId?: string | undefined; action?: string | undefined; actorId?: string | undefined; before?: string | undefined; limit: number },
) {
  const rows = await sql<EntryRow[]>`
    select a.id::text as id, a.action, a.actor_id as "actorId", u.display_name as "actorName", a.target_type as "targetType",
           a.target_id as "targetId", a.reason, a.details, a.created_at as "createdAt", s.slug as "spaceSlug"
    from audit_log a left join users u on u.id = a.actor_id left join spaces s on s.id = a.space_id
    where true
      ${filters.spaceId ? sql`and a.space_id = ${filters.spaceId}` : sql``}
      ${filters.action ? sql`and a.action = ${filters.action}` : sql``}
      ${filters.actorId ? sql`and a.actor_id = ${filters.actorId}` : sql``}
      ${filters.before ? sql`and a.id < ${filters.before}` : sql``}
    order by a.id desc limit ${filters.limit + 1}`;
  const page = rows.slice(0, filters.limit);
  return {
    entries: page.map((r) => ({
      id: r.id,
      action: r.action,
      actor: r.actorId ? { id: r.actorId, displayName: r.actorName ?? '' } : null,
      targetType: r.targetType,
      targetId: r.targetId,
      reason: r.reason,
      details: r.details,
      createdAt: r.createdAt.toISOString(),
      spaceSlug: r.spaceSlug,
    })),
    nextCursor: rows.length > filters.limit ? page.at(-1)!.id : null,
  };
}

export const auditRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/spaces/:slug/audit',
    {
      schema: {
        tags: ['moderation'],
        params: SlugParams,
        querystring: Type.Object(Filters),
        response: { 200: AuditPage, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const { space } = await spaceForAction(sql, request.user, request.params.slug, 'moderation.read');
      return readAudit(sql, { ...request.query, spaceId: space.id });
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        tags: ['moderation'],
        querystring: Type.Object({ ...Filters, spaceSlug: Type.Optional(SlugParams.properties.slug) }),
        response: { 200: AuditPage, 401: ErrorReply, 403: ErrorReply },
      },
    },
    async (request) => {
      const actor = siteActor(request.user);
      if (!actor.userId) throw unauthorized();
      if (!actor.isAdmin) throw forbidden('Only site admins read the whole audit log');
      const { spaceSlug, ...filters } = request.query;
      const [space] = spaceSlug ? await sql<{ id: string }[]>`select id from spaces where slug = ${spaceSlug}` : [];
      if (spaceSlug && !space) return { entries: [], nextCursor: null };
      return readAudit(sql, { ...filters, spaceId: space?.id });
    },
  );
};
