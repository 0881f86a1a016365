import { api } from './api.ts';
import { currentLang } from './i18n/i18n.svelte.ts';
import type { User } from './types.ts';

/** Who is signed in. `loaded` turns true after the first `GET /api/auth/me`. */
export const session = $state<{ user: User | null; loaded: boolean; error: unknown }>({
  user: null,
  loaded: false,
  error: null,
});

export async function loadSession(): Promise<void> {
  try {
    const res = await api.get<{ user: User | null }>('/api/auth/me');
    session.user = res.user;
    session.error = null;
  } catch (err) {
    session.user = null;
    session.error = err;
  } finally {
    session.loaded = true;
  }
}

export async function signIn(email: string, password: string): Promise<User> {
  const res = await api.post<{ user: User }>('/api/auth/signin', { email, password });
  session.user = res.user;
  return res.user;
}

/** Asks for an account: the server mails the address a link (or, if it has an account, a warning to its owner). */
export async function signUp(email: string, password: string, displayName: string): Promise<void> {
  await api.post('/api/auth/signup', { email, password, displayName, language: currentLang() });
}

/** Follows the link of the sign-up's mail: the account is made and signed in. */
export async function confirmAddress(token: string): Promise<User> {
  const res = await api.post<{ user: User }>('/api/auth/verify', { token });
  session.user = res.user;
  return res.user;
}

export async function requestPasswordReset(email: string): Promise<void> {
  await api.post('/api/auth/password-reset', { email });
}

/** Sets a new password from the mailed link; every session of the account ends, this one too if it was theirs. */
export async function resetPassword(token: string, password: string): Promise<void> {
  await api.post<void>('/api/auth/password-reset/confirm', { token, password });
  await loadSession();
}

export async function signOut(): Promise<void> {
  await api.post<void>('/api/auth/signout', {});
  session.user = null;
}

/** Called when the current session was revoked from the sessions page. */
export function forgetUser(): void {
  session.user = null;
}
