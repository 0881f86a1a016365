import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LANG, setLang } from '../i18n/i18n.svelte.ts';
import { navigate, router } from '../router.svelte.ts';
import { session } from '../session.svelte.ts';
import SignIn from './SignIn.svelte';

/** `?next=` values (as they stand in the address) that lead off the site unless the parsed URL is checked. */
const leadingAway = [
  '/%09/evil.example',
  '/%0A/evil.example',
  '/%5Cevil.example',
  '%5C/evil.example',
  '//evil.example',
  '%2F%2Fevil.example',
  '/%2F%2Fevil.example',
  '/.//evil.example',
  '/..//evil.example',
  '%20//evil.example',
  'https://evil.example/',
  'https:evil.example',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
];

async function signInWith(next: string) {
  navigate(`/signin?next=${next}`);
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ user: { id: 'u1', email: 'aino@example.fi', displayName: 'Aino', isAdmin: false } }), { status: 200 })));
  render(SignIn);
  await fireEvent.input(screen.getByLabelText('Email address'), { target: { value: 'aino@example.fi' } });
  await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'correct horse battery' } });
  await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
  await vi.waitFor(() => expect(router.path).not.toBe('/signin'));
}

describe('the sign-in page', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    setLang(DEFAULT_LANG);
    session.user = null;
    navigate('/', { replace: true });
  });

  it('returns to the page it was asked from, with its query', async () => {
    setLang('en');
    await signInWith(encodeURIComponent('/meetings/abc/room?code=123'));
    expect(router.path + router.search).toBe('/meetings/abc/room?code=123');
  });

  it.each(leadingAway)('stays on the site for ?next=%s', async (next) => {
    setLang('en');
    const leave = vi.spyOn(window.location, 'assign').mockImplementation(() => {});
    await signInWith(next);
    expect(leave).not.toHaveBeenCalled();
    expect(router.path).toBe('/');
  });
});
