import { cleanup, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LANG, setLang } from '../i18n/i18n.svelte.ts';
import { navigate } from '../router.svelte.ts';
import SignInPrompt from './SignInPrompt.svelte';

describe('SignInPrompt', () => {
  afterEach(() => {
    cleanup();
    setLang(DEFAULT_LANG);
    navigate('/', { replace: true });
  });

  it('brings the visitor back to the page it is on, also after an in-app navigation while it stays shown', () => {
    setLang('en');
    navigate('/spaces/ymparistofoorumi?tab=threads');
    render(SignInPrompt, { text: 'to start a thread.' });
    const link = screen.getByRole('link', { name: 'Sign in' });
    expect(link.getAttribute('href')).toBe(`/signin?next=${encodeURIComponent('/spaces/ymparistofoorumi?tab=threads')}`);

    navigate('/spaces/kulttuurifoorumi');
    flushSync();
    expect(link.getAttribute('href')).toBe(`/signin?next=${encodeURIComponent('/spaces/kulttuurifoorumi')}`);
  });
});
