/**
 * Rich text as the editor stores it (y-prosemirror: a Y.XmlFragment of Y.XmlElement blocks and
 * Y.XmlText runs whose attributes are marks) turned into a JSON tree, sanitized HTML and Markdown.
 *
 * Everything goes through the JSON tree first, which knows only the nodes and marks below:
 * unknown elements are unwrapped (their text kept), unknown marks and attributes dropped, and a
 * link survives only with an http, https or mailto address. Text is escaped on output, so what a
 * juror typed is shown, never run.
 */
import * as Y from 'yjs';

export type MarkType = 'bold' | 'italic' | 'link';

export interface Mark {
  type: MarkType;
  attrs?: { href: string };
}

export interface TextNode {
  type: 'text';
  text: string;
  marks?: Mark[];
}

export interface HardBreakNode {
  type: 'hardBreak';
}

export type InlineNode = TextNode | HardBreakNode;

export type BlockNode =
  | { type: 'paragraph'; content: InlineNode[] }
  | { type: 'heading'; attrs: { level: number }; content: InlineNode[] }
  | { type: 'bulletList'; content: BlockNode[] }
  | { type: 'orderedList'; attrs?: { start: number }; content: BlockNode[] }
  | { type: 'listItem'; content: BlockNode[] }
  | { type: 'blockquote'; content: BlockNode[] };

/** ProseMirror's JSON shape, so the open data can be read with the same tools as the editor's. */
export interface DocNode {
  type: 'doc';
  content: BlockNode[];
}

/**
 * Characters no published form can hold: PostgreSQL stores no NUL in text and no lone surrogate in
 * JSON, and HTML has no place for control characters (C0 but tab, newline and carriage return;
 * DEL; C1). A shared document holds whatever its editors' clients sent (a paste from another
 * program may carry them, and a hostile client can send anything), so every published form is made
 * from text passed through `publishableText`: a publication or a freeze never fails on content.
 */
const unpublishable = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without control characters, and with U+FFFD for a lone surrogate (as a UTF-8 encoder writes it). */
export function publishableText(text: string): string {
  return text.replace(unpublishable, (c) => (c >= '\uD800' ? '\uFFFD' : ''));
}

const blockTypes = new Set(['paragraph', 'heading', 'bulletList', 'orderedList', 'listItem', 'blockquote']);

// ---------------------------------------------------------------------------------------------
// Y.XmlFragment → JSON tree

/** Only these schemes: a `javascript:` or `data:` address never reaches a reader. */
export function safeHref(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const href = raw.trim();
  if (href.length === 0 || href.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'mailto:') return null;
  return url.href;
}

function marksOf(attributes: Record<string, unknown> | undefined): Mark[] {
  if (!attributes) return [];
  const marks: Mark[] = [];
  let bold = false;
  let italic = false;
  let href: string | null = null;
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    // y-prosemirror names a mark that may overlap itself `name--hash`.
    const name = key.split('--')[0];
    if (name === 'bold' || name === 'strong') bold = true;
    else if (name === 'italic' || name === 'em') italic = true;
    else if (name === 'link') href = safeHref((value as { href?: unknown }).href) ?? href;
  }
  if (href !== null) marks.push({ type: 'link', attrs: { href } });
  if (bold) marks.push({ type: 'bold' });
  if (italic) marks.push({ type: 'italic' });
  return marks;
}

function inlineOf(node: Y.XmlElement | Y.XmlText | Y.XmlHook, out: InlineNode[]): void {
  if (node instanceof Y.XmlText) {
    for (const op of node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
      const insert = typeof op.insert === 'string' ? publishableText(op.insert) : '';
      if (insert.length === 0) continue;
      const marks = marksOf(op.attributes);
      const text: TextNode = { type: 'text', text: insert };
      if (marks.length > 0) text.marks = marks;
      out.push(text);
    }
  } else if (node instanceof Y.XmlElement) {
    if (node.nodeName === 'hardBreak') out.push({ type: 'hardBreak' });
    // Blocks misplaced inline and unknown inline nodes: their text is kept.
    else for (const child of node.toArray()) inlineOf(child, out);
  }
}

function inlineContent(element: Y.XmlElement): InlineNode[] {
  const out: InlineNode[] = [];
  for (const child of element.toArray()) inlineOf(child, out);
  // Adjacent runs with the same marks are one run.
  const merged: InlineNode[] = [];
  for (const node of out) {
    const last = merged[merged.length - 1];
    if (last?.type === 'text' && node.type === 'text' && JSON.stringify(last.marks) === JSON.stringify(node.marks)) last.text += node.text;
    else merged.push(node);
  }
  return merged;
}

function blocksOf(children: (Y.XmlElement | Y.XmlText | Y.XmlHook)[]): BlockNode[] {
  const blocks: BlockNode[] = [];
  let loose: InlineNode[] = [];
  const flushLoose = () => {
    if (loose.length > 0) blocks.push({ type: 'paragraph', content: loose });
    loose = [];
  };
  for (const child of children) {
    if (child instanceof Y.XmlElement && blockTypes.has(child.nodeName)) {
      flushLoose();
      blocks.push(blockOf(child));
    } else if (child instanceof Y.XmlElement && child.nodeName !== 'hardBreak' && child.toArray().some((c) => c instanceof Y.XmlElement)) {
      // An unknown wrapper: its blocks, unwrapped.
      flushLoose();
      blocks.push(...blocksOf(child.toArray()));
    } else if (child instanceof Y.XmlText || child instanceof Y.XmlElement) {
      inlineOf(child, loose);
    }
  }
  flushLoose();
  return blocks;
}

function blockOf(element: Y.XmlElement): BlockNode {
  switch (element.nodeName) {
    case 'heading': {
      const level = Math.min(6, Math.max(1, Math.trunc(Number(element.getAttribute('level'))) || 1));
      return { type: 'heading', attrs: { level }, content: inlineContent(element) };
    }
    case 'bulletList':
    case 'orderedList': {
      const items = element.toArray().flatMap((child): BlockNode[] => {
        if (child instanceof Y.XmlElement && child.nodeName === 'listItem') return [blockOf(child)];
        const content = blocksOf([child]);
        return content.length > 0 ? [{ type: 'listItem', content }] : [];
      });
      if (element.nodeName === 'bulletList') return { type: 'bulletList', content: items };
      const start = Math.trunc(Number(element.getAttribute('start')));
      return Number.isFinite(start) && start > 1 && start < 1e9 ? { type: 'orderedList', attrs: { start }, content: items } : { type: 'orderedList', content: items };
    }
    case 'listItem':
    case 'blockquote':
      return { type: element.nodeName, content: blocksOf(element.toArray()) };
    default:
      return { type: 'paragraph', content: inlineContent(element) };
  }
}

/** The fragment as a ProseMirror-shaped JSON tree; nothing outside the schema above survives. */
export function fragmentToJson(fragment: Y.XmlFragment | null | undefined): DocNode {
  return { type: 'doc', content: fragment ? blocksOf(fragment.toArray()) : [] };
}

/** A plain Y.Text (or a string someone stored instead) as a string, publishable. */
export function plainText(value: unknown): string {
  if (value instanceof Y.Text) return publishableText(value.toString());
  if (typeof value === 'string') return publishableText(value);
  return '';
}

// ---------------------------------------------------------------------------------------------
// JSON tree → HTML

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface HtmlOptions {
  /** Added to every heading level (capped at 6), for content placed under the page's own headings. */
  headingOffset?: number;
}

function inlineHtml(nodes: InlineNode[]): string {
  return nodes
    .map((node) => {
      if (node.type === 'hardBreak') return '<br>';
      let html = escapeHtml(node.text);
      const marks = node.marks ?? [];
      if (marks.some((m) => m.type === 'italic')) html = `<em>${html}</em>`;
      if (marks.some((m) => m.type === 'bold')) html = `<strong>${html}</strong>`;
      const link = marks.find((m) => m.type === 'link');
      if (link?.attrs) html = `<a href="${escapeHtml(link.attrs.href)}" rel="nofollow ugc noopener">${html}</a>`;
      return html;
    })
    .join('');
}

function blockHtml(node: BlockNode, options: HtmlOptions): string {
  const inner = (content: BlockNode[]) => content.map((child) => blockHtml(child, options)).join('');
  switch (node.type) {
    case 'paragraph':
      return `<p>${inlineHtml(node.content)}</p>`;
    case 'heading': {
      const level = Math.min(6, node.attrs.level + (options.headingOffset ?? 0));
      return `<h${level}>${inlineHtml(node.content)}</h${level}>`;
    }
    case 'bulletList':
      return `<ul>${inner(node.content)}</ul>`;
    case 'orderedList':
      return `<ol${node.attrs ? ` start="${node.attrs.start}"` : ''}>${inner(node.content)}</ol>`;
    case 'listItem':
      return `<li>${inner(node.content)}</li>`;
    case 'blockquote':
      return `<blockquote>${inner(node.content)}</blockquote>`;
  }
}

export function jsonToHtml(doc: DocNode, options: HtmlOptions = {}): string {
  return doc.content.map((node) => blockHtml(node, options)).join('\n');
}

// ---------------------------------------------------------------------------------------------
// JSON tree → Markdown (CommonMark)

/** Backslash-escapes what Markdown would read as syntax; any ASCII punctuation may be escaped. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()<>#+!|~&]/g, '\\$&')
    .replace(/^(\s*)([-=])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

function markdownHref(href: string): string {
  return href.replace(/[\s<>\\]/g, (c) => encodeURIComponent(c));
}

function inlineMarkdown(nodes: InlineNode[]): string {
  return nodes
    .map((node) => {
      if (node.type === 'hardBreak') return '\\\n';
      // Newlines inside a run would start new blocks: they become spaces.
      const raw = node.text.replace(/[\r\n]+/g, ' ');
      const marks = node.marks ?? [];
      // Emphasis may not start or end with a space: those stay outside the markers.
      const [, lead = '', core = '', trail = ''] = /^(\s*)(.*?)(\s*)$/s.exec(raw) ?? [];
      if (core === '') return escapeMarkdown(raw);
      let md = escapeMarkdown(core);
      if (marks.some((m) => m.type === 'italic')) md = `_${md}_`;
      if (marks.some((m) => m.type === 'bold')) md = `**${md}**`;
      const link = marks.find((m) => m.type === 'link');
      if (link?.attrs) md = `[${md}](<${markdownHref(link.attrs.href)}>)`;
      return `${lead}${md}${trail}`;
    })
    .join('');
}

function indent(text: string, prefix: string, first = prefix): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? first : line === '' ? '' : prefix) + line)
    .join('\n');
}

function blockMarkdown(node: BlockNode, options: HtmlOptions): string {
  switch (node.type) {
    case 'paragraph':
      return inlineMarkdown(node.content);
    case 'heading': {
      const level = Math.min(6, node.attrs.level + (options.headingOffset ?? 0));
      return `${'#'.repeat(level)} ${inlineMarkdown(node.content).replace(/\\\n/g, ' ')}`;
    }
    case 'bulletList':
      return node.content.map((item) => indent(blocksMarkdown(childrenOf(item), options), '  ', '- ')).join('\n');
    case 'orderedList': {
      const start = node.attrs?.start ?? 1;
      return node.content
        .map((item, i) => {
          const marker = `${start + i}. `;
          return indent(blocksMarkdown(childrenOf(item), options), ' '.repeat(marker.length), marker);
        })
        .join('\n');
    }
    case 'listItem':
      return blocksMarkdown(node.content, options);
    case 'blockquote':
      return blocksMarkdown(node.content, options)
        .split('\n')
        .map((line) => (line === '' ? '>' : `> ${line}`))
        .join('\n');
  }
}

function childrenOf(item: BlockNode): BlockNode[] {
  return item.type === 'listItem' ? item.content : [item];
}

function blocksMarkdown(nodes: BlockNode[], options: HtmlOptions): string {
  return nodes
    .map((node) => blockMarkdown(node, options))
    .filter((md) => md !== '')
    .join('\n\n');
}

export function jsonToMarkdown(doc: DocNode, options: HtmlOptions = {}): string {
  return blocksMarkdown(doc.content, options);
}

// ---------------------------------------------------------------------------------------------

export interface RenderedText {
  html: string;
  markdown: string;
  json: DocNode;
}

/** One fragment in all three forms. */
export function renderFragment(fragment: Y.XmlFragment | null | undefined, options: HtmlOptions = {}): RenderedText {
  const json = fragmentToJson(fragment);
  return { html: jsonToHtml(json, options), markdown: jsonToMarkdown(json, options), json };
}
