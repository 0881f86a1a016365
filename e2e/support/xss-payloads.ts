/**
 * Cross-site scripting payloads for e2e/xss.test.ts. Each one, if a browser ever ran it, calls
 * `__xss('<id>')` (a binding the test exposes before any page loads) or opens a dialog, and the
 * elements it would inject carry `xss` in their id where they can, so the test sees execution
 * even where the Content-Security-Policy would have stopped it, and injected markup even where
 * nothing ran. The `rich` attacks are Yjs structures a malicious co-editor could put into a
 * shared document directly, bypassing the editor's own input rules.
 */
import * as Y from 'yjs';

export interface XssPayload {
  id: string;
  category: string;
  text: string;
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** `ID` stands for the payload's id (a function gets it, to encode it). */
const templates: [category: string, template: string | ((id: string) => string)][] = [
  ['script tag', `<script>__xss('ID')</script>`],
  ['script tag', `<ScRiPt>__xss('ID')</sCrIpT>`],
  ['script tag', `<script src="data:text/javascript,__xss('ID')"></script>`],
  // Same origin, so only the content type (and nosniff) stands between it and running.
  ['script tag', `<script src="/api/openapi.json?ID"></script>`],
  ['script tag', `<scr<script>ipt>__xss('ID')</scr</script>ipt>`],
  ['script tag', `<svg><script>__xss('ID')</script></svg>`],
  ['script tag', `<svg><script href="data:,__xss('ID')"/></svg>`],
  ['event handler', `<img id="xss-ID" src="x" onerror="__xss('ID')">`],
  ['event handler', `<img src=x onerror=__xss('ID')//`],
  ['event handler', `<IMG SRC=/ oNeRrOr="__xss('ID')"></img>`],
  ['event handler', `<img src="x" onerror="&#95;&#95;xss&#40;'ID'&#41;">`],
  ['event handler', `<img src=x onerror="\\u005f\\u005fxss('ID')">`],
  ['event handler', `<img srcset="x 1x" id=xss-ID onerror=__xss('ID')>`],
  ['event handler', `<svg id=xss-ID onload=__xss('ID')>`],
  ['event handler', `<svg/onload=__xss('ID')>`],
  ['event handler', `<svg><animate onbegin=__xss('ID') attributeName=x dur=1s>`],
  ['event handler', `<body onload=__xss('ID')>`],
  ['event handler', `<details open id=xss-ID ontoggle=__xss('ID')>`],
  ['event handler', `<video><source onerror=__xss('ID')></video>`],
  ['event handler', `<video src=x onerror=__xss('ID')></video>`],
  ['event handler', `<audio src=x onerror=__xss('ID')>`],
  ['event handler', `<input id=xss-ID autofocus onfocus=__xss('ID')>`],
  ['event handler', `<select autofocus onfocus=__xss('ID')></select>`],
  ['event handler', `<marquee onstart=__xss('ID')>m</marquee>`],
  ['event handler', `<x id=xss-ID onpointerover=__xss('ID')>x</x>`],
  ['event handler', `<a href="https://example.fi" onmouseover="__xss('ID')">linkki</a>`],
  ['event handler', `<img src=x onerror=alert('ID')>`],
  ['javascript: URL', `<a id=xss-ID href="javascript:__xss('ID')">klik</a>`],
  ['javascript: URL', `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;__xss('ID')">ent</a>`],
  ['javascript: URL', `<a href="jav&#x09;ascript:__xss('ID')">tab</a>`],
  ['javascript: URL', `<a href=" JaVaScRiPt:__xss('ID')">iso</a>`],
  ['javascript: URL', `<IMG SRC=JaVaScRiPt:__xss('ID')>`],
  ['data: URL', (id) => `<a href="data:text/html;base64,${base64(`<script>opener.__xss('${id}')</script>`)}">data ${id}</a>`],
  ['vbscript: URL', `<a href="vbscript:__xss('ID')">vb</a>`],
  ['javascript: URL', `<form action="javascript:__xss('ID')"><button>Lähetä</button></form>`],
  ['javascript: URL', `<button form=x formaction="javascript:__xss('ID')">nappi</button>`],
  ['javascript: URL', `<svg><a xlink:href="javascript:__xss('ID')"><text y="20">svg</text></a></svg>`],
  ['javascript: URL', `<math href="javascript:__xss('ID')">math</math>`],
  ['frame', `<iframe src="javascript:__xss('ID')"></iframe>`],
  ['frame', `<iframe srcdoc="<script>parent.__xss('ID')</script>"></iframe>`],
  ['frame', `<iframe srcdoc="&lt;img src=x onerror=parent.__xss('ID')&gt;"></iframe>`],
  ['frame', `<object data="javascript:__xss('ID')"></object>`],
  ['frame', `<embed src="data:text/html,<script>parent.__xss('ID')</script>">`],
  ['head element', `<meta http-equiv="refresh" content="0;url=javascript:__xss('ID')">`],
  ['head element', `<base href="javascript:__xss('ID')//">`],
  ['head element', `<link rel="stylesheet" href="javascript:__xss('ID')">`],
  ['style', `<style>@import 'javascript:__xss("ID")';</style>`],
  ['style', `<div style="background-image:url(javascript:__xss('ID'))">tausta</div>`],
  ['style', `<div style="width:expression(__xss('ID'))">ie</div>`],
  ['style', `<style>*{background:url("javascript:__xss('ID')")}</style>`],
  ['attribute breakout', `"><svg onload=__xss('ID')>`],
  ['attribute breakout', `'><img src=x onerror=__xss('ID')>`],
  ['attribute breakout', `" autofocus onfocus="__xss('ID')" x="`],
  ['attribute breakout', `' autofocus onfocus='__xss("ID")' x='`],
  ['element breakout', `</textarea><script>__xss('ID')</script>`],
  ['element breakout', `</title><script>__xss('ID')</script>`],
  ['element breakout', `</script><script>__xss('ID')</script>`],
  ['element breakout', `</style><img src=x onerror=__xss('ID')>`],
  ['element breakout', `--><img src=x onerror=__xss('ID')>`],
  ['element breakout', `]]><img src=x onerror=__xss('ID')>`],
  ['mutation XSS', `<noscript><p title="</noscript><img src=x onerror=__xss('ID')>">`],
  ['mutation XSS', `<math><mtext><table><mglyph><style><img src=x onerror=__xss('ID')>`],
  ['mutation XSS', `<template><img src=x onerror=__xss('ID')></template>`],
  ['mutation XSS', `<svg></p><style><a id="</style><img src=x onerror=__xss('ID')>">`],
  ['mutation XSS', `<form><math><mtext></form><form><mglyph><style></math><img src onerror=__xss('ID')>`],
  ['encoded', `&lt;img src=x onerror=__xss('ID')&gt;`],
  ['encoded', `&#60;script&#62;__xss('ID')&#60;/script&#62;`],
  ['encoded', `%3Cscript%3E__xss('ID')%3C%2Fscript%3E`],
  ['encoded', `\\u003cimg src=x onerror=__xss('ID')\\u003e`],
  ['encoded', `＜script＞__xss('ID')＜/script＞`],
  ['encoded', `\u202e<img src=x onerror=__xss('ID')>\u202c`],
  ['template injection', `{{constructor.constructor("__xss('ID')")()}}`],
  ['template injection', `\${__xss('ID')}`],
  ['template injection', `{@html '<img src=x onerror=__xss("ID")>'}`],
  ['Markdown', `[klikkaa](javascript:__xss('ID'))`],
  ['Markdown', `[iso](JAVASCRIPT:__xss('ID'))`],
  ['Markdown', `[entiteetti](&#x6A;avascript:__xss('ID'))`],
  ['Markdown', `[kulma](<javascript:__xss('ID')>)`],
  ['Markdown', `[vb](vbscript:__xss('ID'))`],
  ['Markdown', (id) => `[data ${id}](data:text/html;base64,${base64(`<script>opener.__xss('${id}')</script>`)})`],
  ['Markdown', `![kuva](javascript:__xss('ID'))`],
  ['Markdown', `![kuva](x" onerror="__xss('ID'))`],
  ['Markdown', `<javascript:__xss('ID')>`],
  ['Markdown', `[viite][ref-ID]\n\n[ref-ID]: javascript:__xss('ID')`],
  ['Markdown', `[otsikko](https://example.fi "\\" onmouseover=\\"__xss('ID')")`],
  ['Markdown', `[lainaus](https://example.fi/"onmouseover="__xss('ID'))`],
  ['Markdown', `<div>\n<img src=x onerror=__xss('ID')>\n</div>`],
  ['Markdown', `\`<script>__xss('ID')</script>\``],
  ['Markdown', `| a | b |\n|:-:|--:|\n| <img src=x onerror=__xss('ID')> | [t](javascript:__xss('ID')) |`],
  ['Markdown', `www.example.fi/"><script>__xss('ID')</script>`],
  ['polyglot', `jaVasCript:/*-/*\`/*\\\`/*'/*"/**/(/* */oNcliCk=__xss('ID') )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=__xss('ID')//>\\x3e`],
  ['polyglot', `'"--></style></script></textarea><svg/onload=__xss('ID')>`],
  ['polyglot', `javascript:"/*'/*\`/*--></noscript></title></textarea></style></template></noembed></script><html " onmouseover=/*&lt;svg/*/onload=__xss('ID')//>`],
];

export const xssPayloads: XssPayload[] = templates.map(([category, template], i) => {
  const id = `p${String(i + 1).padStart(2, '0')}`;
  return { id, category, text: typeof template === 'function' ? template(id) : template.replaceAll('ID', id) };
});

/** The payload behind a tag the reader can find on the page: `⟦p07⟧ <payload>`. */
export const tagged = (payload: XssPayload) => `${tagOf(payload.id)} ${payload.text}`;
const tagOf = (id: string) => `⟦${id}⟧`;

/** Payloads that fit on one line in a short field (a display name, a title). */
export const oneLine = (payload: XssPayload) => !payload.text.includes('\n');

/** Tagged payloads joined into as few texts of at most `maxLength` characters as they fit in. */
export function packed(payloads: XssPayload[], maxLength: number, separator = ' '): string[] {
  const texts: string[] = [];
  let current = '';
  for (const payload of payloads) {
    const piece = tagged(payload);
    if (piece.length > maxLength) continue;
    if (current && current.length + separator.length + piece.length > maxLength) {
      texts.push(current);
      current = '';
    }
    current = current ? `${current}${separator}${piece}` : piece;
  }
  if (current) texts.push(current);
  return texts;
}

/** A Markdown text: each payload as its own block, after its tag on a line of its own. */
export const markdownOf = (payloads: XssPayload[]) => payloads.map((p) => `${tagOf(p.id)}\n\n${p.text}`).join('\n\n');

// ---------------------------------------------------------------------------------------------
// Rich text: what a co-editor could write into a shared document's XML fragment by hand.

interface RichAttack {
  id: string;
  description: string;
  /** Appends the attack to the fragment (inside a transaction the caller opens). */
  write(fragment: Y.XmlFragment): void;
}

function paragraph(fragment: Y.XmlFragment, build: (text: Y.XmlText) => void, attributes: Record<string, string> = {}): Y.XmlElement {
  const element = new Y.XmlElement('paragraph');
  fragment.insert(fragment.length, [element]);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  const text = new Y.XmlText();
  element.insert(0, [text]);
  build(text);
  return element;
}

const linked = (id: string, href: string, extra: Record<string, string> = {}): RichAttack => ({
  id,
  description: `a link mark to ${href}`,
  write: (fragment) => paragraph(fragment, (text) => text.insert(0, `${tagOf(id)} linkki`, { link: { href, ...extra } })),
});

export const richAttacks: RichAttack[] = [
  linked('r01', "javascript:__xss('r01')"),
  linked('r02', "JaVaScRiPt:__xss('r02')"),
  linked('r03', " \tjavascript:__xss('r03')"),
  linked('r04', "java\nscript:__xss('r04')"),
  linked('r05', `data:text/html;base64,${base64("<script>opener.__xss('r05')</script>")}`),
  linked('r06', "vbscript:__xss('r06')"),
  linked('r07', "https://example.fi/\" onmouseover=\"__xss('r07')"),
  linked('r08', 'https://example.fi/', { onclick: "__xss('r08')", target: '_blank', style: "background:url(javascript:__xss('r08'))" }),
  {
    id: 'r09',
    description: 'a link mark named as an overlapping mark, with a javascript: address',
    write: (fragment) => paragraph(fragment, (text) => text.insert(0, `${tagOf('r09')} linkki`, { 'link--x1': { href: "javascript:__xss('r09')" } })),
  },
  {
    id: 'r10',
    description: 'marks the schema lacks, carrying handlers and styles',
    write: (fragment) =>
      paragraph(fragment, (text) =>
        text.insert(0, `${tagOf('r10')} merkitty`, { textStyle: { style: "background:url(javascript:__xss('r10'))" }, span: { onclick: "__xss('r10')" } }),
      ),
  },
  {
    id: 'r11',
    description: 'a paragraph carrying event handler and style attributes',
    write: (fragment) =>
      paragraph(fragment, (text) => text.insert(0, `${tagOf('r11')} kappale`), { onclick: "__xss('r11')", style: "background:url(javascript:__xss('r11'))", id: 'xss-r11' }),
  },
  {
    id: 'r12',
    description: 'a heading whose level breaks out of its attribute',
    write: (fragment) => {
      const heading = new Y.XmlElement('heading');
      fragment.insert(fragment.length, [heading]);
      heading.setAttribute('level', `2" onmouseover="__xss('r12')`);
      const text = new Y.XmlText();
      heading.insert(0, [text]);
      text.insert(0, `${tagOf('r12')} otsikko`);
    },
  },
  {
    id: 'r13',
    description: 'an ordered list whose start breaks out of its attribute',
    write: (fragment) => {
      const list = new Y.XmlElement('orderedList');
      fragment.insert(fragment.length, [list]);
      list.setAttribute('start', `3" onclick="__xss('r13')`);
      const item = new Y.XmlElement('listItem');
      list.insert(0, [item]);
      const inner = new Y.XmlElement('paragraph');
      item.insert(0, [inner]);
      const text = new Y.XmlText();
      inner.insert(0, [text]);
      text.insert(0, `${tagOf('r13')} kohta`);
    },
  },
  {
    id: 'r14',
    description: 'elements the schema lacks: script, img, iframe',
    write: (fragment) => {
      const holder = paragraph(fragment, (text) => text.insert(0, `${tagOf('r14')} elementit`));
      const script = new Y.XmlElement('script');
      const code = new Y.XmlText();
      script.insert(0, [code]);
      code.insert(0, "__xss('r14')");
      const image = new Y.XmlElement('img');
      image.setAttribute('src', 'x');
      image.setAttribute('onerror', "__xss('r14')");
      const frame = new Y.XmlElement('iframe');
      frame.setAttribute('srcdoc', "<script>parent.__xss('r14')</script>");
      holder.insert(holder.length, [script, image, frame]);
    },
  },
  {
    id: 'r15',
    description: 'an image node with a javascript: source',
    write: (fragment) => {
      const image = new Y.XmlElement('image');
      image.setAttribute('src', "javascript:__xss('r15')");
      image.setAttribute('alt', `${tagOf('r15')} kuva`);
      fragment.insert(fragment.length, [image]);
    },
  },
  {
    id: 'r16',
    description: 'a hard break with a handler',
    write: (fragment) => {
      const holder = paragraph(fragment, (text) => text.insert(0, `${tagOf('r16')} rivinvaihto`));
      const hardBreak = new Y.XmlElement('hardBreak');
      hardBreak.setAttribute('onclick', "__xss('r16')");
      holder.insert(holder.length, [hardBreak]);
    },
  },
  {
    id: 'r17',
    description: 'a bold mark whose value is an object of attributes',
    write: (fragment) => paragraph(fragment, (text) => text.insert(0, `${tagOf('r17')} lihava`, { bold: { onclick: "__xss('r17')", class: 'xss-r17' } })),
  },
];

/** Paragraphs of tagged payload text, one per payload: the text a rich-text view must show. */
export function writePayloadParagraphs(fragment: Y.XmlFragment, payloads: XssPayload[]): void {
  for (const payload of payloads) paragraph(fragment, (text) => text.insert(0, tagged(payload)));
}
