import { escapeHtml } from '../documents/render.ts';
import type { Lang } from './language.ts';
import type { MailContent } from './template.ts';

const words = {
  fi: {
    automatic: 'Tämä on automaattinen viesti Aukiosta. Älä vastaa siihen.',
    security: 'Saat tämän viestin, koska se koskee tilisi turvallisuutta.',
    unsubscribe: 'Etkö halua näitä viestejä? Peru tilaus:',
  },
  sv: {
    automatic: 'Detta är ett automatiskt meddelande från Aukio. Svara inte på det.',
    security: 'Du får det här meddelandet eftersom det gäller ditt kontos säkerhet.',
    unsubscribe: 'Vill du inte få de här meddelandena? Avsluta prenumerationen:',
  },
  en: {
    automatic: 'This is an automatic message from Aukio. Please do not reply to it.',
    security: 'You receive this mail because it concerns the security of your account.',
    unsubscribe: 'Don’t want these mails? Unsubscribe:',
  },
} satisfies Record<Lang, Record<string, string>>;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The plain text and the HTML of one mail, made from the same content so they never say different
 * things. Each link stands alone on its line of the text, where a mail program makes it clickable
 * and quoted-printable does not break it. No image, style sheet or script: nothing is fetched when
 * the mail is opened.
 */
export function renderMail(lang: Lang, content: MailContent, unsubscribeUrl: string | null): RenderedMail {
  const w = words[lang];
  const footer = [w.automatic, unsubscribeUrl ? null : w.security].filter((line): line is string => line !== null);
  const text = [
    ...content.intro,
    ...content.actions.map((action) => `${action.label}:\n${action.url}`),
    ...content.outro,
    ['--', ...footer, ...(unsubscribeUrl ? [`${w.unsubscribe}\n${unsubscribeUrl}`] : [])].join('\n'),
  ].join('\n\n');
  const paragraph = (line: string) => `<p>${escapeHtml(line)}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="${lang}">`,
    `<head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    '<body>',
    ...content.intro.map(paragraph),
    ...content.actions.map((action) => `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`),
    ...content.outro.map(paragraph),
    '<hr>',
    ...footer.map((line) => `<p><small>${escapeHtml(line)}</small></p>`),
    ...(unsubscribeUrl ? [`<p><small>${escapeHtml(w.unsubscribe)} <a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(unsubscribeUrl)}</a></small></p>`] : []),
    '</body>',
    '</html>',
  ].join('\n');
  return { subject: content.subject, text: `${text}\n`, html: `${html}\n` };
}
