import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ demo: true });
});
afterAll(() => t.close());

const get = (url: string, cookie?: string) => t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
const slugs = (body: { spaces: { slug: string }[] }) => body.spaces.map((s) => s.slug);

describe('spaces of the demo town', () => {
  it('shows the three forums, the publicly listed jury and the town hall to anyone, but not the private jury', async () => {
    const response = await get('/api/spaces');
    expect(response.statusCode).toBe(200);
    expect(slugs(response.json())).toEqual(['kulttuurifoorumi', 'liikuntafoorumi', 'ymparistofoorumi', 'kuntalaisraati', 'kuntalaisfoorumi']);
    expect(response.json().spaces[0].name).toEqual({ fi: 'Kulttuurifoorumi', sv: 'Kulturforum', en: 'Culture forum' });
  });

  it('answers 404, not 403, for the jury to an outsider, and shows it to a juror', async () => {
    expect((await get('/api/spaces/asukasraati')).statusCode).toBe(404);
    const resident = await signIn(t.app, 'asukas@pihlajalahti.example', DEMO_PASSWORD);
    const outsider = await get('/api/spaces/asukasraati', resident);
    expect(outsider.statusCode).toBe(404);
    expect(outsider.json().message).toBe('Space not found');
    expect(await get('/api/spaces/no-such-space', resident).then((r) => r.json())).toEqual(outsider.json());

    const juror = await signIn(t.app, 'raati@pihlajalahti.example', DEMO_PASSWORD);
    expect((await get('/api/spaces/asukasraati', juror)).json().space.kind).toBe('jury');
    expect(slugs((await get('/api/spaces', juror)).json())).toContain('asukasraati');
  });

  it('lists upcoming meetings in time order, the jury’s only to its people', async () => {
    const anonymous = (await get('/api/meetings/upcoming')).json().meetings as { spaceSlug: string; startsAt: string; mode: string }[];
    expect(anonymous.map((m) => m.spaceSlug)).toEqual(['ymparistofoorumi', 'kuntalaisfoorumi', 'kulttuurifoorumi', 'kuntalaisraati', 'liikuntafoorumi']);
    expect(anonymous.find((m) => m.spaceSlug === 'kuntalaisfoorumi')?.mode).toBe('broadcast');
    const juror = await signIn(t.app, 'raati@pihlajalahti.example', DEMO_PASSWORD);
    const forJuror = (await get('/api/meetings/upcoming', juror)).json().meetings as { spaceSlug: string }[];
    expect(forJuror.map((m) => m.spaceSlug)).toContain('asukasraati');
  });

  it('validates path and query parameters', async () => {
    const badSlug = await get('/api/spaces/Not%20A%20Slug');
    expect(badSlug.statusCode).toBe(400);
    expect(badSlug.json().message).toMatch(/params\/slug/);
    const badLimit = await get('/api/meetings/upcoming?limit=abc');
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().message).toMatch(/querystring\/limit/);
  });

  it('seeds the demo town only once', async () => {
    const { seedDemoTown } = await import('../../db/demo-town.ts');
    expect(await seedDemoTown(t.app.db.sql)).toBe(false);
    const [row] = await t.app.db.sql<{ count: number }[]>`select count(*)::int as count from spaces`;
    expect(row?.count).toBe(6);
  });
});
