import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { escapeHtml } from './render.ts';

export const pageLangs = ['fi', 'sv', 'en'] as const;
export type PageLang = (typeof pageLangs)[number];

/** `?lang=` of a published page: the language of its headings and links, not of its text. */
export const PageLangQuery = Type.Object({ lang: Type.Optional(Type.Enum([...pageLangs])) }, { additionalProperties: false });

const chrome = {
  fi: { otherFormats: 'Muut muodot', json: 'JSON (avoin data)', allVersions: 'Kaikki versiot ja muutokset', version: 'versio' },
  sv: { otherFormats: 'Andra format', json: 'JSON (öppna data)', allVersions: 'Alla versioner och ändringar', version: 'version' },
  en: { otherFormats: 'Other formats', json: 'JSON (open data)', allVersions: 'All versions and changes', version: 'version' },
} satisfies Record<PageLang, Record<string, string>>;

export interface PublicPage {
  /** The reader's language, for the page's own words. */
  lang: PageLang;
  /** The language the document was written in: its text keeps it, so a screen reader speaks it right. */
  bodyLang: PageLang;
  title: string;
  /** The version number, when the document has versions. */
  version?: number | undefined;
  /** The stored, sanitized HTML of the document. */
  bodyHtml: string;
  /** The document's address without an extension: `.md` and `.json` are its other formats. */
  url: string;
  /** The page that lists every version, when there is one. */
  versionsPage?: string | undefined;
}

/** A standalone page of a published document: no script, no inline style, links to its other formats. */
export function publicDocumentPage(page: PublicPage): string {
  const words = chrome[page.lang];
  const title = page.version === undefined ? page.title : `${page.title} (${words.version} ${page.version})`;
  const bodyLang = page.bodyLang === page.lang ? '' : ` lang="${page.bodyLang}"`;
  const links = [
    `<li><a href="${page.url}.md">Markdown</a></li>`,
    `<li><a href="${page.url}.json">${words.json}</a></li>`,
    ...(page.versionsPage ? [`<li><a href="${page.versionsPage}">${words.allVersions}</a></li>`] : []),
  ];
  return [
    '<!doctype html>',
    `<html lang="${page.lang}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>`,
    `<link rel="stylesheet" href="${PUBLIC_PAGE_CSS}">`,
    `<link rel="alternate" type="text/markdown" href="${page.url}.md"><link rel="alternate" type="application/json" href="${page.url}.json"></head>`,
    '<body>',
    `<main${bodyLang}>\n${page.bodyHtml}\n</main>`,
    `<footer><nav aria-label="${words.otherFormats}"><ul>`,
    ...links,
    '</ul></nav></footer>',
    '</body>',
    '</html>',
  ].join('\n');
}

export const PUBLIC_PAGE_CSS = '/published.css';

// Readable line length and spacing; the page stays usable without it (and prints cleanly).
const styles = `html { font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1f24; background: #fff; }
body { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.75rem; line-height: 1.25; }
h2 { margin-top: 2rem; border-bottom: 1px solid #d0d5dc; }
a { color: #0b5394; }
a:focus-visible { outline: 3px solid #0b5394; outline-offset: 2px; }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid #d0d5dc; }
footer ul { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; padding: 0; list-style: none; }
@media print { footer { display: none; } }
`;

/** The published pages' one stylesheet (their CSP allows no inline style). */
export const publicPageStyles: FastifyPluginAsyncTypebox = async (app) => {
  app.get(PUBLIC_PAGE_CSS, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(styles),
  );
};
