import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
const cookies: Record<string, string> = {};
let juryDoc: string;
let listedJuryDoc: string;
let notesDoc: string;
let meetingId: string;

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  for (const who of ['raati', 'asukas', 'sihteeri', 'puheenjohtaja']) cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
  const [jury] = await t.app.db.sql<{ id: string }[]>`select id from spaces where slug = 'asukasraati'`;
  const [meeting] = await t.app.db.sql<{ id: string }[]>`
    select m.id from meetings m join spaces s on s.id = m.space_id where s.slug = 'kulttuurifoorumi' order by m.starts_at limit 1`;
  juryDoc = `space:${jury!.id}:recommendations`;
  const [listedJury] = await t.app.db.sql<{ id: string }[]>`select id from spaces where slug = 'kuntalaisraati'`;
  listedJuryDoc = `space:${listedJury!.id}:recommendations`;
  meetingId = meeting!.id;
  notesDoc = `meeting:${meetingId}:notes`;
  // A demo town and four password checks: slow on a busy machine.
}, 180_000);

afterAll(async () => {
  await t?.close();
});

const access = (docName: string, who?: string) =>
  t.app.inject({ method: 'GET', url: `/api/documents/${encodeURIComponent(docName)}/access`, headers: who ? { cookie: cookies[who]! } : {} });

describe('GET /api/documents/:docName/access', () => {
  it('tells a juror they write their jury’s recommendations', async () => {
    const response = await access(juryDoc, 'raati');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ access: 'write', locked: false });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('refuses others in a listed jury as the socket does: 403 for a resident, 401 without an account', async () => {
    expect((await access(listedJuryDoc, 'asukas')).json()).toMatchObject({ statusCode: 403, code: 'forbidden' });
    expect((await access(listedJuryDoc)).json()).toMatchObject({ statusCode: 401, code: 'sign_in_required' });
  });

  it('answers for a members-only jury, to whoever may not see it, exactly as for a document that does not exist', async () => {
    const missing = await access('space:00000000-0000-4000-8000-000000000000:recommendations', 'asukas');
    expect(missing.statusCode).toBe(404);
    for (const who of ['asukas', undefined]) {
      const response = await access(juryDoc, who);
      expect([who, response.statusCode, response.json()]).toEqual([who, 404, missing.json()]);
    }
    // Its secretary sees the jury, and is refused its recommendations as a juror-only document.
    expect((await access(juryDoc, 'sihteeri')).json()).toMatchObject({ statusCode: 403, code: 'forbidden' });
  });

  it('answers 404 for a name that is no document and for a meeting that does not exist', async () => {
    expect((await access('space:not-a-uuid:recommendations', 'raati')).statusCode).toBe(404);
    expect((await access('meeting:00000000-0000-4000-8000-000000000000:notes', 'raati')).json()).toMatchObject({ statusCode: 404, code: 'not_found' });
  });

  it('lets anyone read a public meeting’s notes, its members write them, and shows the chair’s lock', async () => {
    expect((await access(notesDoc)).json()).toEqual({ access: 'read', locked: false });
    expect((await access(notesDoc, 'asukas')).json()).toEqual({ access: 'read', locked: false });
    expect((await access(notesDoc, 'sihteeri')).json()).toEqual({ access: 'write', locked: false });
    const lock = await t.app.inject({
      method: 'PUT',
      url: `/api/meetings/${meetingId}/notes/read-only`,
      headers: { cookie: cookies['puheenjohtaja']! },
      payload: { readOnly: true },
    });
    expect(lock.statusCode).toBe(200);
    expect((await access(notesDoc, 'sihteeri')).json()).toEqual({ access: 'write', locked: true });
  });
});
