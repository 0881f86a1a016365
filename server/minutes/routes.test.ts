import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
const meetings: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestApp({ demo: true });
  const rows = await t.app.db.sql<{ id: string; slug: string }[]>`select m.id, s.slug from meetings m join spaces s on s.id = m.space_id`;
  for (const row of rows) meetings[row.slug] = row.id;
});
afterAll(() => t.close());

const record = async (slug: string, who?: string) =>
  t.app.inject({
    method: 'GET',
    url: `/api/meetings/${meetings[slug]}/record`,
    headers: who ? { cookie: await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD) } : {},
  });

describe('GET /api/meetings/:id/record', () => {
  it('gives the meeting’s record to the people of its space only', async () => {
    const chair = await record('ymparistofoorumi', 'puheenjohtaja');
    expect(chair.statusCode).toBe(200);
    expect(chair.json().meeting.title.fi).toBe('Rantapuiston kunnostus');
    expect((await record('ymparistofoorumi')).statusCode).toBe(401);
    expect((await record('ymparistofoorumi', 'raati')).statusCode).toBe(403);
    expect((await record('asukasraati', 'asukas')).statusCode).toBe(404);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/meetings/00000000-0000-4000-8000-000000000000/record' });
    expect(unknown.statusCode).toBe(404);
  });
});
