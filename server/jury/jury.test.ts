import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { connect, eventually, synced, type Client } from '../collab/test-helpers.ts';
import { currentDocument } from '../documents/current-content.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { readRecommendations, recommendationsDocumentName } from './recommendations.ts';

let t: TestApp;
let url: string;
let spaceId: string;
let docName: string;
const cookies: Record<string, string> = {};
const clients: Client[] = [];

// Each stock provider listens for the process's exit.
process.setMaxListeners(50);

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['raati', 'raati2', 'raati3', 'asukas', 'sihteeri', 'puheenjohtaja', 'yllapito']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
  }
  const [space] = await t.app.db.sql<{ id: string }[]>`select id from spaces where slug = 'asukasraati'`;
  spaceId = space!.id;
  docName = recommendationsDocumentName(spaceId);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t?.close();
});

function open(who: string): Client {
  const client = connect(url, docName, cookies[who]);
  clients.push(client);
  return client;
}

function request(method: 'GET' | 'PUT' | 'DELETE' | 'POST', path: string, who?: string, payload?: object): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url: path, headers: who ? { cookie: cookies[who]! } : {}, ...(payload ? { payload } : {}) });
}

/** A recommendation as the editor makes it: a map with an id, a plain title and two rich-text fragments. */
function addRecommendation(doc: Y.Doc, id: string, title: string, runs: { insert: string; attributes?: object }[], rationale: string): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    doc.getArray('recommendations').push([map]);
    map.set('id', id);
    const titleText = new Y.Text();
    map.set('title', titleText);
    titleText.insert(0, title);
    for (const [key, content] of [
      ['text', runs],
      ['rationale', [{ insert: rationale }]],
    ] as const) {
      const fragment = new Y.XmlFragment();
      map.set(key, fragment);
      const paragraph = new Y.XmlElement('paragraph');
      fragment.insert(0, [paragraph]);
      const text = new Y.XmlText();
      paragraph.insert(0, [text]);
      text.applyDelta([...content]);
    }
  });
}

/**
 * Replaces a map's value with a JSON value (Yjs's ContentJSON, which old clients wrote and any client
 * may send): unlike text, which travels as UTF-8, it can carry a lone surrogate to the server.
 */
function setJsonValue(doc: Y.Doc, map: Y.Map<unknown>, key: string, value: unknown): void {
  doc.transact((transaction) => {
    const left = map._map.get(key) ?? null;
    const id = Y.createID(doc.clientID, Y.getState(doc.store, doc.clientID));
    new Y.Item(id, left, left?.lastId ?? null, null, null, map, key, new Y.ContentJSON([value])).integrate(transaction, 0);
  });
}

const signOffsPath = '/api/spaces/asukasraati/recommendations/sign-offs';
const signOffPath = (id: string) => `/api/spaces/asukasraati/recommendations/${id}/sign-off`;

interface SignOffsReply {
  jurors: number;
  recommendations: {
    number: number;
    id: string;
    title: string;
    tally: Record<string, number>;
    signOffs: { juror: { displayName: string }; stance: string; comment: string | null }[];
    mine: { stance: string; comment: string | null } | null;
  }[];
}

async function signOffs(who: string): Promise<SignOffsReply> {
  const response = await request('GET', signOffsPath, who);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<SignOffsReply>();
}

describe('jury recommendations, sign-offs and the frozen statement', () => {
  let first: { id: string; version: number; url: string };
  let firstDetail: string;

  it('reads what two jurors wrote through the socket, live and as stored', async () => {
    const a = open('raati');
    const b = open('raati2');
    await Promise.all([synced(a), synced(b)]);
    addRecommendation(
      a.doc,
      'rec-pyoratiet1',
      'Lisää pyöräteitä <script>alert(1)</script>',
      [
        { insert: 'Rakennetaan ' },
        { insert: 'turvalliset', attributes: { bold: {} } },
        { insert: ' pyörätiet. <script>alert("x")</script> ' },
        { insert: 'lue', attributes: { link: { href: 'javascript:alert(2)' } } },
        { insert: ' ja ' },
        { insert: 'selvitys', attributes: { link: { href: 'https://pihlajalahti.example/selvitys' } } },
      ],
      'Onnettomuudet vähenevät.',
    );
    // The second juror writes once the first one's recommendation has reached them (two pushes at
    // once would be ordered by Yjs client ids).
    await eventually(() => b.doc.getArray('recommendations').length === 1, 10_000, 'the first recommendation to reach the second juror');
    addRecommendation(b.doc, 'rec-hiljainen2', 'Hiljaisempi keskusta', [{ insert: 'Ajonopeus 30 km/h.' }], 'Melu haittaa asukkaita.');
    await eventually(async () => (await signOffs('raati')).recommendations.length === 2, 10_000, 'both recommendations on the server');

    const reply = await signOffs('raati');
    expect(reply.jurors).toBe(3);
    expect(reply.recommendations.map((r) => [r.number, r.title])).toEqual([
      [1, 'Lisää pyöräteitä <script>alert(1)</script>'],
      [2, 'Hiljaisempi keskusta'],
    ]);

    // The live document and the stored one say the same.
    expect(t.app.documents.isLoaded(docName)).toBe(true);
    const stored = await currentDocument({ sql: t.app.db.sql }, docName, { spaceId, meetingId: null });
    const live = await currentDocument({ sql: t.app.db.sql, registry: t.app.documents }, docName, { spaceId, meetingId: null });
    expect(readRecommendations(stored)).toEqual(readRecommendations(live));
    expect(readRecommendations(stored).map((r) => r.id)).toEqual(['rec-pyoratiet1', 'rec-hiljainen2']);
  });

  it('lets each juror sign off, change and withdraw, and counts them', async () => {
    expect((await request('PUT', signOffPath('rec-pyoratiet1'), 'raati', { stance: 'agree' })).statusCode).toBe(204);
    expect((await request('PUT', signOffPath('rec-pyoratiet1'), 'raati2', { stance: 'can_live_with', comment: 'Kunhan talvikunnossapito hoidetaan.' })).statusCode).toBe(204);
    expect((await request('PUT', signOffPath('rec-pyoratiet1'), 'raati3', { stance: 'agree' })).statusCode).toBe(204);
    expect((await request('PUT', signOffPath('rec-pyoratiet1'), 'raati3', { stance: 'object', comment: 'Liian kallis.' })).statusCode).toBe(204);
    expect((await request('PUT', signOffPath('rec-hiljainen2'), 'raati', { stance: 'agree' })).statusCode).toBe(204);
    expect((await request('PUT', signOffPath('rec-hiljainen2'), 'raati2', { stance: 'object' })).statusCode).toBe(204);
    expect((await request('DELETE', signOffPath('rec-hiljainen2'), 'raati2')).statusCode).toBe(204);
    expect((await request('DELETE', signOffPath('rec-hiljainen2'), 'raati2')).statusCode).toBe(404);

    const reply = await signOffs('raati2');
    expect(reply.recommendations[0]!.tally).toEqual({ agree: 1, can_live_with: 1, object: 1 });
    expect(reply.recommendations[1]!.tally).toEqual({ agree: 1, can_live_with: 0, object: 0 });
    expect(reply.recommendations[0]!.mine).toEqual({ stance: 'can_live_with', comment: 'Kunhan talvikunnossapito hoidetaan.' });
    expect(reply.recommendations[1]!.mine).toBeNull();
    expect(reply.recommendations[0]!.signOffs).toContainEqual(
      expect.objectContaining({ juror: expect.objectContaining({ displayName: 'Ville Vastamäki' }), stance: 'object', comment: 'Liian kallis.' }),
    );
    // The chair reads them too.
    expect((await signOffs('puheenjohtaja')).recommendations[0]!.tally.object).toBe(1);
  });

  it('refuses sign-offs from anyone but a juror, and on a recommendation that does not exist', async () => {
    const cases: [string | undefined, 'GET' | 'PUT', string, number][] = [
      ['asukas', 'PUT', signOffPath('rec-pyoratiet1'), 404], // the members-only jury is invisible to a resident
      ['asukas', 'GET', signOffsPath, 404],
      [undefined, 'PUT', signOffPath('rec-pyoratiet1'), 404],
      ['sihteeri', 'PUT', signOffPath('rec-pyoratiet1'), 403],
      ['sihteeri', 'GET', signOffsPath, 403],
      ['puheenjohtaja', 'PUT', signOffPath('rec-pyoratiet1'), 403], // the chair does not sign off
      ['raati', 'PUT', signOffPath('no-such-rec'), 404],
    ];
    for (const [who, method, path, status] of cases) {
      const response = await request(method, path, who, method === 'PUT' ? { stance: 'agree' } : undefined);
      expect(response.statusCode, `${who} ${method} ${path}: ${response.body}`).toBe(status);
    }
    expect((await request('PUT', signOffPath('rec-pyoratiet1'), 'raati', { stance: 'maybe' })).statusCode).toBe(400);
  });

  it('freezes version 1 (chair only) with the tallies of that moment, and records it', async () => {
    expect((await request('POST', '/api/spaces/asukasraati/statements', 'raati', {})).statusCode).toBe(403);
    expect((await request('POST', '/api/spaces/asukasraati/statements', 'sihteeri', {})).statusCode).toBe(403);
    const response = await request('POST', '/api/spaces/asukasraati/statements', 'puheenjohtaja', { title: 'Raadin kannanotto <b>liikenteestä</b>' });
    expect(response.statusCode, response.body).toBe(201);
    first = response.json();
    expect(first.version).toBe(1);
    expect(response.headers.location).toBe(`/api/statements/${first.id}`);

    const detail = await request('GET', '/api/spaces/asukasraati/statements/1', 'raati');
    expect(detail.statusCode).toBe(200);
    firstDetail = detail.body;
    const body = detail.json<{ html: string; markdown: string; content: { recommendations: { number: number; title: string; tally: object }[] } }>();
    expect(body.content.recommendations.map((r) => [r.number, r.title, r.tally])).toEqual([
      [1, 'Lisää pyöräteitä <script>alert(1)</script>', { agree: 1, can_live_with: 1, object: 1 }],
      [2, 'Hiljaisempi keskusta', { agree: 1, can_live_with: 0, object: 0 }],
    ]);
    expect(body.html).not.toMatch(/<script/i);
    expect(body.html).toContain('<h1>Raadin kannanotto &#60;b&#62;liikenteestä&#60;/b&#62;</h1>');

    const audit = await t.app.db.sql<{ actorEmail: string; targetId: string; details: { version: number } }[]>`
      select u.email as "actorEmail", a.target_id as "targetId", a.details from audit_log a join users u on u.id = a.actor_id
      where a.action = 'statement.freeze' and a.space_id = ${spaceId}`;
    expect(audit).toEqual([{ actorEmail: 'puheenjohtaja@pihlajalahti.example', targetId: first.id, details: expect.objectContaining({ version: 1 }) }]);
  });

  it('keeps version 1 as it was through later edits and sign-offs; a second freeze is version 2', async () => {
    const a = open('raati');
    await synced(a);
    a.doc.transact(() => {
      const title = (a.doc.getArray('recommendations').get(0) as Y.Map<Y.Text>).get('title')!;
      title.delete(0, title.length);
      title.insert(0, 'Turvalliset pyörätiet');
    });
    await eventually(async () => (await signOffs('raati')).recommendations[0]!.title === 'Turvalliset pyörätiet', 10_000, 'the new title');
    expect((await request('PUT', signOffPath('rec-pyoratiet1'), 'raati3', { stance: 'agree' })).statusCode).toBe(204);

    expect((await request('GET', '/api/spaces/asukasraati/statements/1', 'raati')).body).toBe(firstDetail);
    // The table itself refuses a change.
    await expect(t.app.db.sql`update jury_statements set html = 'x' where id = ${first.id}`).rejects.toThrow(/immutable/);

    const second = await request('POST', '/api/spaces/asukasraati/statements', 'puheenjohtaja', {});
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json<{ version: number }>().version).toBe(2);
    const v2 = (await request('GET', '/api/spaces/asukasraati/statements/2', 'raati')).json<{ content: { recommendations: { title: string; tally: object }[] } }>();
    expect(v2.content.recommendations[0]).toMatchObject({ title: 'Turvalliset pyörätiet', tally: { agree: 2, can_live_with: 1, object: 0 } });
    const list = (await request('GET', '/api/spaces/asukasraati/statements', 'raati')).json<{ statements: { version: number }[] }>();
    expect(list.statements.map((s) => s.version)).toEqual([2, 1]);
    expect((await t.app.db.sql`select 1 from audit_log where action = 'statement.freeze' and space_id = ${spaceId}`).length).toBe(2);
  });

  it('publishes the statement at a permanent address anyone can read, in HTML, Markdown and JSON', async () => {
    // The members-only jury itself stays hidden from an anonymous visitor...
    expect((await request('GET', '/api/spaces/asukasraati/statements')).statusCode).toBe(404);
    expect((await request('GET', '/api/spaces/asukasraati/statements/1')).statusCode).toBe(404);

    // ...its statement does not.
    const record = await request('GET', first.url);
    expect(record.statusCode).toBe(200);
    expect(record.json()).toEqual(JSON.parse(firstDetail));
    expect(record.headers['cache-control']).toContain('immutable');

    const html = await request('GET', `${first.url}.html`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toMatch(/^<!doctype html>/);
    expect(html.body).not.toMatch(/<script/i);
    expect(html.body).not.toMatch(/href="javascript/i);
    expect(html.body).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html.body).toContain('<a href="https://pihlajalahti.example/selvitys" rel="nofollow ugc noopener">selvitys</a>');
    expect(html.body).toContain('Lisää pyöräteitä &#60;script&#62;');
    expect(html.body).toContain('<strong>turvalliset</strong>');

    const md = await request('GET', `${first.url}.md`);
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.body).toContain('## 1\\. Lisää pyöräteitä \\<script\\>alert\\(1\\)\\</script\\>');
    expect(md.body).toContain('[selvitys](<https://pihlajalahti.example/selvitys>)');
    expect(md.body).toContain('Samaa mieltä: 1 · Voi hyväksyä: 1 · Vastaan: 1');
    expect((await request('GET', `${first.url}?format=md`)).body).toBe(md.body);

    const json = await request('GET', `${first.url}.json`);
    const content = json.json<{ format: string; version: number; space: { slug: string }; recommendations: { text: { json: unknown } }[] }>();
    expect(content).toMatchObject({ format: 'aukio.jury-statement/1', version: 1, space: { slug: 'asukasraati' } });
    expect(content.recommendations[0]!.text.json).toMatchObject({ type: 'doc' });
    // Individual stances are the jury's own: only tallies are published.
    expect(json.body).not.toContain('Liian kallis');
    expect(html.body + md.body).not.toContain('Vastamäki');

    const listing = await request('GET', '/api/statements?space=asukasraati');
    expect(listing.statusCode).toBe(200);
    expect(listing.json()).toEqual({
      space: { slug: 'asukasraati', name: expect.objectContaining({ fi: 'Asukasraati: keskustan liikenne' }) },
      statements: [expect.objectContaining({ version: 2 }), expect.objectContaining({ version: 1, url: first.url })],
    });
    // A hidden jury with nothing published stays hidden; a missing statement is missing.
    expect((await request('GET', '/api/statements?space=no-such-space')).statusCode).toBe(404);
    expect((await request('GET', '/api/statements/00000000-0000-4000-8000-000000000000.md')).statusCode).toBe(404);
    expect((await request('GET', '/api/statements/not-a-uuid')).statusCode).toBe(404);
  });

  it('freezes a statement whatever a juror typed: NUL, control characters and a lone surrogate are left out', async () => {
    const a = open('raati');
    await synced(a);
    addRecommendation(a.doc, 'rec-nul3', 'Näkymätön\u0000 merkki', [{ insert: 'Teksti\u0000 jossa\u0007 ohjausmerkki.' }], 'Perustelu\u0000.');
    addRecommendation(a.doc, 'rec-puolikas4', 'Väliaikainen', [{ insert: 'Teksti.' }], 'Perustelu.');
    const recommendations = a.doc.getArray<Y.Map<unknown>>('recommendations');
    setJsonValue(a.doc, recommendations.get(recommendations.length - 1), 'title', 'Puolikas \uD800 merkki');
    await eventually(async () => (await signOffs('raati')).recommendations.some((r) => r.title.startsWith('Puolikas')), 10_000, 'both recommendations on the server');

    const response = await request('POST', '/api/spaces/asukasraati/statements', 'puheenjohtaja', {});
    expect(response.statusCode, response.body).toBe(201);
    const { url: address } = response.json<{ url: string }>();
    const record = (await request('GET', address)).json<{ content: { recommendations: { title: string }[] } }>();
    expect(record.content.recommendations.slice(-2).map((r) => r.title)).toEqual(['Näkymätön merkki', 'Puolikas \uFFFD merkki']);
    expect((await request('GET', `${address}.md`)).body).toContain('Teksti jossa ohjausmerkki.');
    for (const suffix of ['', '.html', '.md', '.json']) expect((await request('GET', `${address}${suffix}`)).body).not.toMatch(/\u0000|\\u0000|\u0007|\\u0007|\\ud800/i);
  });
});

describe('the chair is kept apart from the jurors', () => {
  const appoint = (who: string, email: string, role: string) => request('POST', '/api/spaces/asukasraati/people', who, { email: `${email}@pihlajalahti.example`, role });
  const rolesOf = async (email: string) =>
    (
      await t.app.db.sql<{ role: string }[]>`
        select r.role from space_roles r join users u on u.id = r.user_id
        where r.space_id = ${spaceId} and u.email = ${`${email}@pihlajalahti.example`} order by r.role`
    ).map((r) => r.role);

  it('refuses the chair appointing themself a juror, and records the appointment of someone else', async () => {
    const self = await appoint('puheenjohtaja', 'puheenjohtaja', 'juror');
    expect(self.statusCode, self.body).toBe(403);
    expect(self.json().code).toBe('separated_roles');
    expect(await rolesOf('puheenjohtaja')).toEqual(['chair']);

    expect((await appoint('puheenjohtaja', 'asukas', 'juror')).statusCode).toBe(204);
    const [grant] = await t.app.db.sql<{ actorEmail: string; details: { role: string } }[]>`
      select u.email as "actorEmail", a.details from audit_log a join users u on u.id = a.actor_id
      where a.action = 'role.grant' and a.space_id = ${spaceId} order by a.id desc limit 1`;
    expect(grant).toEqual({ actorEmail: 'puheenjohtaja@pihlajalahti.example', details: { role: 'juror' } });
    await t.app.db.sql`delete from space_roles where space_id = ${spaceId} and role = 'juror'
                       and user_id = (select id from users where email = 'asukas@pihlajalahti.example')`;
  });

  it('refuses a chair’s sign-off whatever roles they hold, and does not count them as a juror', async () => {
    const before = await signOffs('raati');
    // Another person (the site admin) may appoint the chair; the table still keeps the duties apart.
    expect((await appoint('yllapito', 'puheenjohtaja', 'juror')).statusCode).toBe(204);
    expect(await rolesOf('puheenjohtaja')).toEqual(['chair', 'juror']);
    try {
      const signOff = await request('PUT', signOffPath('rec-pyoratiet1'), 'puheenjohtaja', { stance: 'object' });
      expect(signOff.statusCode, signOff.body).toBe(403);
      // A sign-off stored before they became chair (as a juror then) no longer counts either.
      const [chair] = await t.app.db.sql<{ id: string }[]>`select id from users where email = 'puheenjohtaja@pihlajalahti.example'`;
      await t.app.db.sql`insert into recommendation_sign_offs (space_id, recommendation_id, user_id, stance) values (${spaceId}, 'rec-pyoratiet1', ${chair!.id}, 'object')`;
      const after = await signOffs('raati');
      expect(after.jurors).toBe(before.jurors);
      expect(after.recommendations[0]!.tally).toEqual(before.recommendations[0]!.tally);
      const space = (await request('GET', '/api/spaces/asukasraati', 'puheenjohtaja')).json<{ space: { permissions: { signOff: boolean; freezeStatement: boolean } } }>();
      expect(space.space.permissions).toMatchObject({ signOff: false, freezeStatement: true });
    } finally {
      await t.app.db.sql`delete from recommendation_sign_offs where space_id = ${spaceId} and user_id = (select id from users where email = 'puheenjohtaja@pihlajalahti.example')`;
      await t.app.db.sql`delete from space_roles where space_id = ${spaceId} and role = 'juror'
                         and user_id = (select id from users where email = 'puheenjohtaja@pihlajalahti.example')`;
    }
  });
});

describe('a statement’s published titles', () => {
  it('drop direction overrides and isolates, which would reorder the version, date and tallies after them', async () => {
    const frozen = await request('POST', '/api/spaces/asukasraati/statements', 'puheenjohtaja', { title: 'Kannanotto \u202Eäksiv\u202C \u2066x\u2069' });
    expect(frozen.statusCode, frozen.body).toBe(201);
    const { id } = frozen.json<{ id: string }>();
    const detail = (await request('GET', `/api/statements/${id}`)).json<{ title: string; html: string; markdown: string }>();
    expect(detail.title).toBe('Kannanotto äksiv x');
    expect(detail.html + detail.markdown).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });
});
