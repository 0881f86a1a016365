import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LANG, STORAGE_KEY, setLang } from '../i18n/i18n.svelte.ts';
import LanguageSwitch from './LanguageSwitch.svelte';

describe('LanguageSwitch', () => {
  afterEach(() => {
    cleanup();
    setLang(DEFAULT_LANG);
    localStorage.clear();
  });

  it('offers Suomi, Svenska and English, each in its own language', () => {
    render(LanguageSwitch);
    expect(screen.getByRole('group', { name: 'Kieli' })).toBeTruthy();
    const names = { Suomi: 'fi', Svenska: 'sv', English: 'en' };
    for (const [name, lang] of Object.entries(names)) {
      expect(screen.getByRole('button', { name }).getAttribute('lang')).toBe(lang);
    }
    expect(screen.getByRole('button', { name: 'Suomi' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('switches language, remembers it and sets <html lang>', async () => {
    render(LanguageSwitch);
    await fireEvent.click(screen.getByRole('button', { name: 'Svenska' }));
    expect(screen.getByRole('button', { name: 'Svenska' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Suomi' }).getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByRole('group', { name: 'Språk' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('sv');
    expect(localStorage.getItem(STORAGE_KEY)).toBe('sv');
  });
});
