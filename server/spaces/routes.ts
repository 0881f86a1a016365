import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { conflict, notFound } from '../errors.ts';
import { actorsBySpace, siteActor } from '../permissions/actor.ts';
import { can, spaceKinds, visibilities, type Actor, type SpaceKind, type Visibility } from '../permissions/permissions.ts';
import { requirePermission } from '../permissions/require.ts';
import { ErrorReply, LocalizedText, SlugParams } from '../schemas.ts';
import { spaceForAction, spaceWithActor } from './space-store.ts';

export const Space = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  kind: Type.Enum(spaceKinds),
  name: LocalizedText,
  description: LocalizedText,
  visibility: Type.Enum(visibilities),
});

const SpacePermissions = Type.Object({
  readThreads: Type.Boolean(),
  createThread: Type.Boolean(),
  join: Type.Boolean(),
  leave: Type.Boolean(),
  moderate: Type.Boolean(),
  manageMembers: Type.Boolean(),
  appointStaff: Type.Boolean(),
  update: Type.Boolean(),
  manageMeetings: Type.Boolean(),
  signOff: Type.Boolean(),
  freezeStatement: Type.Boolean(),
});

const SpaceDetail = Type.Intersect([Space, Type.Object({ permissions: SpacePermissions, myRoles: Type.Array(Type.String()) })]);

export interface SpaceRow {
  id: string;
  slug: string;
  kind: SpaceKind;
  name: { fi: string; sv: string; en: string };
  description: { fi: string; sv: string; en: string };
  visibility: Visibility;
}

/** Text entered in Finnish at least; Swedish and English fall back to it until translated. */
const TextInput = (maxLength: number) =>
  Type.Object({
    fi: Type.String({ minLength: 1, maxLength, pattern: '\\S' }),
    sv: Type.Optional(Type.String({ maxLength })),
    en: Type.Optional(Type.String({ maxLength })),
  });
const withFallback = (text: { fi: string; sv?: string | undefined; en?: string | undefined }) => ({
  fi: text.fi.trim(),
  sv: text.sv?.trim() || text.fi.trim(),
  en: text.en?.trim() || text.fi.trim(),
});

const kindOrder: Record<SpaceKind, number> = { forum: 0, jury: 1, townhall: 2 };

function spaceDetail(space: SpaceRow, actor: Actor) {
  const isMember = actor.roles.has('member');
  return {
    ...space,
    permissions: {
      readThreads: can(actor, 'thread.read', space),
      createThread: can(actor, 'thread.create', space),
      join: can(actor, 'space.join', space) && actor.roles.size === 0,
      leave: can(actor, 'space.join', space) && isMember,
      moderate: can(actor, 'moderation.read', space),
      manageMembers: can(actor, 'space.manageMembers', space),
      appointStaff: can(actor, 'space.appointStaff', space),
      update: can(actor, 'space.update', space),
      manageMeetings: can(actor, 'meeting.manage', space),
      signOff: can(actor, 'recommendations.signOff', space),
      freezeStatement: can(actor, 'statement.freeze', space),
    },
    myRoles: [...actor.roles],
  };
}

const columns = (sql: Sql) => sql`id, slug, kind, name, description, visibility`;

export const spaceRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get('', { schema: { tags: ['spaces'], response: { 200: Type.Object({ spaces: Type.Array(Space) }) } } }, async (request) => {
    const actorFor = await actorsBySpace(sql, request.user);
    const rows = await sql<SpaceRow[]>`select ${columns(sql)} from spaces order by slug`;
    const spaces = rows.filter((space) => can(actorFor(space.id), 'space.view', space));
    return { spaces: spaces.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind]) };
  });

  app.post(
    '',
    {
      schema: {
        tags: ['spaces'],
        body: Type.Object({
          slug: Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$' }),
          kind: Type.Enum(spaceKinds),
          visibility: Type.Enum(visibilities),
          name: TextInput(120),
          description: TextInput(2000),
        }),
        response: { 201: Type.Object({ space: SpaceDetail }), 401: ErrorReply, 403: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const { slug, kind, visibility, name, description } = request.body;
      const actor = siteActor(request.user);
      requirePermission(actor, 'space.create', { kind, visibility: 'public' });
      const [space] = await sql<SpaceRow[]>`
        insert into spaces (slug, kind, visibility, name, description)
        values (${slug}, ${kind}, ${visibility}, ${sql.json(withFallback(name))}, ${sql.json(withFallback(description))})
        on conflict (slug) do nothing
        returning ${columns(sql)}`;
      if (!space) throw conflict(`The address /spaces/${slug} is taken`, 'slug_taken');
      return reply.code(201).send({ space: spaceDetail(space, actor) });
    },
  );

  app.get(
    '/:slug',
    { schema: { tags: ['spaces'], params: SlugParams, response: { 200: Type.Object({ space: SpaceDetail }), 404: ErrorReply } } },
    async (request) => {
      const found = await spaceWithActor(sql, { slug: request.params.slug }, request.user);
      // A space the actor may not see is reported as missing: its existence is not revealed.
      if (!found || !can(found.actor, 'space.view', found.space)) throw notFound('Space');
      return { space: spaceDetail(found.space, found.actor) };
    },
  );

  app.patch(
    '/:slug',
    {
      schema: {
        tags: ['spaces'],
        params: SlugParams,
        body: Type.Object({
          name: Type.Optional(TextInput(120)),
          description: Type.Optional(TextInput(2000)),
          visibility: Type.Optional(Type.Enum(visibilities)),
        }),
        response: { 200: Type.Object({ space: SpaceDetail }), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'space.update');
      const { name, description, visibility } = request.body;
      const [updated] = await sql<SpaceRow[]>`
        update spaces set
          name = ${sql.json(name ? withFallback(name) : space.name)},
          description = ${sql.json(description ? withFallback(description) : space.description)},
          visibility = ${visibility ?? space.visibility}
        where id = ${space.id} returning ${columns(sql)}`;
      // Whenever it is set, not only when it differs from what was read before the update: a
      // concurrent change could make a narrowing look like none, and sockets keep what they lost.
      if (visibility !== undefined) app.accessChanges.notify({ kind: 'space', spaceId: space.id });
      return { space: spaceDetail(updated!, actor) };
    },
  );

  for (const action of ['join', 'leave'] as const) {
    app.post(
      `/:slug/${action}`,
      { schema: { tags: ['spaces'], params: SlugParams, response: { 204: Type.Null(), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply } } },
      async (request, reply) => {
        const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'space.join');
        if (action === 'join') {
          await sql`insert into space_roles (space_id, user_id, role) values (${space.id}, ${actor.userId!}, 'member') on conflict do nothing`;
        } else {
          await sql`delete from space_roles where space_id = ${space.id} and user_id = ${actor.userId!} and role = 'member'`;
        }
        app.accessChanges.notify({ kind: 'roles', userId: actor.userId!, spaceId: space.id });
        return reply.code(204).send(null);
      },
    );
  }
};
