import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { connect, eventually, idsOf, synced, type Client } from '../collab/test-helpers.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';
import { minutesDocumentName } from './draft.ts';
import { appendParagraph, storedDraftText } from './test-helpers.ts';

let t: TestApp;
let url: string;
const cookies: Record<string, string> = {};
let meetingId: string;
let secretary: Client;

// The stock provider listens for the process's exit.
process.setMaxListeners(50);

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const who of ['sihteeri', 'puheenjohtaja']) cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
  ({ meetingId } = await idsOf(t.app.db.sql, 'kulttuurifoorumi'));
  await t.app.db.sql`update meetings set state = 'ended' where id = ${meetingId}`;
  secretary = connect(url, minutesDocumentName(meetingId), cookies.sihteeri);
  await synced(secretary);
});

afterAll(async () => {
  secretary?.destroy();
  await t?.close();
});

const move = (action: 'submit' | 'approve' | 'publish', who: string) =>
  t.app.inject({ method: 'POST', url: `/api/meetings/${meetingId}/minutes/${action}`, headers: { cookie: cookies[who]! } });

/** Writes the paragraph into the draft, then takes it through review to publication; returns the answer to publishing. */
async function publishWith(paragraph: string, stored: string) {
  appendParagraph(secretary.doc, paragraph);
  await eventually(async () => (await storedDraftText(t.app.db.sql, meetingId)).includes(stored), 10_000, 'the paragraph to be stored');
  for (const [action, who] of [
    ['submit', 'sihteeri'],
    ['approve', 'puheenjohtaja'],
  ] as const) {
    const response = await move(action, who);
    expect(response.statusCode, response.body).toBe(200);
  }
  return move('publish', 'sihteeri');
}

const version = async (n: number, suffix = '') => (await t.app.inject({ url: `/api/minutes/${meetingId}/versions/${n}${suffix}` })).body;

describe('minutes with characters no record can hold', () => {
  it('publish a correction with NUL and control characters, without them, instead of failing and staying approved', async () => {
    expect((await publishWith('Kokous avattiin.', 'avattiin')).statusCode).toBe(200);

    const published = await publishWith('Oikaisu:\u0000 laiturit\u0007 kunnostetaan.', 'laiturit');
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ state: 'published', versions: [{ version: 2 }, { version: 1 }] });
    expect(await version(2, '.md')).toContain('Oikaisu: laiturit kunnostetaan.');
    for (const suffix of ['', '.html', '.md', '.json']) expect(await version(2, suffix)).not.toMatch(/\u0000|\\u0000|\u0007|\\u0007/);
  });

  it('publish a correction typed with a lone surrogate, with the replacement character in its place', async () => {
    // The client holds the lone surrogate; what reaches the server (and the record) is well-formed.
    const published = await publishWith('Toinen oikaisu \uD800 tehtiin.', 'Toinen oikaisu');
    expect(published.statusCode, published.body).toBe(200);
    expect(await version(3, '.md')).toContain('Toinen oikaisu \uFFFD tehtiin.');
    expect(await version(3, '.json')).not.toMatch(/[\uD800-\uDFFF]|\\ud[89ab]/i);
  });
});
