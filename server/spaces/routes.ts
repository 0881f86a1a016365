import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { notFound } from '../errors.ts';
import { actorInSpace, actorsBySpace } from '../permissions/actor.ts';
import { can, spaceKinds, visibilities, type SpaceKind, type Visibility } from '../permissions/permissions.ts';
import { ErrorReply, LocalizedText } from '../schemas.ts';

export const Space = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  kind: Type.Enum(spaceKinds),
  name: LocalizedText,
  description: LocalizedText,
  visibility: Type.Enum(visibilities),
});

export interface SpaceRow {
  id: string;
  slug: string;
  kind: SpaceKind;
  name: { fi: string; sv: string; en: string };
  description: { fi: string; sv: string; en: string };
  visibility: Visibility;
}

const kindOrder: Record<SpaceKind, number> = { forum: 0, jury: 1, townhall: 2 };

export const spaceRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get('', { schema: { tags: ['spaces'], response: { 200: Type.Object({ spaces: Type.Array(Space) }) } } }, async (request) => {
    const actorFor = await actorsBySpace(sql, request.user);
    const rows = await sql<SpaceRow[]>`select id, slug, kind, name, description, visibility from spaces order by slug`;
    const spaces = rows.filter((space) => can(actorFor(space.id), 'space.view', space));
    return { spaces: spaces.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind]) };
  });

  app.get(
    '/:slug',
    {
      schema: {
        tags: ['spaces'],
        params: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9-]{1,80}$' }) }),
        response: { 200: Type.Object({ space: Space }), 404: ErrorReply },
      },
    },
    async (request) => {
      const [space] = await sql<SpaceRow[]>`
        select id, slug, kind, name, description, visibility from spaces where slug = ${request.params.slug}`;
      // A space the actor may not see is reported as missing: its existence is not revealed.
      if (!space || !can(await actorInSpace(sql, request.user, space.id), 'space.view', space)) throw notFound('Space');
      return { space };
    },
  );
};
