import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('the HTTP surface', () => {
  it('answers /healthz once the database is reachable', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/no/such/route?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Route GET /api/no/such/route not found', code: 'not_found' });
  });

  it('documents every API route in /api/openapi.json', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of ['/api/auth/signin', '/api/auth/signup', '/api/auth/sessions/{id}', '/api/spaces', '/api/spaces/{slug}', '/api/meetings/upcoming']) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
    expect(spec.paths['/api/auth/signin'].post.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
  });

  it('refuses malformed JSON and oversized bodies with a message, never a stack', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signin',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().message).toMatch(/JSON/);
    expect(malformed.body).not.toMatch(/at .*\.(ts|js):\d+/);
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signin',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@example.fi', password: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
  });

  it('hides the details of a server error', async () => {
    // Break the database under the app: the next query that needs a table fails as a bug would.
    await t.app.db.sql`alter table spaces rename to spaces_moved`;
    try {
      const response = await t.app.inject({ method: 'GET', url: '/api/spaces' });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Something went wrong on the server',
        code: 'server_error',
      });
    } finally {
      await t.app.db.sql`alter table spaces_moved rename to spaces`;
    }
  });

  it('sends security headers with a strict content security policy', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/spaces' });
    const csp = response.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves over a real port', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${address}/api/spaces`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ spaces: [] });
  });

  it('serves the built client but not its source maps', async () => {
    const clientDir = await mkdtemp(join(tmpdir(), 'aukio-client-'));
    await mkdir(join(clientDir, 'assets'));
    await writeFile(join(clientDir, 'index.html'), '<!doctype html><title>Aukio</title>');
    await writeFile(join(clientDir, 'assets', 'app.js'), 'console.log(1);');
    await writeFile(join(clientDir, 'assets', 'app.js.map'), '{"version":3,"sources":["../client/main.ts"]}');
    const served = await startTestApp({ clientDir });
    try {
      expect((await served.app.inject({ url: '/assets/app.js' })).statusCode).toBe(200);
      for (const url of ['/assets/app.js.map', '/assets/%61pp.js.map']) {
        const map = await served.app.inject({ url });
        expect(map.statusCode, url).toBe(404);
        expect(map.body).not.toContain('sources');
      }
      // A page address still gets the app shell.
      expect((await served.app.inject({ url: '/spaces/x', headers: { accept: 'text/html' } })).body).toContain('<title>Aukio</title>');
    } finally {
      await served.close();
      await rm(clientDir, { recursive: true, force: true });
    }
  });
});
