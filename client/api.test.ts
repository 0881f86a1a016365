import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from './api.ts';

function mockFetch(status: number, body?: unknown) {
  const fn = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    }),
  );
  vi.stubGlobal('fetch', fn);
  return fn;
}

describe('api', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('returns the JSON body of a GET', async () => {
    const fetch = mockFetch(200, { user: null });
    await expect(api.get('/api/auth/me')).resolves.toEqual({ user: null });
    const init = fetch.mock.calls[0]![1]!;
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBeUndefined();
  });

  it('sends JSON bodies, {} when empty, and handles 204', async () => {
    const fetch = mockFetch(204);
    await expect(api.post('/api/auth/signout')).resolves.toBeUndefined();
    const init = fetch.mock.calls[0]![1]!;
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(init.body).toBe('{}');
  });

  it('throws ApiError with the server status and message', async () => {
    mockFetch(401, { statusCode: 401, error: 'Unauthorized', message: 'Wrong email or password' });
    const err = await api.post('/api/auth/signin', { email: 'a@b.fi', password: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, error: 'Unauthorized', message: 'Wrong email or password' });
  });

  it('keeps the error code from the server body', async () => {
    mockFetch(403, { statusCode: 403, error: 'Forbidden', message: 'You are muted', code: 'muted' });
    await expect(api.post('/api/threads/x/posts', { body: 'hi' })).rejects.toMatchObject({ status: 403, code: 'muted' });
  });

  it('reports an unreachable server as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(api.get('/api/spaces')).rejects.toMatchObject({ status: 0 });
  });
});
