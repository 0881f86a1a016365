import { en, type Dictionary, type MessageKey } from './en.ts';
import { fi } from './fi.ts';
import { sv } from './sv.ts';

export type { MessageKey } from './en.ts';

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'fi';
export const STORAGE_KEY = 'aukio.lang';

/** A text the server stores in all three languages (space names, meeting titles...). */
export type LocalizedText = { fi: string; sv: string; en: string };

const dictionaries: Record<Lang, Dictionary> = { fi, sv, en };

/** Each language's own name, shown in the language switch in that language. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  fi: 'Suomi',
  sv: 'Svenska',
  en: 'English',
};

const INTL_LOCALES: Record<Lang, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
export const TIME_ZONE = 'Europe/Helsinki';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function storedLang(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLang(value) ? value : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

const state = $state<{ lang: Lang }>({ lang: storedLang() });

function applyToDocument(lang: Lang): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}
applyToDocument(state.lang);

/** The current UI language (reactive when read in a component or effect). */
export function currentLang(): Lang {
  return state.lang;
}

/** Switch language, remember the choice and set `<html lang>`. */
export function setLang(lang: Lang): void {
  state.lang = lang;
  applyToDocument(lang);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Storage may be unavailable (private mode); the choice then lasts for this page only.
  }
}

/** Re-read the stored language (used by tests and when storage changes in another tab). */
export function reloadLang(): void {
  state.lang = storedLang();
  applyToDocument(state.lang);
}

export type MessageParams = Record<string, string | number>;

/** Fill `{name}` placeholders; unknown placeholders are left as they are. */
export function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Whether `key` is a message key (for keys built from server data, such as error codes). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** Translate a key into the current language. */
export function t(key: MessageKey, params?: MessageParams): string {
  return interpolate(dictionaries[state.lang][key] ?? en[key], params);
}

/** Pick the current language from a server-side trilingual text (fallback: Finnish). */
export function localized(text: Partial<LocalizedText> | null | undefined): string {
  if (!text) return '';
  return text[state.lang] || text.fi || text.sv || text.en || '';
}

function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Date and time, e.g. "ti 14.10.2025 klo 18.00" in Finnish. */
export function formatDateTime(value: string | Date): string {
  return new Intl.DateTimeFormat(INTL_LOCALES[state.lang], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(toDate(value));
}

/** A date without a time, e.g. "14.10.2025". */
export function formatDate(value: string | Date): string {
  return new Intl.DateTimeFormat(INTL_LOCALES[state.lang], { dateStyle: 'medium', timeZone: TIME_ZONE }).format(toDate(value));
}

/** A time of day, e.g. "18.05" in Finnish. */
export function formatTime(value: string | Date): string {
  return new Intl.DateTimeFormat(INTL_LOCALES[state.lang], { timeStyle: 'short', timeZone: TIME_ZONE }).format(toDate(value));
}

/** A count in the current language's digits and grouping, e.g. "1 200". */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(INTL_LOCALES[state.lang]).format(value);
}

/** A share (0–1) as a whole percentage, e.g. 0.42 → "42 %" in Finnish, "42%" in English. */
export function formatPercent(share: number): string {
  return new Intl.NumberFormat(INTL_LOCALES[state.lang], { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A start–end range, e.g. "14.10.2025 klo 18.00–20.00". */
export function formatDateTimeRange(start: string | Date, end: string | Date): string {
  const format = new Intl.DateTimeFormat(INTL_LOCALES[state.lang], {
    weekday: 'short',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: TIME_ZONE,
  });
  const a = toDate(start);
  const b = toDate(end);
  if (Number.isNaN(b.getTime()) || b < a) return format.format(a);
  return format.formatRange(a, b);
}
