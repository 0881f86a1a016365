import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { connect, eventually, idsOf, synced, type Client } from '../collab/test-helpers.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { MINUTES_META, minutesDocumentName } from './draft.ts';
import { appendParagraph, deleteBlocks, draftText, heldMeeting, holdMeeting, storedDraftText } from './test-helpers.ts';

let t: TestApp;
let url: string;
const cookies: Record<string, string> = {};
const names: Record<string, string> = {};
let forum: { spaceId: string; meetingId: string };
const clients: Client[] = [];

// Each stock provider listens for the process's exit.
process.setMaxListeners(50);

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['sihteeri', 'puheenjohtaja', 'asukas', 'moderaattori', 'raati']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
    names[who] = (await t.app.inject({ url: '/api/auth/me', headers: { cookie: cookies[who]! } })).json().user.displayName;
  }
  forum = await idsOf(t.app.db.sql, 'ymparistofoorumi');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t?.close();
});

function editor(meetingId: string, who: string): Client {
  const client = connect(url, minutesDocumentName(meetingId), cookies[who]);
  clients.push(client);
  return client;
}

const as = (who: string | undefined) => (who ? { cookie: cookies[who]! } : {});
const status = async (meetingId: string, who?: string) => t.app.inject({ url: `/api/meetings/${meetingId}/minutes`, headers: as(who) });
const move = (meetingId: string, action: string, who?: string, payload?: object) =>
  t.app.inject({ method: 'POST', url: `/api/meetings/${meetingId}/minutes/${action}`, headers: as(who), ...(payload ? { payload } : {}) });
const transition = (meetingId: string, action: 'start' | 'end', who = 'puheenjohtaja') =>
  t.app.inject({ method: 'POST', url: `/api/meetings/${meetingId}/${action}`, headers: as(who) });
const get = (path: string, who?: string) => t.app.inject({ url: path, headers: as(who) });
const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

function expectOk(response: LightMyRequestResponse, status = 200) {
  expect(response.statusCode, response.body).toBe(status);
  return response.json();
}

describe('the minutes draft', () => {
  it('holds the meeting’s details and agenda as soon as it starts, shown live to an open editor', async () => {
    const secretary = editor(forum.meetingId, 'sihteeri');
    await synced(secretary);
    appendParagraph(secretary.doc, 'Sihteerin ennakkomuistiinpano.');
    await eventually(async () => (await storedDraftText(t.app.db.sql, forum.meetingId)).includes('ennakkomuistiinpano'));

    expectOk(await transition(forum.meetingId, 'start'));
    // Stored before the answer to "start" came back.
    const stored = await storedDraftText(t.app.db.sql, forum.meetingId);
    expect(stored).toMatch(/^## Kokouksen tiedot\n\n- \*\*Kokous:\*\* Rantapuiston kunnostus\n/);
    expect(stored).toContain('**Paikka:** Kaupungintalo, valtuustosali, Torikatu 1, Pihlajalahti sekä etäyhteydellä');
    expect(stored).toMatch(/## Esityslista\n\n1\. \S/);
    // What the secretary wrote before the meeting stays, below the details.
    expect(stored.indexOf('ennakkomuistiinpano')).toBeGreaterThan(stored.indexOf('## Esityslista'));
    expect(stored).not.toContain('## Läsnä');

    await eventually(() => draftText(secretary.doc) === stored, 10_000, 'the editor to see the details');
    expect(secretary.doc.getMap(MINUTES_META).get('details')).toEqual(expect.any(String));
  });

  it('adds the record when the meeting ends: attendance, speakers, the poll with hall and remote counts, decisions, questions', async () => {
    const room = await holdMeeting(url, forum.meetingId, { chair: cookies.puheenjohtaja!, hall: cookies.asukas!, remote: cookies.moderaattori! });
    await room.close();
    expectOk(await transition(forum.meetingId, 'end'));

    const stored = await storedDraftText(t.app.db.sql, forum.meetingId);
    const section = (heading: string) => stored.slice(stored.indexOf(`## ${heading}`)).split(/\n## /)[0]!;
    expect(section('Läsnä')).toMatch(new RegExp(`### Paikan päällä \\(1\\)\\n\\n- ${names.asukas}, klo \\d\\d\\.\\d\\d–\\d\\d\\.\\d\\d`));
    expect(section('Läsnä')).toContain('### Etäyhteydellä (2)');
    expect(section('Läsnä')).toContain(`- ${names.puheenjohtaja}, klo`);
    expect(section('Läsnä')).toContain(`- ${names.moderaattori}, klo`);
    expect(section('Puheenvuorot')).toMatch(new RegExp(`- ${names.asukas}, klo \\d\\d\\.\\d\\d, \\d+ s`));
    expect(section('Puheenvuorot')).toContain(`**${names.asukas}:** 1 puheenvuoro`);
    expect(section('Äänestykset')).toContain(`### ${heldMeeting.poll}`);
    expect(section('Äänestykset')).toContain('- **Kyllä:** 8 (salissa 7, etänä 1)\n- **Ei:** 3 (salissa 3, etänä 0)');
    expect(section('Äänestykset')).toContain('Etänä äänesti 1 henkilö.');
    expect(section('Päätökset')).toContain(`- ${heldMeeting.decision}`);
    expect(section('Kysymykset')).toContain(`### Vastattu kokouksessa\n\n- ”${heldMeeting.liveQuestion}” – ${names.asukas} (0 kannatusta)`);
    expect(section('Kysymykset')).toContain(`### Vastataan kirjallisesti\n\n- ”${heldMeeting.writtenQuestion}” – ${names.moderaattori} (0 kannatusta)`);

    const secretary = clients[0]!;
    await eventually(() => draftText(secretary.doc) === stored, 10_000, 'the editor to see the record');
  });

  it('is filled once: never again on opening, nor after the secretary deleted a section', async () => {
    const secretary = clients[0]!;
    expect(deleteBlocks(secretary.doc, 'Päätöksiä')).toBe(0);
    // The secretary removes the decisions' heading and list and writes their own.
    const before = draftText(secretary.doc);
    const removed = deleteBlocks(secretary.doc, 'Päätökset') + deleteBlocks(secretary.doc, heldMeeting.decision);
    expect(removed).toBe(2);
    appendParagraph(secretary.doc, 'Kokous päätti kunnostaa rantapuiston laiturit.');
    await eventually(async () => (await storedDraftText(t.app.db.sql, forum.meetingId)).includes('laiturit'));

    await Promise.all([status(forum.meetingId, 'sihteeri'), status(forum.meetingId, 'puheenjohtaja'), status(forum.meetingId, 'asukas')]);
    const after = await storedDraftText(t.app.db.sql, forum.meetingId);
    expect(occurrences(after, '## Kokouksen tiedot')).toBe(1);
    expect(occurrences(after, '## Läsnä')).toBe(1);
    expect(after).not.toContain('## Päätökset');
    expect(after).not.toContain(heldMeeting.decision);
    expect(occurrences(before, '## Läsnä')).toBe(1);
  });

  it('fills both parts at once, once, when the draft of an ended meeting is first opened by several at the same time', async () => {
    const other = await idsOf(t.app.db.sql, 'kulttuurifoorumi');
    await t.app.db.sql`update meetings set state = 'ended' where id = ${other.meetingId}`;
    const answers = await Promise.all([status(other.meetingId, 'sihteeri'), status(other.meetingId, 'sihteeri'), status(other.meetingId, 'puheenjohtaja')]);
    for (const answer of answers) expectOk(answer);
    const stored = await storedDraftText(t.app.db.sql, other.meetingId);
    expect(occurrences(stored, '## Kokouksen tiedot')).toBe(1);
    expect(occurrences(stored, '## Läsnä')).toBe(1);
    expect(stored).toContain('Puheenvuoroja ei pidetty.');
    expect(stored).toContain('Äänestyksiä ei järjestetty.');
  });

  it('is not filled for a meeting that has not started', async () => {
    const upcoming = await idsOf(t.app.db.sql, 'liikuntafoorumi');
    expectOk(await status(upcoming.meetingId, 'sihteeri'));
    expect(await storedDraftText(t.app.db.sql, upcoming.meetingId)).toBe('');
  });
});

describe('the minutes workflow', () => {
  it('shows each person where the minutes stand and what they may do', async () => {
    const anonymous = expectOk(await status(forum.meetingId));
    expect(anonymous).toMatchObject({ state: 'draft', draft: null, comment: null, versions: [], can: { submit: false, return: false, approve: false, publish: false } });
    const member = expectOk(await status(forum.meetingId, 'asukas'));
    expect(member.draft).toEqual({ documentName: minutesDocumentName(forum.meetingId), fragment: 'minutes', writable: false });
    const secretary = expectOk(await status(forum.meetingId, 'sihteeri'));
    expect(secretary.draft.writable).toBe(true);
    expect(secretary.can).toEqual({ submit: true, return: false, approve: false, publish: false });
    expect((await status('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('refuses moves to the wrong people (401, 403, 404) and in the wrong state (409), with a clear message', async () => {
    expect((await move(forum.meetingId, 'submit')).statusCode).toBe(401);
    for (const who of ['asukas', 'moderaattori', 'raati']) {
      const refused = await move(forum.meetingId, 'submit', who);
      expect([who, refused.statusCode, refused.json().code]).toEqual([who, 403, 'forbidden']);
    }
    expect((await move(forum.meetingId, 'approve', 'sihteeri')).json()).toMatchObject({ statusCode: 403, message: 'Only the chair can approve the minutes' });
    const early = await move(forum.meetingId, 'approve', 'puheenjohtaja');
    expect(early.json()).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'minutes_state',
      message: 'Minutes that are a draft cannot be approved; only minutes that are in review can',
    });
    expect((await move(forum.meetingId, 'publish', 'sihteeri')).json()).toMatchObject({ statusCode: 409, code: 'minutes_state' });
    // The jury's minutes are not even there for people outside it.
    const jury = await idsOf(t.app.db.sql, 'asukasraati');
    expect((await move(jury.meetingId, 'submit', 'asukas')).statusCode).toBe(404);
    const upcoming = await idsOf(t.app.db.sql, 'liikuntafoorumi');
    expect((await move(upcoming.meetingId, 'submit', 'sihteeri')).json()).toMatchObject({
      statusCode: 409,
      code: 'meeting_not_ended',
      message: 'The minutes can be submitted once the meeting has ended',
    });
  });

  it('goes draft → in review → back with the chair’s comment → in review → approved → published', async () => {
    const submitted = expectOk(await move(forum.meetingId, 'submit', 'sihteeri'));
    expect(submitted).toMatchObject({ state: 'in_review', changedBy: names.sihteeri, can: { submit: false, approve: false } });
    expect(expectOk(await status(forum.meetingId, 'puheenjohtaja')).can).toEqual({ submit: false, return: true, approve: true, publish: false });
    expect((await move(forum.meetingId, 'submit', 'sihteeri')).json().code).toBe('minutes_state');

    expect((await move(forum.meetingId, 'return', 'puheenjohtaja', { comment: '   ' })).statusCode).toBe(400);
    expect((await move(forum.meetingId, 'return', 'puheenjohtaja', {})).statusCode).toBe(400);
    const returned = expectOk(await move(forum.meetingId, 'return', 'puheenjohtaja', { comment: 'Lisää läsnäolijoiden roolit.' }));
    expect(returned).toMatchObject({ state: 'draft', comment: 'Lisää läsnäolijoiden roolit.' });
    expect(expectOk(await status(forum.meetingId)).comment).toBeNull();

    expectOk(await move(forum.meetingId, 'submit', 'puheenjohtaja'));
    expect(expectOk(await status(forum.meetingId, 'sihteeri')).comment).toBeNull();
    // Edits after submitting go into the draft, not into what the chair is approving.
    const secretary = clients[0]!;
    appendParagraph(secretary.doc, 'Lisätty tarkastuksen aikana.');
    await eventually(async () => (await storedDraftText(t.app.db.sql, forum.meetingId)).includes('tarkastuksen aikana'));

    expectOk(await move(forum.meetingId, 'approve', 'puheenjohtaja'));
    expect((await move(forum.meetingId, 'publish', 'asukas')).statusCode).toBe(403);
    const published = expectOk(await move(forum.meetingId, 'publish', 'sihteeri'));
    expect(published.state).toBe('published');
    expect(published.versions).toEqual([
      { version: 1, title: 'Pöytäkirja: Rantapuiston kunnostus', publishedAt: expect.any(String), publishedBy: names.sihteeri, url: `/api/minutes/${forum.meetingId}/versions/1` },
    ]);
    const markdown = (await get(`/api/minutes/${forum.meetingId}/versions/1.md`)).body;
    expect(markdown).toContain('laiturit');
    expect(markdown).not.toContain('tarkastuksen aikana');
  });

  it('refuses to submit a correction that changes nothing', async () => {
    const secretary = clients[0]!;
    deleteBlocks(secretary.doc, 'tarkastuksen aikana');
    await eventually(async () => !(await storedDraftText(t.app.db.sql, forum.meetingId)).includes('tarkastuksen aikana'));
    expect((await move(forum.meetingId, 'submit', 'sihteeri')).json()).toMatchObject({
      statusCode: 409,
      code: 'minutes_unchanged',
      message: 'Nothing has changed since version 1 was published',
    });
  });

  it('publishes a correction as version 2 and leaves version 1 as it was', async () => {
    const version1 = await Promise.all(['', '.html', '.md', '.json'].map(async (suffix) => (await get(`/api/minutes/${forum.meetingId}/versions/1${suffix}`)).body));
    const secretary = clients[0]!;
    appendParagraph(secretary.doc, 'Oikaisu: laiturit kunnostetaan kesällä 2027.');
    await eventually(async () => (await storedDraftText(t.app.db.sql, forum.meetingId)).includes('Oikaisu'));
    expectOk(await move(forum.meetingId, 'submit', 'sihteeri'));
    expectOk(await move(forum.meetingId, 'approve', 'puheenjohtaja'));
    const published = expectOk(await move(forum.meetingId, 'publish', 'puheenjohtaja'));
    expect(published.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await get(`/api/minutes/${forum.meetingId}/versions/2.md`)).body).toContain('Oikaisu: laiturit kunnostetaan kesällä 2027.');

    const again = await Promise.all(['', '.html', '.md', '.json'].map(async (suffix) => (await get(`/api/minutes/${forum.meetingId}/versions/1${suffix}`)).body));
    expect(again).toEqual(version1);
    expect(version1[2]).not.toContain('Oikaisu');
    // The database refuses to change or remove a published version.
    await expect(t.app.db.sql`update minutes_versions set markdown = 'x' where meeting_id = ${forum.meetingId} and version = 1`).rejects.toThrow(/immutable/);
    await expect(t.app.db.sql`delete from minutes_versions where meeting_id = ${forum.meetingId}`).rejects.toThrow(/permanent/);
  });

  it('writes every move to the audit log, with the chair’s comment as the reason', async () => {
    const rows = await t.app.db.sql<{ action: string; actorId: string; reason: string | null; details: Record<string, unknown> }[]>`
      select action, actor_id as "actorId", reason, details from audit_log
      where target_type = 'meeting' and target_id = ${forum.meetingId} and action like 'minutes.%' order by id`;
    expect(rows.map((r) => [r.action, r.details.from, r.details.to])).toEqual([
      ['minutes.submit', 'draft', 'in_review'],
      ['minutes.return', 'in_review', 'draft'],
      ['minutes.submit', 'draft', 'in_review'],
      ['minutes.approve', 'in_review', 'approved'],
      ['minutes.publish', 'approved', 'published'],
      ['minutes.submit', 'published', 'in_review'],
      ['minutes.approve', 'in_review', 'approved'],
      ['minutes.publish', 'approved', 'published'],
    ]);
    expect(rows[1]!.reason).toBe('Lisää läsnäolijoiden roolit.');
    expect(rows.map((r) => r.details.version ?? null)).toEqual([null, null, null, null, 1, null, null, 2]);
    const audit = expectOk(await get('/api/spaces/ymparistofoorumi/audit?action=minutes.publish', 'puheenjohtaja'));
    expect(audit.entries.map((e: { actor: { displayName: string } }) => e.actor.displayName)).toEqual([names.puheenjohtaja, names.sihteeri]);
  });
});

describe('published minutes', () => {
  it('are an accessible page, Markdown and open-data JSON at a permanent address, for anyone', async () => {
    const base = `/api/minutes/${forum.meetingId}/versions/1`;
    const page = await get(`${base}.html`);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toContain('immutable');
    expect(page.body).toMatch(/^<!doctype html>\n<html lang="fi">\n<head><meta charset="utf-8">/);
    expect(page.body).toContain('<title>Pöytäkirja: Rantapuiston kunnostus (versio 1)</title>');
    expect(page.body).toContain('<main>\n<article class="minutes">\n<header><h1>Pöytäkirja: Rantapuiston kunnostus</h1>');
    expect(page.body).toContain(`julkaisija ${names.sihteeri} · hyväksyjä ${names.puheenjohtaja}`);
    expect(page.body).toContain('<h2>Läsnä</h2>');
    expect(page.body).toContain('<h3>Paikan päällä (1)</h3>');
    expect(page.body).not.toMatch(/<script|style=/);
    // In Swedish the page's own words are Swedish; the minutes keep the language they were written in.
    const swedish = await get(`${base}.html?lang=sv`);
    expect(swedish.body).toMatch(/^<!doctype html>\n<html lang="sv">/);
    expect(swedish.body).toContain('<title>Pöytäkirja: Rantapuiston kunnostus (version 1)</title>');
    expect(swedish.body).toContain('<main lang="fi">\n<article class="minutes">');
    expect(swedish.body).toContain('<nav aria-label="Andra format">');
    expect(swedish.body).toContain('>JSON (öppna data)</a>');
    expect(swedish.body).toContain('>Alla versioner och ändringar</a>');
    expect((await get(`${base}.html?lang=de`)).statusCode).toBe(400);

    const markdown = await get(`${base}.md`);
    expect(markdown.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(markdown.body).toMatch(/^# Pöytäkirja: Rantapuiston kunnostus\n\nYmpäristöfoorumi · versio 1 · julkaistu /);
    expect(markdown.body).toContain('## Äänestykset');

    const json = expectOk(await get(`${base}.json`));
    expect(json).toMatchObject({
      format: 'aukio.minutes/1',
      language: 'fi',
      version: 1,
      title: 'Pöytäkirja: Rantapuiston kunnostus',
      meeting: { id: forum.meetingId, title: { fi: 'Rantapuiston kunnostus' }, space: { slug: 'ymparistofoorumi' }, place: 'hybrid' },
      publishedBy: names.sihteeri,
      approvedBy: names.puheenjohtaja,
      body: { type: 'doc' },
    });
    expect(json.body.content[0]).toEqual({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Kokouksen tiedot' }] });

    const record = expectOk(await get(base));
    expect(record).toMatchObject({ version: 1, meetingId: forum.meetingId, markdown: markdown.body, content: json });
    expect(record.html).toMatch(/^<article class="minutes">/);
    expect(expectOk(await get(`/api/minutes/${forum.meetingId}/versions`)).versions).toHaveLength(2);

    expect((await get(`/api/minutes/${forum.meetingId}/versions/3`)).statusCode).toBe(404);
    expect((await get(`/api/minutes/${forum.meetingId}/versions/1.pdf`)).statusCode).toBe(400);
    expect((await get(`/api/minutes/${forum.meetingId}/versions/0`)).statusCode).toBe(400);
  });

  it('show what changed between any two versions, line by line and word by word', async () => {
    const diff = expectOk(await get(`/api/minutes/${forum.meetingId}/diff?from=1&to=2`));
    expect(diff.from).toBe(1);
    expect(diff.lines.filter((l: { kind: string }) => l.kind !== 'same')).toEqual([{ kind: 'added', text: 'Oikaisu: laiturit kunnostetaan kesällä 2027.' }]);
    expect(diff.summary).toEqual({ added: 1, removed: 0, changed: 0 });
    expect(diff.lines[0]).toEqual({ kind: 'same', text: '## Kokouksen tiedot' });
    const backwards = expectOk(await get(`/api/minutes/${forum.meetingId}/diff?from=2&to=1`));
    expect(backwards.summary).toEqual({ added: 0, removed: 1, changed: 0 });
    expect((await get(`/api/minutes/${forum.meetingId}/diff?from=1&to=3`)).statusCode).toBe(404);
    expect((await get(`/api/minutes/${forum.meetingId}/diff?from=a&to=2`)).statusCode).toBe(400);
  });

  it('are found by search in Finnish, the latest version once', async () => {
    const search = async (q: string, who?: string) => expectOk(await get(`/api/search?q=${encodeURIComponent(q)}&lang=fi`, who)).results as { type: string; url: string; title: string }[];
    const hits = (await search('laituri')).filter((r) => r.type === 'minutes');
    expect(hits).toEqual([expect.objectContaining({ url: `/meetings/${forum.meetingId}/minutes`, title: 'Pöytäkirja: Rantapuiston kunnostus' })]);
    // "kesällä" is found by its base form through Finnish stemming; only version 2 says it.
    expect((await search('kesä')).filter((r) => r.type === 'minutes')).toHaveLength(1);
  });

  it('of a members-only space are for its people only', async () => {
    const jury = await idsOf(t.app.db.sql, 'asukasraati');
    const juryCookie = await signIn(t.app, 'raati@pihlajalahti.example', DEMO_PASSWORD);
    expectOk(await transition(jury.meetingId, 'start'));
    expectOk(await transition(jury.meetingId, 'end'));
    expectOk(await move(jury.meetingId, 'submit', 'sihteeri'));
    expectOk(await move(jury.meetingId, 'approve', 'puheenjohtaja'));
    expectOk(await move(jury.meetingId, 'publish', 'puheenjohtaja'));
    const base = `/api/minutes/${jury.meetingId}/versions/1`;
    for (const suffix of ['', '.html', '.md', '.json']) {
      expect((await get(`${base}${suffix}`)).statusCode).toBe(404);
      expect((await get(`${base}${suffix}`, 'asukas')).statusCode).toBe(404);
    }
    const juror = await t.app.inject({ url: `${base}.md`, headers: { cookie: juryCookie } });
    expect(juror.statusCode).toBe(200);
    expect(juror.headers['cache-control']).toBe('private, no-cache');
    const inSearch = async (cookie?: string) =>
      (await t.app.inject({ url: '/api/search?q=asukasraati', headers: cookie ? { cookie } : {} })).json().results.filter((r: { type: string }) => r.type === 'minutes');
    expect(await inSearch()).toEqual([]);
    expect(await inSearch(juryCookie)).toHaveLength(1);
  });
});

describe('published titles', () => {
  it('drop direction overrides and isolates, which would reorder the record’s words after the title', async () => {
    const startsAt = new Date(Date.now() + 86_400_000);
    const created = expectOk(
      await t.app.inject({
        method: 'POST',
        url: '/api/spaces/ymparistofoorumi/meetings',
        headers: as('puheenjohtaja'),
        payload: { title: { fi: 'Kokous \u202Eäksiv\u202C ja \u2067lisää\u2069' }, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), mode: 'meeting', place: 'online' },
      }),
      201,
    );
    const meetingId = created.meeting.id as string;
    expectOk(await transition(meetingId, 'start'));
    expectOk(await transition(meetingId, 'end'));
    expectOk(await move(meetingId, 'submit', 'sihteeri'));
    expectOk(await move(meetingId, 'approve', 'puheenjohtaja'));
    expectOk(await move(meetingId, 'publish', 'sihteeri'));
    const version = expectOk(await get(`/api/minutes/${meetingId}/versions/1`));
    expect(version.title).toBe('Pöytäkirja: Kokous äksiv ja lisää');
    const html = await get(`/api/minutes/${meetingId}/versions/1.html`);
    expect(html.body).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    const md = await get(`/api/minutes/${meetingId}/versions/1.md`);
    expect(md.body).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });
});
