import { afterEach, describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { fi } from './fi.ts';
import { sv } from './sv.ts';
import {
  DEFAULT_LANG,
  STORAGE_KEY,
  formatDateTime,
  interpolate,
  localized,
  reloadLang,
  setLang,
  t,
} from './i18n.svelte.ts';

const dictionaries = { en, fi, sv } as Record<string, Record<string, string>>;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  const enKeys = Object.keys(en).sort();

  it.each(['fi', 'sv'])('%s has exactly the keys of en', (lang) => {
    expect(Object.keys(dictionaries[lang]!).sort()).toEqual(enKeys);
  });

  it.each(['en', 'fi', 'sv'])('%s has no empty strings', (lang) => {
    const empty = Object.entries(dictionaries[lang]!).filter(([, value]) => !value.trim());
    expect(empty).toEqual([]);
  });

  it.each(['fi', 'sv'])('%s uses the same {placeholders} as en', (lang) => {
    for (const key of enKeys) {
      expect([key, placeholders(dictionaries[lang]![key]!)]).toEqual([key, placeholders(dictionaries.en![key]!)]);
    }
  });
});

describe('t and helpers', () => {
  afterEach(() => {
    setLang(DEFAULT_LANG);
    localStorage.clear();
  });

  it('defaults to Finnish', () => {
    localStorage.clear();
    reloadLang();
    expect(t('nav.home')).toBe('Etusivu');
    expect(document.documentElement.lang).toBe('fi');
  });

  it('switches language, remembers it and sets <html lang>', () => {
    setLang('sv');
    expect(t('nav.home')).toBe('Startsida');
    expect(localStorage.getItem(STORAGE_KEY)).toBe('sv');
    expect(document.documentElement.lang).toBe('sv');
    setLang(DEFAULT_LANG);
    localStorage.setItem(STORAGE_KEY, 'en');
    reloadLang();
    expect(t('nav.home')).toBe('Home');
  });

  it('ignores an unknown stored language', () => {
    localStorage.setItem(STORAGE_KEY, 'de');
    reloadLang();
    expect(t('nav.home')).toBe('Etusivu');
  });

  it('interpolates {name} placeholders', () => {
    setLang('en');
    expect(t('auth.signedInAs', { name: 'Aino' })).toBe('Signed in as Aino');
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('picks the current language from a localized text, falling back to Finnish', () => {
    setLang('sv');
    expect(localized({ fi: 'Ympäristöfoorumi', sv: 'Miljöforum', en: 'Environment forum' })).toBe('Miljöforum');
    expect(localized({ fi: 'Ympäristöfoorumi', sv: '', en: '' })).toBe('Ympäristöfoorumi');
    expect(localized(null)).toBe('');
  });

  it('formats dates in the chosen language and Helsinki time', () => {
    const when = '2025-10-14T15:00:00Z'; // 18.00 in Helsinki (summer time)
    setLang('fi');
    expect(formatDateTime(when)).toMatch(/14\.10\.2025.*18\.00/);
    setLang('en');
    expect(formatDateTime(when)).toMatch(/14 Oct 2025.*18:00/);
  });
});
