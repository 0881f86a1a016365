/**
 * A published version of the minutes: the approved text with the meeting's details, who approved
 * and who published it and when, rendered once to HTML, Markdown and a JSON document (open data),
 * and stored as a row that is never changed or deleted (the table refuses both).
 */
import * as Y from 'yjs';
import type { Queries } from '../../db/connection.ts';
import { publicDocumentPage, type PageLang } from '../documents/public-page.ts';
import { publishedTitle } from '../documents/published-title.ts';
import { escapeHtml, escapeMarkdown, fragmentToJson, jsonToHtml, jsonToMarkdown, type DocNode } from '../documents/render.ts';
import { withFallback, type Localized } from '../meetings/localized.ts';
import type { MeetingRow } from '../meetings/store.ts';
import { MINUTES_FRAGMENT } from './draft.ts';
import { finnishDate, finnishTime } from './draft-sections.ts';

export const MINUTES_FORMAT = 'aukio.minutes/1';

export interface MinutesContent {
  format: typeof MINUTES_FORMAT;
  language: 'fi';
  version: number;
  title: string;
  meeting: {
    id: string;
    title: Localized;
    space: { slug: string; name: Localized };
    startsAt: string;
    endsAt: string;
    place: MeetingRow['place'];
    address: string | null;
  };
  publishedAt: string;
  publishedBy: string | null;
  approvedBy: string | null;
  /** The minutes' text as a ProseMirror-shaped tree (the editor's own JSON). */
  body: DocNode;
}

/** A published version as lists show it: without its text. */
export interface VersionSummaryRow {
  meetingId: string;
  version: number;
  title: string;
  publishedAt: Date;
  publisherName: string | null;
}

export interface VersionRow extends VersionSummaryRow {
  html: string;
  markdown: string;
  content: MinutesContent;
}

const summaryColumns = (sql: Queries) => sql`
  v.meeting_id as "meetingId", v.version, v.title, v.published_at as "publishedAt", u.display_name as "publisherName"`;
const fromVersions = (sql: Queries) => sql`from minutes_versions v left join users u on u.id = v.published_by`;
const versionColumns = (sql: Queries) => sql`${summaryColumns(sql)}, v.html, v.markdown, v.content ${fromVersions(sql)}`;

export const versionUrl = (meetingId: string, version: number) => `/api/minutes/${meetingId}/versions/${version}`;

export const versionSummary = (row: VersionSummaryRow) => ({
  version: row.version,
  title: row.title,
  publishedAt: row.publishedAt.toISOString(),
  publishedBy: row.publisherName,
  url: versionUrl(row.meetingId, row.version),
});

/** The text of a Yjs state of the minutes document. */
export function bodyOf(state: Uint8Array): DocNode {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return fragmentToJson(doc.getXmlFragment(MINUTES_FRAGMENT));
  } finally {
    doc.destroy();
  }
}

export const bodyMarkdown = (body: DocNode) => jsonToMarkdown(body);

const finnishDateTime = (iso: string) => `${finnishDate(iso)} klo ${finnishTime(iso)}`;

/** "space · versio N · julkaistu <when>, julkaisija X · hyväksyjä Y", each text escaped by `text`. */
function byline(c: MinutesContent, text: (s: string) => string, when: (iso: string) => string): string {
  return [
    text(c.meeting.space.name.fi),
    `versio ${c.version}`,
    `julkaistu ${when(c.publishedAt)}${c.publishedBy ? `, julkaisija ${text(c.publishedBy)}` : ''}`,
    ...(c.approvedBy ? [`hyväksyjä ${text(c.approvedBy)}`] : []),
  ].join(' · ');
}

/** The version as an HTML fragment (an `<article>`); every text in it is escaped or sanitized. */
export function minutesHtml(c: MinutesContent): string {
  const time = (iso: string) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(finnishDateTime(iso))}</time>`;
  return [
    '<article class="minutes">',
    `<header><h1>${escapeHtml(c.title)}</h1>`,
    `<p>${byline(c, escapeHtml, time)}</p></header>`,
    jsonToHtml(c.body),
    '</article>',
  ].join('\n');
}

export function minutesMarkdown(c: MinutesContent): string {
  const body = bodyMarkdown(c.body);
  return `${[`# ${escapeMarkdown(c.title)}`, byline(c, escapeMarkdown, finnishDateTime), ...(body ? [body] : [])].join('\n\n')}\n`;
}

/** A standalone, accessible page: the stored (sanitized) fragment, no script, no inline style. */
export function minutesPage(row: VersionRow, lang: PageLang): string {
  const url = versionUrl(row.meetingId, row.version);
  return publicDocumentPage({ lang, bodyLang: 'fi', title: row.title, version: row.version, bodyHtml: row.html, url, versionsPage: `/meetings/${row.meetingId}/minutes` });
}

/** Polled by every open minutes page: the summaries only, not every version's text. */
export async function listVersions(sql: Queries, meetingId: string): Promise<VersionSummaryRow[]> {
  return sql<VersionSummaryRow[]>`select ${summaryColumns(sql)} ${fromVersions(sql)} where v.meeting_id = ${meetingId} order by v.version desc`;
}

export async function findVersion(sql: Queries, meetingId: string, version: number): Promise<VersionRow | undefined> {
  const [row] = await sql<VersionRow[]>`select ${versionColumns(sql)} where v.meeting_id = ${meetingId} and v.version = ${version}`;
  return row;
}

export async function latestVersion(sql: Queries, meetingId: string): Promise<VersionRow | undefined> {
  const [row] = await sql<VersionRow[]>`select ${versionColumns(sql)} where v.meeting_id = ${meetingId} order by v.version desc limit 1`;
  return row;
}

/**
 * Stores version N+1 of what was approved. Runs in the caller's transaction, which holds the lock
 * on the meeting's minutes row, so two publications at once get N+1 and N+2.
 */
export async function insertVersion(
  tx: Queries,
  args: { meeting: MeetingRow; body: DocNode; publisherId: string; approverId: string | null },
): Promise<VersionRow> {
  const { meeting } = args;
  const [next] = await tx<{ version: number; now: Date }[]>`
    select coalesce(max(version), 0)::int + 1 as version, now() as now from minutes_versions where meeting_id = ${meeting.id}`;
  const names = await tx<{ id: string; name: string }[]>`
    select id, display_name as name from users where id in ${tx([args.publisherId, ...(args.approverId ? [args.approverId] : [])])}`;
  const nameOf = (id: string | null) => names.find((n) => n.id === id)?.name ?? null;
  const written = withFallback(meeting.title);
  const title = { fi: publishedTitle(written.fi), sv: publishedTitle(written.sv), en: publishedTitle(written.en) };
  const content: MinutesContent = {
    format: MINUTES_FORMAT,
    language: 'fi',
    version: next!.version,
    title: `Pöytäkirja: ${title.fi}`,
    meeting: {
      id: meeting.id,
      title,
      space: { slug: meeting.spaceSlug, name: withFallback(meeting.spaceName) },
      startsAt: meeting.startsAt.toISOString(),
      endsAt: meeting.endsAt.toISOString(),
      place: meeting.place,
      address: meeting.address,
    },
    publishedAt: next!.now.toISOString(),
    publishedBy: nameOf(args.publisherId),
    approvedBy: nameOf(args.approverId),
    body: args.body,
  };
  await tx`
    insert into minutes_versions (meeting_id, version, title, published_by, published_at, html, markdown, content)
    values (${meeting.id}, ${content.version}, ${content.title}, ${args.publisherId}, ${next!.now},
            ${minutesHtml(content)}, ${minutesMarkdown(content)}, ${tx.json(content as never)})`;
  return (await findVersion(tx, meeting.id, content.version))!;
}
