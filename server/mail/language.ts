import type { Localized } from '../meetings/localized.ts';

/** A person's language: the one their mails are written in (users.language). */
export type Lang = keyof Localized;
export const languages = ['fi', 'sv', 'en'] as const satisfies readonly Lang[];
const DEFAULT: Lang = 'fi';

const isLang = (value: string): value is Lang => (languages as readonly string[]).includes(value);

/**
 * The first of our languages an Accept-Language header asks for, by its q-values (the client sends
 * the language its reader chose, e.g. `sv`); Finnish when it names none of them.
 */
export function languageOf(acceptLanguage: string | undefined): Lang {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...options] = part.trim().toLowerCase().split(';');
      const q = Number(options.map((o) => /^\s*q=([\d.]+)\s*$/.exec(o)?.[1]).find((v) => v !== undefined) ?? 1);
      return { lang: tag.split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((entry) => entry.q > 0 && isLang(entry.lang))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return (ranked[0]?.lang as Lang | undefined) ?? DEFAULT;
}
