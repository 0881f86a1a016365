import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
let resident: string;
let juror: string;
beforeAll(async () => {
  t = await startTestApp({ demo: true });
  resident = await signIn(t.app, 'asukas@pihlajalahti.example', DEMO_PASSWORD);
  juror = await signIn(t.app, 'raati@pihlajalahti.example', DEMO_PASSWORD);
  const post = (cookie: string, slug: string, title: string, body: string) =>
    t.app.inject({ method: 'POST', url: `/api/spaces/${slug}/threads`, headers: { cookie }, payload: { title, body } });
  await post(resident, 'ymparistofoorumi', 'Koirapuisto Keltamäkeen', 'Koirapuistoja tarvitaan lisää, ja roskakoreja puistoihin.');
  await post(resident, 'ymparistofoorumi', 'Skatepark', 'Skateboarding ramps for the young people near the library.');
  await post(resident, 'ymparistofoorumi', 'Cykelvägar', 'Vi behöver säkrare cykelvägar till skolorna.');
  await post(juror, 'asukasraati', 'Raadin sisäinen: pysäköinti', 'Pysäköintimaksut keskustassa ovat raadin asialista.');
});
afterAll(() => t.close());

const search = async (q: string, cookie?: string, lang = 'fi') => {
  const response = await t.app.inject({ method: 'GET', url: `/api/search?q=${encodeURIComponent(q)}&lang=${lang}`, headers: cookie ? { cookie } : {} });
  expect(response.statusCode).toBe(200);
  return response.json().results as { type: string; title: string; url: string; snippet: string }[];
};

describe('search', () => {
  it('finds Finnish words in their inflected forms', async () => {
    // "koirapuisto" finds "Koirapuistoja" (partitive plural) through Finnish stemming.
    const results = await search('koirapuisto');
    expect(results.map((r) => r.type)).toContain('post');
    expect(results.find((r) => r.type === 'post')?.snippet).toMatch(/Koirapuistoja/);
  });

  it('finds Swedish and English text with their own stemming', async () => {
    expect((await search('cykelväg')).map((r) => r.title)).toContain('Cykelvägar');
    expect((await search('ramp')).map((r) => r.title)).toContain('Skatepark');
  });

  it('finds spaces and meetings by their names in the reader’s language', async () => {
    expect((await search('miljöforum', undefined, 'sv')).some((r) => r.type === 'space' && r.title === 'Miljöforum')).toBe(true);
    const meeting = (await search('talousarvio')).find((r) => r.type === 'meeting');
    expect(meeting?.url).toMatch(/^\/meetings\/[0-9a-f-]{36}$/);
  });

  it('finds a meeting written in Finnish only, in every language, with the Finnish title', async () => {
    const chair = await signIn(t.app, 'puheenjohtaja@pihlajalahti.example', DEMO_PASSWORD);
    const startsAt = new Date(Date.now() + 86_400_000);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/spaces/ymparistofoorumi/meetings',
      headers: { cookie: chair },
      payload: { title: { fi: 'Kielokujan kevätsiivous' }, description: { fi: 'Haravat jaetaan kujan päässä.' }, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), mode: 'meeting', place: 'online' },
    });
    expect(created.statusCode).toBe(201);
    for (const lang of ['fi', 'sv', 'en']) {
      expect((await search('haravat', undefined, lang)).filter((r) => r.type === 'meeting').map((r) => r.title)).toEqual(['Kielokujan kevätsiivous']);
    }
  });

  it('never shows what the reader may not see', async () => {
    expect(await search('pysäköintimaksu', resident)).toEqual([]);
    expect(await search('pysäköintimaksu')).toEqual([]);
    expect((await search('pysäköintimaksu', juror)).length).toBeGreaterThan(0);
  });

  it('treats search syntax in the query as text, not as an error', async () => {
    for (const q of ["'", '"unclosed', '!!! & | :*', 'or or or', '<script>']) {
      await search(q);
    }
  });
});
