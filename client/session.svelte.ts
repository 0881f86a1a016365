import { api } from './api.ts';
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

export async function signUp(email: string, password: string, displayName: string): Promise<User> {
  const res = await api.post<{ user: User }>('/api/auth/signup', { email, password, displayName });
  session.user = res.user;
  return res.user;
}

export async function signOut(): Promise<void> {
  await api.post<void>('/api/auth/signout', {});
  session.user = null;
}

/** Called when the current session was revoked from the sessions page. */
export function forgetUser(): void {
  session.user = null;
}
