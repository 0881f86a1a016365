import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Sql } from '../../db/connection.ts';
import { notFound } from '../errors.ts';
import { actorInSpace, actorsBySpace } from '../permissions/actor.ts';
import { can } from '../permissions/permissions.ts';
import { renderCalendar, type CalendarEvent } from './icalendar.ts';
import { withFallback, type Localized } from './localized.ts';
import { ErrorReply, SpaceSlug } from './schemas.ts';
import { agendasOf, meetingColumns, space, type MeetingRow } from './store.ts';

type Lang = keyof Localized;

export interface CalendarOptions {
  sql: Sql;
  /** The public address, for links to meeting pages; without it the request's own origin is used. */
  publicUrl?: string | undefined;
}

/** Host-independent, so an event keeps its identity when the town moves its address. */
const uidDomain = 'meetings.aukio';
/** How far back a feed reaches: calendar apps keep past events they have already seen. */
const historyDays = 180;
const maxEvents = 2000;

const words = {
  fi: { agenda: 'Esityslista', page: 'Kokouksen sivu', online: 'Etäosallistuminen', cancelled: 'Peruttu', town: 'Aukio: kaikki kokoukset', min: 'min' },
  sv: { agenda: 'Föredragningslista', page: 'Mötets sida', online: 'Distansdeltagande', cancelled: 'Inställt', town: 'Aukio: alla möten', min: 'min' },
  en: { agenda: 'Agenda', page: 'Meeting page', online: 'Remote participation', cancelled: 'Cancelled', town: 'Aukio: all meetings', min: 'min' },
} satisfies Record<Lang, Record<string, string>>;

export const FeedQuery = Type.Object({
  lang: Type.Enum(['fi', 'sv', 'en'], { default: 'fi' }),
});
export const feedResponse = { 200: Type.String({ description: 'text/calendar' }), 400: ErrorReply, 404: ErrorReply };

function baseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  return (publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

async function feedMeetings(sql: Sql, spaceId: string | null): Promise<MeetingRow[]> {
  return sql<MeetingRow[]>`
    select ${meetingColumns(sql)}
    where m.ends_at > now() - make_interval(days => ${historyDays}) ${spaceId ? sql`and m.space_id = ${spaceId}` : sql``}
    order by m.starts_at, m.id`;
}

async function toEvents(sql: Sql, meetings: MeetingRow[], lang: Lang, base: string): Promise<CalendarEvent[]> {
  const agendas = await agendasOf(
    sql,
    meetings.map((m) => m.id),
  );
  const w = words[lang];
  return meetings.map((m) => {
    const page = `${base}/meetings/${m.id}`;
    const agenda = agendas.get(m.id) ?? [];
    const parts = [
      m.cancelReason ? `${w.cancelled}: ${m.cancelReason}` : '',
      withFallback(m.description)[lang],
      agenda.length > 0
        ? `${w.agenda}:\n` +
          agenda
            .map((item, i) => {
              const extra = [item.presenter, item.durationMinutes ? `${item.durationMinutes} ${w.min}` : null].filter(Boolean).join(', ');
              return `${i + 1}. ${item.title[lang]}${extra ? ` (${extra})` : ''}`;
            })
            .join('\n')
        : '',
      `${w.page}: ${page}`,
    ];
    const remote = `${w.online}: ${page}`;
    const location = m.place === 'online' ? remote : m.place === 'hybrid' ? `${m.address} / ${remote}` : (m.address ?? undefined);
    return {
      uid: `${m.id}@${uidDomain}`,
      start: m.startsAt,
      end: m.endsAt,
      summary: `${m.state === 'cancelled' ? `${w.cancelled}: ` : ''}${withFallback(m.title)[lang]}`,
      description: parts.filter(Boolean).join('\n\n'),
      location,
      url: page,
      status: m.state === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      sequence: m.sequence,
      created: m.createdAt,
      lastModified: m.updatedAt,
    };
  });
}

async function sendFeed(
  reply: FastifyReply,
  opts: { sql: Sql; name: string; meetings: MeetingRow[]; lang: Lang; base: string; filename: string; personal: boolean },
) {
  const body = renderCalendar({
    prodId: '-//Aukio//Meetings//FI',
    name: opts.name,
    refreshMinutes: 60,
    now: new Date(),
    events: await toEvents(opts.sql, opts.meetings.slice(0, maxEvents), opts.lang, opts.base),
  });
  return reply
    .type('text/calendar; charset=utf-8')
    .header('content-disposition', `inline; filename="${opts.filename}"`)
    // A signed-in user's feed may hold members-only meetings: never in a shared cache.
    .header('cache-control', opts.personal ? 'private, no-store' : 'public, max-age=300')
    .header('vary', 'Cookie')
    .send(body);
}

/** The whole town's feed, at `/api/meetings/calendar.ics`. */
export const townCalendarRoutes: FastifyPluginAsyncTypebox<CalendarOptions> = async (app, { sql, publicUrl }) => {
  app.get('/calendar.ics', { schema: { tags: ['meetings'], querystring: FeedQuery, response: feedResponse } }, async (request, reply) => {
    const actorFor = await actorsBySpace(sql, request.user);
    const meetings = (await feedMeetings(sql, null)).filter((m) => can(actorFor(m.spaceId), 'meeting.view', space(m)));
    const lang = request.query.lang;
    return sendFeed(reply, {
      sql,
      name: words[lang].town,
      meetings,
      lang,
      base: baseUrl(request, publicUrl),
      filename: 'aukio.ics',
      personal: request.user !== null,
    });
  });
};

/** One space's feed, at `/api/spaces/:slug/calendar.ics`. */
export const spaceCalendarRoutes: FastifyPluginAsyncTypebox<CalendarOptions> = async (app, { sql, publicUrl }) => {
  app.get(
    '/:slug/calendar.ics',
    { schema: { tags: ['meetings'], params: SpaceSlug, querystring: FeedQuery, response: feedResponse } },
    async (request, reply) => {
      const [row] = await sql<{ id: string; name: Partial<Localized>; kind: 'forum' | 'jury' | 'townhall'; visibility: 'public' | 'members' }[]>`
        select id, name, kind, visibility from spaces where slug = ${request.params.slug}`;
      if (!row || !can(await actorInSpace(sql, request.user, row.id), 'meeting.view', row)) throw notFound('Space');
      const lang = request.query.lang;
      return sendFeed(reply, {
        sql,
        name: withFallback(row.name)[lang],
        meetings: await feedMeetings(sql, row.id),
        lang,
        base: baseUrl(request, publicUrl),
        filename: `${request.params.slug}.ics`,
        personal: request.user !== null,
      });
    },
  );
};
