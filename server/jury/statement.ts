/**
 * A frozen jury statement: the numbered recommendations as they stood, with their sign-off
 * tallies at that moment, rendered once to HTML, Markdown and a JSON document, and stored as a
 * row that is never changed (the table refuses updates).
 */
import type { Sql } from '../../db/connection.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { publishedTitle } from '../documents/published-title.ts';
import { escapeHtml, escapeMarkdown, type RenderedText } from '../documents/render.ts';
import type { SpaceRow } from '../spaces/routes.ts';
import type { Recommendation } from './recommendations.ts';
import { signOffsOf, tallyOf, type Tally } from './sign-offs.ts';

export const STATEMENT_FORMAT = 'aukio.jury-statement/1';

export interface StatementContent {
  format: typeof STATEMENT_FORMAT;
  id: string;
  space: { slug: string; name: SpaceRow['name'] };
  version: number;
  title: string;
  frozenAt: string;
  /** Jurors in the jury when it was frozen: a tally is read against it. */
  jurors: number;
  recommendations: {
    number: number;
    id: string;
    title: string;
    text: RenderedText;
    rationale: RenderedText;
    tally: Tally;
  }[];
}

export interface StatementRow {
  id: string;
  spaceId: string;
  version: number;
  title: string;
  frozenAt: Date;
  html: string;
  markdown: string;
  content: StatementContent;
}

export const statementColumns = 'id, space_id as "spaceId", version, title, frozen_at as "frozenAt", html, markdown, content';

const finnishDate = (d: Date) =>
  new Intl.DateTimeFormat('fi-FI', { timeZone: 'Europe/Helsinki', day: 'numeric', month: 'numeric', year: 'numeric' }).format(d);

const stanceLabels: Record<keyof Tally, string> = { agree: 'Samaa mieltä', can_live_with: 'Voi hyväksyä', object: 'Vastaan' };
const tallyLine = (tally: Tally) => (Object.keys(stanceLabels) as (keyof Tally)[]).map((k) => `${stanceLabels[k]}: ${tally[k]}`).join(' · ');

/** The statement as an HTML fragment (an `<article>`); every text in it is escaped or sanitized. */
export function statementHtml(c: StatementContent): string {
  const frozenAt = new Date(c.frozenAt);
  const items = c.recommendations.map((r) =>
    [
      `<li id="suositus-${escapeHtml(r.id)}">`,
      `<h2>${r.number}. ${escapeHtml(r.title)}</h2>`,
      `<div class="recommendation-text">${r.text.html}</div>`,
      r.rationale.json.content.length > 0 ? `<section class="rationale"><h3>Perustelut</h3>${r.rationale.html}</section>` : '',
      `<p class="tally">${escapeHtml(tallyLine(r.tally))} (${c.jurors} raatilaista)</p>`,
      '</li>',
    ].join('\n'),
  );
  return [
    '<article class="jury-statement">',
    `<header><h1>${escapeHtml(c.title)}</h1>`,
    `<p>${escapeHtml(c.space.name.fi)} · versio ${c.version} · <time datetime="${escapeHtml(c.frozenAt)}">${finnishDate(frozenAt)}</time></p></header>`,
    `<ol class="recommendations">\n${items.join('\n')}\n</ol>`,
    '</article>',
  ].join('\n');
}

export function statementMarkdown(c: StatementContent): string {
  const parts = [`# ${escapeMarkdown(c.title)}`, `${escapeMarkdown(c.space.name.fi)} · versio ${c.version} · ${finnishDate(new Date(c.frozenAt))}`];
  for (const r of c.recommendations) {
    parts.push(`## ${r.number}\\. ${escapeMarkdown(r.title)}`);
    if (r.text.markdown) parts.push(r.text.markdown);
    if (r.rationale.markdown) parts.push('### Perustelut', r.rationale.markdown);
    parts.push(`_${tallyLine(r.tally)} (${c.jurors} raatilaista)_`);
  }
  return `${parts.join('\n\n')}\n`;
}

/**
 * Freezes the statement: tallies, version and row in one transaction (the space row is locked,
 * so two freezes at once get 1 and 2). `recommendations` were read from the document before the
 * transaction: the pool may be a single connection.
 */
export async function freezeStatement(
  sql: Sql,
  args: { space: SpaceRow; actorId: string; title: string | undefined; recommendations: Recommendation[] },
): Promise<StatementRow> {
  const { space, actorId, recommendations } = args;
  return sql.begin(async (tx) => {
    await tx`select id from spaces where id = ${space.id} for update`;
    const [next] = await tx<{ version: number }[]>`select coalesce(max(version), 0)::int + 1 as version from jury_statements where space_id = ${space.id}`;
    const { signOffs, jurors } = await signOffsOf(tx, space);
    const [ids] = await tx<{ id: string; now: Date }[]>`select gen_random_uuid() as id, now() as now`;
    const version = next!.version;
    const frozenAt = ids!.now;
    const content: StatementContent = {
      format: STATEMENT_FORMAT,
      id: ids!.id,
      space: { slug: space.slug, name: space.name },
      version,
      title: publishedTitle(args.title?.trim() || `${space.name.fi}: kannanotto`),
      frozenAt: frozenAt.toISOString(),
      jurors,
      recommendations: recommendations.map((r) => ({ number: r.number, id: r.id, title: publishedTitle(r.title), text: r.text, rationale: r.rationale, tally: tallyOf(signOffs, r.id) })),
    };
    const [row] = await tx<StatementRow[]>`
      insert into jury_statements (id, space_id, version, title, frozen_by, frozen_at, html, markdown, content)
      values (${content.id}, ${space.id}, ${version}, ${content.title}, ${actorId}, ${frozenAt},
              ${statementHtml(content)}, ${statementMarkdown(content)}, ${tx.json(content as never)})
      returning ${tx.unsafe(statementColumns)}`;
    await recordAudit(tx, {
      spaceId: space.id,
      actorId,
      action: 'statement.freeze',
      targetType: 'statement',
      targetId: content.id,
      details: { version, title: content.title, recommendations: recommendations.length },
    });
    return row!;
  });
}
