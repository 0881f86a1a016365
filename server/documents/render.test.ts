import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fragmentToJson, jsonToHtml, plainText, renderFragment, safeHref } from './render.ts';

/** A fragment as y-prosemirror stores it, built by hand. */
function fragment(build: (f: Y.XmlFragment) => void): Y.XmlFragment {
  const doc = new Y.Doc();
  const f = doc.getXmlFragment('f');
  build(f);
  return f;
}

function element(name: string, children: (Y.XmlElement | Y.XmlText)[], attrs: Record<string, string> = {}): Y.XmlElement {
  const e = new Y.XmlElement(name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.insert(0, children);
  return e;
}

function text(runs: [string, Record<string, unknown>?][]): Y.XmlText {
  // The runs are applied once the text is in a document (see `fill`).
  return Object.assign(new Y.XmlText(), { __runs: runs });
}

/** Fills every XmlText created by `text()` once the tree is integrated. */
function fill(node: Y.XmlFragment | Y.XmlElement): void {
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlText) {
      const runs = (child as unknown as { __runs?: [string, Record<string, unknown>?][] }).__runs ?? [];
      child.applyDelta(runs.map(([insert, attributes]) => (attributes ? { insert, attributes } : { insert })));
    } else if (child instanceof Y.XmlElement) fill(child);
  }
}

function build(children: (Y.XmlElement | Y.XmlText)[]): Y.XmlFragment {
  return fragment((f) => {
    f.insert(0, children);
    fill(f);
  });
}

describe('rendering a rich-text fragment', () => {
  it('renders paragraphs, headings, lists, quotes, marks and breaks to HTML, Markdown and JSON', () => {
    const f = build([
      element('heading', [text([['Liikenne']])], { level: '2' }),
      element('paragraph', [text([['Lisää '], ['pyöräteitä', { bold: {} }], [' ja '], ['penkkejä', { italic: {} }], ['.']])]),
      element('paragraph', [text([['Rivi 1']]), element('hardBreak', []), text([['Rivi 2']])]),
      element('bulletList', [element('listItem', [element('paragraph', [text([['yksi']])])]), element('listItem', [element('paragraph', [text([['kaksi']])])])]),
      element('orderedList', [element('listItem', [element('paragraph', [text([['eka']])])])]),
      element('blockquote', [element('paragraph', [text([['Lainaus '], ['linkki', { link: { href: 'https://example.fi/a?b=1&c=2' } }]])])]),
    ]);
    const r = renderFragment(f);
    expect(r.html).toBe(
      [
        '<h2>Liikenne</h2>',
        '<p>Lisää <strong>pyöräteitä</strong> ja <em>penkkejä</em>.</p>',
        '<p>Rivi 1<br>Rivi 2</p>',
        '<ul><li><p>yksi</p></li><li><p>kaksi</p></li></ul>',
        '<ol><li><p>eka</p></li></ol>',
        '<blockquote><p>Lainaus <a href="https://example.fi/a?b=1&#38;c=2" rel="nofollow ugc noopener">linkki</a></p></blockquote>',
      ].join('\n'),
    );
    expect(r.markdown).toBe(
      [
        '## Liikenne',
        'Lisää **pyöräteitä** ja _penkkejä_.',
        'Rivi 1\\\nRivi 2',
        '- yksi\n- kaksi',
        '1. eka',
        '> Lainaus [linkki](<https://example.fi/a?b=1&c=2>)',
      ].join('\n\n'),
    );
    expect(r.json.content[1]).toEqual({
      type: 'paragraph',
      content: [
        { type: 'text', text: 'Lisää ' },
        { type: 'text', text: 'pyöräteitä', marks: [{ type: 'bold' }] },
        { type: 'text', text: ' ja ' },
        { type: 'text', text: 'penkkejä', marks: [{ type: 'italic' }] },
        { type: 'text', text: '.' },
      ],
    });
    expect(jsonToHtml(r.json, { headingOffset: 2 })).toContain('<h4>Liikenne</h4>');
  });

  it('escapes hostile text and drops unsafe links, unknown elements and attributes', () => {
    const f = build([
      element('paragraph', [text([['<script>alert(1)</script> & "x"']])]),
      element('paragraph', [text([['klikkaa', { link: { href: 'javascript:alert(1)' } }], [' tai '], ['tätä', { link: { href: ' JaVaScRiPt:alert(2)' } }]])]),
      element('paragraph', [text([['data', { link: { href: 'data:text/html,<script>alert(3)</script>' } }], [' ja '], ['posti', { link: { href: 'mailto:raati@example.fi' } }]])]),
      element('script', [text([['alert(4)']])]),
      element('paragraph', [text([['onerror']])], { onclick: 'alert(5)', style: 'color:red' }),
      element('heading', [text([['"><img src=x onerror=alert(6)>']])], { level: '9"><script>' }),
      element('paragraph', [text([['[x](javascript:alert(7)) *tähti* # ei otsikko']])]),
    ]);
    const r = renderFragment(f);
    // Hostile text is shown as text; nothing of it is markup.
    expect(r.html).not.toMatch(/<script|<img|href="(?!https?:|mailto:)|<[^>]*\s(on\w+|style)=/i);
    expect(r.html.match(/<a /g)).toHaveLength(1);
    expect(r.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;x&#34;');
    expect(r.html).toContain('<p>klikkaa tai tätä</p>');
    expect(r.html).toContain('<a href="mailto:raati@example.fi" rel="nofollow ugc noopener">posti</a>');
    expect(r.html).toContain('<p>alert(4)</p>');
    expect(r.html).toContain('<h1>&#34;&#62;&#60;img src=x onerror=alert(6)&#62;</h1>');
    // Markdown syntax characters in text are backslash-escaped: no unescaped tag or link.
    expect(r.markdown).not.toMatch(/(?<!\\)<script|(?<!\\)\]\(javascript:/);
    expect(r.markdown).toContain('\\[x\\]\\(javascript:alert\\(7\\)\\) \\*tähti\\* \\# ei otsikko');
    expect(r.markdown).toContain('\\<script\\>');
    expect(JSON.stringify(r.json)).not.toMatch(/"href":"(?!https?:|mailto:)|onclick|"style"/);
  });

  it('accepts only http, https and mailto addresses', () => {
    expect(safeHref('https://aukio.example/x')).toBe('https://aukio.example/x');
    expect(safeHref('http://aukio.example')).toBe('http://aukio.example/');
    expect(safeHref('mailto:a@b.fi')).toBe('mailto:a@b.fi');
    for (const bad of ['javascript:alert(1)', 'java\nscript:alert(1)', 'vbscript:x', 'data:text/html,x', '/relative', '', 'ftp://x', 42]) expect(safeHref(bad)).toBeNull();
  });

  it('drops control characters and mends lone surrogates in every form, so each can be stored and shown', () => {
    const hostile = 'a\u0000b\u0007c\u001Bd\u007F\u0085e\uD800f\uDC00g 😀\th\r\ni';
    const f = build([
      element('paragraph', [text([[hostile], [`\u0000${hostile}`, { bold: {}, link: { href: 'https://example.fi/\u0000\uD800' } }]])]),
      element('paragraph', [text([['\u0000\u0001']])]),
    ]);
    const r = renderFragment(f);
    const clean = 'abcde\uFFFDf\uFFFDg 😀\th\r\ni';
    expect(r.json.content).toEqual([
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: clean },
          { type: 'text', text: clean, marks: [{ type: 'link', attrs: { href: 'https://example.fi/%00%EF%BF%BD' } }, { type: 'bold' }] },
        ],
      },
      // Nothing left of it: an empty paragraph, as an empty line in the editor is.
      { type: 'paragraph', content: [] },
    ]);
    const wellFormed = /^(?:[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;
    for (const form of [r.html, r.markdown, JSON.stringify(r.json)]) expect(form).toMatch(wellFormed);
    const doc = new Y.Doc();
    doc.getText('t').insert(0, `Otsikko\u0000 \uDBFF`);
    expect(plainText(doc.getText('t'))).toBe('Otsikko \uFFFD');
    expect(plainText('\u0000x\uDFFF')).toBe('x\uFFFD');
  });

  it('reads a plain title and an empty or missing fragment', () => {
    const doc = new Y.Doc();
    const title = doc.getText('t');
    title.insert(0, 'Otsikko <b>');
    expect(plainText(title)).toBe('Otsikko <b>');
    expect(plainText(undefined)).toBe('');
    expect(fragmentToJson(null)).toEqual({ type: 'doc', content: [] });
    expect(renderFragment(doc.getXmlFragment('empty'))).toEqual({ html: '', markdown: '', json: { type: 'doc', content: [] } });
  });
});
