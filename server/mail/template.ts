import type { Lang } from './language.ts';

/** A link the mail points at, with what it does in the reader's language. */
export interface MailAction {
  label: string;
  url: string;
}

/** What a mail says, before the layout makes its plain text and HTML of it. */
export interface MailContent {
  subject: string;
  /** Paragraphs before the links. */
  intro: string[];
  actions: MailAction[];
  /** Paragraphs after the links. */
  outro: string[];
}

/** Absolute addresses of the app's pages, for links in mails. */
export interface MailLinks {
  page(path: string, query?: Record<string, string>): string;
}

/**
 * One kind of mail, written in every language. A security mail (`list: null`: an address check, a
 * password reset, a warning about the account) always goes and cannot be unsubscribed from; any
 * other names the list a person leaves with one click.
 */
export interface MailTemplate<Params> {
  /** Stored with each mail: per-address limits count it, the log names it. */
  kind: string;
  list: string | null;
  /**
   * At most this many mails of this kind to one address in an hour; more are dropped without a
   * word, so that nobody can flood a mailbox through a form, and the form's answer stays the same.
   */
  perAddressPerHour: number | null;
  content(lang: Lang, params: Params, links: MailLinks): MailContent;
}

/** "24 hours", "1 tunti", "24 timmar": how long a link works, in the reader's language. */
export function hours(lang: Lang, count: number): string {
  return new Intl.NumberFormat(lang, { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(count);
}
