import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LANG, setLang } from '../i18n/i18n.svelte.ts';
import { session } from '../session.svelte.ts';
import SignUpForm from './SignUpForm.svelte';

async function fill(email: string, displayName: string, password: string) {
  await fireEvent.input(screen.getByLabelText('Email address'), { target: { value: email } });
  await fireEvent.input(screen.getByLabelText('Name shown to others'), { target: { value: displayName } });
  await fireEvent.input(screen.getByLabelText('Password'), { target: { value: password } });
  await fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('SignUpForm', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    setLang(DEFAULT_LANG);
    session.user = null;
  });

  it('says why a password or a name will not do before sending anything', async () => {
    setLang('en');
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    render(SignUpForm, { onsuccess: () => {} });
    await fill('aino@example.fi', 'Aino\u202E Asukas', 'aaaaaaaaaa');
    expect(fetch).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
    expect(document.body.textContent).toContain('This password repeats the same characters.');
    expect(document.body.textContent).toContain('The name contains invisible or control characters');
  });

  it('shows the server’s reason for a common password in the reader’s language', async () => {
    setLang('fi');
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'common', code: 'password_common' }), { status: 400 })));
    render(SignUpForm, { onsuccess: () => {} });
    await fireEvent.input(screen.getByLabelText('Sähköpostiosoite'), { target: { value: 'aino@example.fi' } });
    await fireEvent.input(screen.getByLabelText('Muille näkyvä nimi'), { target: { value: 'Aino Asukas' } });
    await fireEvent.input(screen.getByLabelText('Salasana'), { target: { value: 'sunshine1234' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Luo tili' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Tämä salasana on yleisimpien joukossa.');
  });
});
