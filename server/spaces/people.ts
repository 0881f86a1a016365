import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { emailKey } from '../auth/accounts.ts';
import { forbidden, HttpError, notFound } from '../errors.ts';
import { appointAction, can, canAppoint, spaceRoles, type SpaceKind, type SpaceRole } from '../permissions/permissions.ts';
import { requirePermission } from '../permissions/require.ts';
import { ErrorReply, SlugParams, Uuid } from '../schemas.ts';
import { spaceForAction } from './space-store.ts';

/** Jurors belong to juries only; the other roles fit every kind of space. */
export const roleFitsSpace = (role: SpaceRole, kind: SpaceKind): boolean => role !== 'juror' || kind === 'jury';

export const spacePeopleRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/:slug/people',
    {
      schema: {
        tags: ['spaces'],
        params: SlugParams,
        response: {
          200: Type.Object({
            people: Type.Array(
              Type.Object({
                user: Type.Object({ id: Type.String(), displayName: Type.String(), email: Type.Optional(Type.String()) }),
                roles: Type.Array(Type.String()),
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
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'space.listPeople');
      const showEmail = can(actor, 'space.manageMembers', space);
      const rows = await sql<{ id: string; displayName: string; email: string; roles: SpaceRole[] }[]>`
        select u.id, u.display_name as "displayName", u.email, array_agg(r.role order by r.role) as roles
        from space_roles r join users u on u.id = r.user_id
        where r.space_id = ${space.id} group by u.id order by u.display_name`;
      return {
        people: rows.map((p) => ({
          user: { id: p.id, displayName: p.displayName, ...(showEmail ? { email: p.email } : {}) },
          roles: p.roles,
        })),
      };
    },
  );

  app.post(
    '/:slug/people',
    {
      schema: {
        tags: ['spaces'],
        params: SlugParams,
        body: Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }), role: Type.Enum(spaceRoles) }),
        response: { 204: Type.Null(), 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { role, email } = request.body;
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'space.view');
      requirePermission(actor, appointAction(role), space);
      if (!roleFitsSpace(role, space.kind)) throw new HttpError(400, 'Jurors belong to juries only', 'juror_outside_jury');
      const [user] = await sql<{ id: string }[]>`select id from users where email_key = ${emailKey(email)}`;
      if (!user) throw notFound('Account with that email');
      if (!canAppoint(actor, role, space, user.id === actor.userId ? 'self' : 'other')) {
        throw forbidden(`You cannot appoint yourself ${role}: it is kept apart from a role you hold`, 'separated_roles');
      }
      await sql.begin(async (tx) => {
        await tx`insert into space_roles (space_id, user_id, role) values (${space.id}, ${user.id}, ${role}) on conflict do nothing`;
        await recordAudit(tx, { spaceId: space.id, actorId: actor.userId!, action: 'role.grant', targetType: 'user', targetId: user.id, details: { role } });
      });
      app.accessChanges.notify({ kind: 'roles', userId: user.id, spaceId: space.id });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/:slug/people/:userId/roles/:role',
    {
      schema: {
        tags: ['spaces'],
        params: Type.Object({ slug: SlugParams.properties.slug, userId: Uuid, role: Type.Enum(spaceRoles) }),
        response: { 204: Type.Null(), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { userId, role } = request.params;
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'space.view');
      requirePermission(actor, appointAction(role), space);
      await sql.begin(async (tx) => {
        const removed = await tx`delete from space_roles where space_id = ${space.id} and user_id = ${userId} and role = ${role} returning 1`;
        if (removed.length === 0) throw notFound('Role');
        await recordAudit(tx, { spaceId: space.id, actorId: actor.userId!, action: 'role.revoke', targetType: 'user', targetId: userId, details: { role } });
      });
      // Committed: the sockets the person has open are rechecked with what the database now says.
      app.accessChanges.notify({ kind: 'roles', userId, spaceId: space.id });
      return reply.code(204).send(null);
    },
  );
};
