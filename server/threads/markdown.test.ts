import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

/** Every element and attribute the browser would build from the HTML, to look for anything active. */
function activeParts(html: string): string[] {
  const document = new Window().document;
  document.body.innerHTML = html;
  const found: string[] = [];
  for (const element of document.body.querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    if (['script', 'img', 'svg', 'iframe', 'style', 'object', 'embed', 'form', 'input'].includes(tag)) found.push(`<${tag}>`);
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith('on')) found.push(`${tag}[${attribute.name}]`);
      if (attribute.name === 'href' && !/^(https?:|mailto:)/i.test(attribute.value ?? '')) found.push(`${tag}[href=${attribute.value}]`);
    }
  }
  return found;
}

describe('post Markdown', () => {
  it('renders headings, lists, emphasis and links, with links marked nofollow ugc', () => {
    const html = renderMarkdown('## Otsikko\n\n- **yksi**\n- _kaksi_\n\n[kaupunki](https://example.fi)');
    expect(html).toContain('<h2>Otsikko</h2>');
    expect(html).toContain('<li><strong>yksi</strong></li>');
    expect(html).toContain('<em>kaksi</em>');
    expect(html).toContain('<a href="https://example.fi" rel="nofollow ugc noopener">kaupunki</a>');
  });

  const attacks = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<a href="https://example.fi" onclick="alert(1)">x</a>',
    '<svg onload=alert(1)>',
    '<iframe src="https://evil.example"></iframe>',
    '![x](https://example.fi/x.png" onerror="alert(1))',
    '<style>body{display:none}</style>',
    '`<script>alert(1)</script>`',
  ];
  it.each(attacks)('never lets %s through as markup', (attack) => {
    expect(activeParts(renderMarkdown(attack))).toEqual([]);
  });

  it('finds active parts when they are there (the check above can fail)', () => {
    expect(activeParts('<a href="javascript:x" onclick="y">z</a><script></script>')).toEqual(['a[href=javascript:x]', 'a[onclick]', '<script>']);
  });

  it('keeps a table column’s alignment as a class, never as a style attribute the CSP would refuse', () => {
    const html = renderMarkdown('| a | b | c |\n|:-|:-:|--:|\n| 1 | 2 | 3 |');
    expect(html).toContain('<th class="align-left">a</th>\n<th class="align-center">b</th>\n<th class="align-right">c</th>');
    expect(html).toContain('<td class="align-center">2</td>');
    expect(html).not.toContain('style');
  });

  it('shows raw HTML as text rather than dropping what the writer typed', () => {
    expect(renderMarkdown('a <b>b</b>')).toBe('<p>a &lt;b&gt;b&lt;/b&gt;</p>\n');
  });
});
