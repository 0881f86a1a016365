import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Raw HTML in Markdown is shown as text, and the rendered HTML is sanitized again on top:
// a post can never carry a script, an event handler or a javascript: link to a reader.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });

// A table cell's alignment becomes a class: the CSP refuses inline style attributes.
const alignments = ['align-left', 'align-right', 'align-center'];
const alignedCell: sanitizeHtml.Transformer = (tagName, attribs) => {
  const align = /text-align:\s*(left|right|center)/.exec(attribs['style'] ?? '')?.[1];
  const kept: sanitizeHtml.Attributes = align ? { class: `align-${align}` } : {};
  return { tagName, attribs: kept };
};

const allowed: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'] },
  allowedClasses: { th: alignments, td: alignments },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener' }), th: alignedCell, td: alignedCell },
};

export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), allowed);
}
