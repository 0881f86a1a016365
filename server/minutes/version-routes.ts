import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Sql } from '../../db/connection.ts';
import { PageLangQuery, type PageLang } from '../documents/public-page.ts';
import { jsonToHtml } from '../documents/render.ts';
import { notFound } from '../errors.ts';
import { visibleMeeting } from '../meetings/access.ts';
import { ErrorReply } from '../meetings/schemas.ts';
import type { MeetingRow } from '../meetings/store.ts';
import { Uuid } from '../schemas.ts';
import { diffMarkdown, diffSummary } from './diff.ts';
import { MinutesDiff, MinutesVersion, MinutesVersionSummary } from './schemas.ts';
import { bodyMarkdown, findVersion, listVersions, minutesPage, versionSummary, type VersionRow } from './versions.ts';

const VersionNumber = Type.Integer({ minimum: 1, maximum: 1_000_000 });
type Format = 'html' | 'md' | 'json';
const refPattern = /^([1-9][0-9]{0,6})(?:\.(html|md|json))?$/;

/** A published version never changes: a public one may be cached anywhere, for good. */
const cacheFor = (meeting: MeetingRow) => (meeting.spaceVisibility === 'public' ? 'public, max-age=31536000, immutable' : 'private, no-cache');

/**
 * Published minutes at their permanent addresses, readable by anyone who can see the meeting (by
 * everyone when its space is public): `/api/minutes/:meetingId/versions` lists them,
 * `…/versions/:n` is one (a JSON record with its HTML and Markdown), `…/versions/:n.html` its
 * accessible page, `.md` its Markdown, `.json` its open-data document; `/api/minutes/:meetingId/diff?from=&to=`
 * shows what changed between two.
 */
export const minutesVersionRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  const Params = Type.Object({ meetingId: Uuid });

  async function versionOf(meetingId: string, user: Parameters<typeof visibleMeeting>[1], version: number) {
    const { meeting } = await visibleMeeting(sql, user, meetingId);
    const row = await findVersion(sql, meeting.id, version);
    if (!row) throw notFound('Minutes version');
    return { meeting, row };
  }

  app.get(
    '/api/minutes/:meetingId/versions',
    { schema: { tags: ['minutes'], params: Params, response: { 200: Type.Object({ versions: Type.Array(MinutesVersionSummary) }), 400: ErrorReply, 404: ErrorReply } } },
    async (request) => {
      const { meeting } = await visibleMeeting(sql, request.user, request.params.meetingId);
      return { versions: (await listVersions(sql, meeting.id)).map(versionSummary) };
    },
  );

  app.get(
    '/api/minutes/:meetingId/versions/:ref',
    {
      schema: {
        tags: ['minutes'],
        description: 'A published version: `<n>` (JSON record with html and markdown), `<n>.html` (page), `<n>.md`, `<n>.json` (open data). `?lang=` sets the language of the page’s own words.',
        params: Type.Object({ meetingId: Uuid, ref: Type.String({ pattern: refPattern.source }) }),
        querystring: PageLangQuery,
        response: { 200: MinutesVersion, 400: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const [, number, format] = refPattern.exec(request.params.ref)!;
      const { meeting, row } = await versionOf(request.params.meetingId, request.user, Number(number));
      reply.header('cache-control', cacheFor(meeting));
      if (format) return send(reply, row, format as Format, request.query.lang ?? 'fi');
      const bodyHtml = jsonToHtml(row.content.body, { headingOffset: 1 });
      return { ...versionSummary(row), meetingId: row.meetingId, html: row.html, bodyHtml, markdown: row.markdown, content: row.content };
    },
  );

  app.get(
    '/api/minutes/:meetingId/diff',
    {
      schema: {
        tags: ['minutes'],
        params: Params,
        querystring: Type.Object({ from: VersionNumber, to: VersionNumber }),
        response: { 200: MinutesDiff, 400: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { from, to } = request.query;
      const older = await versionOf(request.params.meetingId, request.user, from);
      const newer = await findVersion(sql, older.meeting.id, to);
      if (!newer) throw notFound('Minutes version');
      const lines = diffMarkdown(bodyMarkdown(older.row.content.body), bodyMarkdown(newer.content.body));
      reply.header('cache-control', cacheFor(older.meeting));
      return { from, to, summary: diffSummary(lines), lines };
    },
  );
};

function send(reply: FastifyReply, row: VersionRow, format: Format, lang: PageLang) {
  switch (format) {
    case 'html':
      return reply.type('text/html; charset=utf-8').send(minutesPage(row, lang));
    case 'md':
      return reply.type('text/markdown; charset=utf-8').send(row.markdown);
    case 'json':
      // The open-data document as stored, not the API's record shape.
      return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(row.content);
  }
}
