import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LANG, setLang } from '../i18n/i18n.svelte.ts';
import { session } from '../session.svelte.ts';
import SignInForm from './SignInForm.svelte';

function deferredFetch() {
  let resolve!: (r: Response) => void;
  const fn = vi.fn((_input: RequestInfo | URL, _init?: RequestInit) => new Promise<Response>((r) => (resolve = r)));
  vi.stubGlobal('fetch', fn);
  return { fn, respond: (status: number, body: unknown) => resolve(new Response(JSON.stringify(body), { status })) };
}

describe('SignInForm', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    setLang(DEFAULT_LANG);
    session.user = null;
  });

  it('ties labels to inputs with the right autocomplete', () => {
    setLang('en');
    render(SignInForm, { onsuccess: () => {} });
    expect(screen.getByLabelText('Email address').getAttribute('autocomplete')).toBe('email');
    expect(screen.getByLabelText('Password').getAttribute('autocomplete')).toBe('current-password');
  });

  it('validates before sending', async () => {
    setLang('en');
    const fetch = deferredFetch();
    render(SignInForm, { onsuccess: () => {} });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(fetch.fn).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toContain('Please correct the errors below.');
    expect(screen.getByLabelText('Email address').getAttribute('aria-invalid')).toBe('true');
  });

  it('disables the button while pending and shows the server message in an alert', async () => {
    setLang('en');
    const fetch = deferredFetch();
    const onsuccess = vi.fn();
    render(SignInForm, { onsuccess });
    await fireEvent.input(screen.getByLabelText('Email address'), { target: { value: 'aino@example.fi' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong password' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const button = screen.getByRole('button', { name: 'Signing in…' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(JSON.parse(String(fetch.fn.mock.calls[0]![1]?.body))).toEqual({
      email: 'aino@example.fi',
      password: 'wrong password',
    });
    fetch.respond(401, { statusCode: 401, error: 'Unauthorized', message: 'Wrong email or password' });
    expect((await screen.findByRole('alert')).textContent).toContain('Wrong email or password');
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false);
    expect(onsuccess).not.toHaveBeenCalled();
  });

  it('signs in and reports success', async () => {
    const fetch = deferredFetch();
    const onsuccess = vi.fn();
    render(SignInForm, { onsuccess });
    await fireEvent.input(screen.getByLabelText('Sähköpostiosoite'), { target: { value: 'aino@example.fi' } });
    await fireEvent.input(screen.getByLabelText('Salasana'), { target: { value: 'correct horse battery' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Kirjaudu sisään' }));
    const user = { id: 'u1', email: 'aino@example.fi', displayName: 'Aino', isAdmin: false };
    fetch.respond(200, { user });
    await vi.waitFor(() => expect(onsuccess).toHaveBeenCalled());
    expect(session.user).toEqual(user);
  });
});
