import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { actorsBySpace } from '../permissions/actor.ts';
import { can, type SpaceKind, type Visibility } from '../permissions/permissions.ts';

const Result = Type.Object({
  type: Type.Enum(['space', 'thread', 'post', 'meeting', 'minutes']),
  id: Type.String(),
  title: Type.String(),
  snippet: Type.String(),
  url: Type.String(),
  spaceSlug: Type.String(),
});

interface ResultRow {
  type: 'space' | 'thread' | 'post' | 'meeting' | 'minutes';
  id: string;
  spaceId: string;
  kind: SpaceKind;
  visibility: Visibility;
  spaceSlug: string;
  threadId: string | null;
  title: string;
  snippet: string;
}

function urlOf(row: ResultRow): string {
  if (row.type === 'space') return `/spaces/${row.spaceSlug}`;
  if (row.type === 'thread') return `/threads/${row.id}`;
  if (row.type === 'post') return `/threads/${row.threadId}#post-${row.id}`;
  if (row.type === 'minutes') return `/meetings/${row.id}/minutes`;
  return `/meetings/${row.id}`;
}

// How many ranked candidates to read before dropping those the reader may not see.
const CANDIDATES = 300;

export const searchRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/search',
    {
      schema: {
        tags: ['search'],
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 200 }),
          lang: Type.Enum(['fi', 'sv', 'en'], { default: 'fi' }),
          limit: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
        }),
        response: { 200: Type.Object({ results: Type.Array(Result) }) },
      },
    },
    async (request) => {
      const { q, lang, limit } = request.query;
      const actorFor = await actorsBySpace(sql, request.user);
      // Text is indexed with Finnish, Swedish and English stemming together, so a word finds its
      // inflected forms whichever of the town's languages it was written in.
      const rows = await sql<ResultRow[]>`
        with q as (
          select websearch_to_tsquery('finnish', ${q}) || websearch_to_tsquery('swedish', ${q}) || websearch_to_tsquery('english', ${q}) as query
        ),
        hits as (
          select 'space' as type, s.id, s.id as "spaceId", null::uuid as "threadId", s.name->>${lang} as title,
                 s.description->>${lang} as body, ts_rank(s.search, q.query) as rank
          from spaces s, q where s.search @@ q.query
          union all
          select 'thread', t.id, t.space_id, t.id, t.title, '', ts_rank(t.search, q.query)
          from threads t, q where t.search @@ q.query
          union all
          select 'post', p.id, t.space_id, t.id, t.title, p.body_markdown, ts_rank(p.search, q.query)
          from posts p join threads t on t.id = p.thread_id, q where p.search @@ q.query and p.hidden_at is null
          union all
          -- A meeting stores only the languages it was written in (server/meetings/localized.ts): a missing one reads as Finnish.
          select 'meeting', m.id, m.space_id, null, coalesce(m.title->>${lang}, m.title->>'fi'), coalesce(m.description->>${lang}, m.description->>'fi', ''), ts_rank(v.search, q.query)
          from meetings m
          cross join lateral (select to_tsvector('finnish', concat_ws(' ', m.title->>'fi', m.description->>'fi'))
                                  || to_tsvector('swedish', concat_ws(' ', coalesce(m.title->>'sv', m.title->>'fi'), coalesce(m.description->>'sv', m.description->>'fi')))
                                  || to_tsvector('english', concat_ws(' ', coalesce(m.title->>'en', m.title->>'fi'), coalesce(m.description->>'en', m.description->>'fi'))) as search) v, q
          where v.search @@ q.query and m.state <> 'cancelled'
          union all
          -- Published minutes: the latest version of each meeting's.
          select 'minutes', v.meeting_id, m.space_id, null, v.title, v.markdown, ts_rank(v.search, q.query)
          from minutes_versions v join meetings m on m.id = v.meeting_id, q
          where v.search @@ q.query and v.version = (select max(version) from minutes_versions l where l.meeting_id = v.meeting_id)
        ),
        top as (select * from hits order by rank desc limit ${CANDIDATES})
        select top.type, top.id, top."spaceId", top."threadId", top.title, s.slug as "spaceSlug", s.kind, s.visibility,
               ts_headline('finnish', coalesce(top.body, ''), q.query, 'StartSel="",StopSel="",MaxWords=30,MinWords=10') as snippet
        from top join spaces s on s.id = top."spaceId", q
        order by top.rank desc`;
      // Threads and posts follow who may read a space's threads (a listed jury's are its own); the rest, who may see the space.
      const readableBy = (row: ResultRow) => (row.type === 'thread' || row.type === 'post' ? 'thread.read' : 'space.view');
      const visible = rows.filter((row) => can(actorFor(row.spaceId), readableBy(row), row)).slice(0, limit);
      return {
        results: visible.map((row) => ({
          type: row.type,
          id: row.id,
          title: row.title,
          snippet: row.snippet,
          url: urlOf(row),
          spaceSlug: row.spaceSlug,
        })),
      };
    },
  );
};
