/**
 * The jury's recommendations: per-recommendation sign-offs, and the chair freezing the
 * recommendations into a dated, numbered, immutable statement.
 *
 * Who reads a statement: a jury deliberates in private (a members-only jury is invisible, 404, to
 * outsiders, and its drafts and sign-offs are for its jurors and chair), but the statement it
 * freezes is written for the council and the residents. So a frozen statement is public whatever
 * the space's visibility: `/api/statements/:id` (with `.html`, `.md`, `.json` or `?format=`) is its
 * permanent address, readable without an account, and `/api/statements?space=<slug>` lists a
 * space's statements revealing only the space's slug and name. Individual jurors' stances and
 * comments are never published, only the tallies. The space's own
 * `/api/spaces/:slug/statements` follows the space's visibility (`space.view`) like the rest of it.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Sql } from '../../db/connection.ts';
import { conflict, notFound } from '../errors.ts';
import { actorInSpace } from '../permissions/actor.ts';
import { can } from '../permissions/permissions.ts';
import { ErrorReply, SlugParams } from '../schemas.ts';
import { findSpaceBySlug, spaceForAction } from '../spaces/space-store.ts';
import { currentRecommendations, RECOMMENDATION_ID_PATTERN } from './recommendations.ts';
import { putSignOff, signOffsOf, stances, tallyOf, withdrawSignOff } from './sign-offs.ts';
import { PageLangQuery, publicDocumentPage, type PageLang } from '../documents/public-page.ts';
import { freezeStatement, statementColumns, type StatementRow } from './statement.ts';

const Slug = SlugParams.properties.slug;
const RecommendationParams = Type.Object({ slug: Slug, recommendationId: Type.String({ pattern: RECOMMENDATION_ID_PATTERN }) });
const Stance = Type.Union([Type.Literal(stances[0]), Type.Literal(stances[1]), Type.Literal(stances[2])]);
const TallySchema = Type.Object({ agree: Type.Integer(), can_live_with: Type.Integer(), object: Type.Integer() });
const SpaceName = Type.Object({ fi: Type.String(), sv: Type.String(), en: Type.String() });

const StatementSummary = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  frozenAt: Type.String({ format: 'date-time' }),
  url: Type.String(),
});
const StatementDetail = Type.Object({
  ...StatementSummary.properties,
  space: Type.Object({ slug: Type.String(), name: SpaceName }),
  html: Type.String(),
  markdown: Type.String(),
  content: Type.Unknown(),
});

const statementUrl = (id: string) => `/api/statements/${id}`;

function summary(row: StatementRow) {
  return { id: row.id, version: row.version, title: row.title, frozenAt: row.frozenAt.toISOString(), url: statementUrl(row.id) };
}

function detail(row: StatementRow) {
  return { ...summary(row), space: row.content.space, html: row.html, markdown: row.markdown, content: row.content };
}

const contentSource = (app: FastifyInstance, sql: Sql) => ({ sql, registry: app.hasDecorator('documents') ? app.documents : undefined });

/** Registered under `/api/spaces`. */
export const juryRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/:slug/recommendations/sign-offs',
    {
      schema: {
        tags: ['jury'],
        params: SlugParams,
        response: {
          200: Type.Object({
            jurors: Type.Integer(),
            recommendations: Type.Array(
              Type.Object({
                number: Type.Integer(),
                id: Type.String(),
                title: Type.String(),
                tally: TallySchema,
                signOffs: Type.Array(
                  Type.Object({
                    juror: Type.Object({ id: Type.String(), displayName: Type.String() }),
                    stance: Stance,
                    comment: Type.Union([Type.String(), Type.Null()]),
                    updatedAt: Type.String({ format: 'date-time' }),
                  }),
                ),
                mine: Type.Union([Type.Object({ stance: Stance, comment: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
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
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'recommendations.read');
      const recommendations = await currentRecommendations(contentSource(app, sql), space.id);
      const { signOffs, jurors } = await signOffsOf(sql, space);
      return {
        jurors,
        recommendations: recommendations.map((r) => {
          const own = signOffs.filter((s) => s.recommendationId === r.id);
          const mine = own.find((s) => s.userId === actor.userId);
          return {
            number: r.number,
            id: r.id,
            title: r.title,
            tally: tallyOf(own, r.id),
            signOffs: own.map((s) => ({
              juror: { id: s.userId, displayName: s.displayName },
              stance: s.stance,
              comment: s.comment,
              updatedAt: s.updatedAt.toISOString(),
            })),
            mine: mine ? { stance: mine.stance, comment: mine.comment } : null,
          };
        }),
      };
    },
  );

  app.put(
    '/:slug/recommendations/:recommendationId/sign-off',
    {
      schema: {
        tags: ['jury'],
        params: RecommendationParams,
        body: Type.Object({ stance: Stance, comment: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])) }),
        response: { 204: Type.Null(), 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'recommendations.signOff');
      const { recommendationId } = request.params;
      const recommendations = await currentRecommendations(contentSource(app, sql), space.id);
      if (!recommendations.some((r) => r.id === recommendationId)) throw notFound('Recommendation');
      const comment = request.body.comment?.trim() || null;
      await putSignOff(sql, { spaceId: space.id, recommendationId, userId: actor.userId!, stance: request.body.stance, comment });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/:slug/recommendations/:recommendationId/sign-off',
    {
      schema: {
        tags: ['jury'],
        params: RecommendationParams,
        response: { 204: Type.Null(), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'recommendations.signOff');
      // Withdrawing works for a recommendation since deleted from the document too.
      if (!(await withdrawSignOff(sql, space.id, request.params.recommendationId, actor.userId!))) throw notFound('Sign-off');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:slug/statements',
    {
      schema: {
        tags: ['jury'],
        params: SlugParams,
        body: Type.Object({ title: Type.Optional(Type.String({ maxLength: 300 })) }),
        response: { 201: StatementSummary, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const { space, actor } = await spaceForAction(sql, request.user, request.params.slug, 'statement.freeze');
      // Read (and rendered) before the transaction: the pool may hold a single connection.
      const recommendations = await currentRecommendations(contentSource(app, sql), space.id, { headingOffset: 2 });
      if (recommendations.length === 0) throw conflict('There are no recommendations to freeze', 'no_recommendations');
      const row = await freezeStatement(sql, { space, actorId: actor.userId!, title: request.body.title, recommendations });
      return reply.code(201).header('location', statementUrl(row.id)).send(summary(row));
    },
  );

  app.get(
    '/:slug/statements',
    {
      schema: {
        tags: ['jury'],
        params: SlugParams,
        response: { 200: Type.Object({ statements: Type.Array(StatementSummary) }), 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const { space } = await spaceForAction(sql, request.user, request.params.slug, 'space.view');
      const rows = await sql<StatementRow[]>`
        select ${sql.unsafe(statementColumns)} from jury_statements where space_id = ${space.id} order by version desc`;
      return { statements: rows.map(summary) };
    },
  );

  app.get(
    '/:slug/statements/:version',
    {
      schema: {
        tags: ['jury'],
        params: Type.Object({ slug: Slug, version: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }),
        response: { 200: StatementDetail, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const { space } = await spaceForAction(sql, request.user, request.params.slug, 'space.view');
      const [row] = await sql<StatementRow[]>`
        select ${sql.unsafe(statementColumns)} from jury_statements where space_id = ${space.id} and version = ${request.params.version}`;
      if (!row) throw notFound('Statement');
      return detail(row);
    },
  );
};

const uuid = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const refPattern = new RegExp(`^(${uuid})(?:\\.(html|md|json))?$`);
type Format = 'api' | 'html' | 'md' | 'json';

/** A frozen statement never changes: any cache may keep it. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Registered under `/api/statements`: the public, permanent record (see the comment at the top). */
export const statementRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['jury'],
        querystring: Type.Object({ space: Slug }),
        response: {
          200: Type.Object({ space: Type.Object({ slug: Type.String(), name: SpaceName }), statements: Type.Array(StatementSummary) }),
          404: ErrorReply,
        },
      },
    },
    async (request) => {
      const space = await findSpaceBySlug(sql, request.query.space);
      if (!space) throw notFound('Space');
      const rows = await sql<StatementRow[]>`
        select ${sql.unsafe(statementColumns)} from jury_statements where space_id = ${space.id} order by version desc`;
      // A hidden space with nothing published stays hidden: its name is revealed only with a statement.
      if (rows.length === 0 && !can(await actorInSpace(sql, request.user, space.id), 'space.view', space)) throw notFound('Space');
      return { space: { slug: space.slug, name: space.name }, statements: rows.map(summary) };
    },
  );

  app.get(
    '/:ref',
    {
      schema: {
        tags: ['jury'],
        description: 'A frozen statement: `<id>` (JSON record with html and markdown), `<id>.html`, `<id>.md`, `<id>.json` (open data), or `?format=`.',
        params: Type.Object({ ref: Type.String({ maxLength: 60 }) }),
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('md'), Type.Literal('json')])),
          lang: PageLangQuery.properties.lang,
        }),
      },
    },
    async (request, reply) => {
      const match = refPattern.exec(request.params.ref);
      if (!match) throw notFound('Statement');
      const [row] = await sql<StatementRow[]>`select ${sql.unsafe(statementColumns)} from jury_statements where id = ${match[1]!.toLowerCase()}`;
      if (!row) throw notFound('Statement');
      const format: Format = (match[2] as Format | undefined) ?? request.query.format ?? 'api';
      return sendStatement(reply.header('cache-control', IMMUTABLE), row, format, request.query.lang ?? 'fi');
    },
  );
};

function sendStatement(reply: FastifyReply, row: StatementRow, format: Format, lang: PageLang) {
  switch (format) {
    case 'html':
      return reply.type('text/html; charset=utf-8').send(publicDocumentPage({ lang, bodyLang: 'fi', title: row.title, bodyHtml: row.html, url: statementUrl(row.id) }));
    case 'md':
      return reply.type('text/markdown; charset=utf-8').send(row.markdown);
    case 'json':
      return reply.type('application/json; charset=utf-8').send(row.content);
    case 'api':
      return reply.type('application/json; charset=utf-8').send(detail(row));
  }
}
