import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { heldMeeting, holdMeeting } from '../server/minutes/test-helpers.ts';
import { signInOverHttp } from '../server/test-process.ts';
import { whenEditable } from './support/editor.ts';
import { demoTownForThisFile, expectAccessible } from './support/town-fixture.ts';

/**
 * Journey 3 of BRIEF.md, the secretary's: a meeting with attendance, a poll and a speaker queue ends;
 * its minutes draft already lists them; the secretary edits and submits; the chair returns it with
 * a comment, then approves and publishes; a visitor without an account reads the published minutes
 * and their JSON; after a correction the visitor sees what changed between the versions; the
 * secretary checks the published minutes in Swedish.
 */
const town = demoTownForThisFile();

const decisionNote = 'Sihteerin lisäys: laiturit kunnostetaan ensin.';
const correction = 'Oikaisu: työt alkavat keväällä 2027.';

async function meetingId(): Promise<string> {
  const [row] = await town.app.db.sql<{ id: string }[]>`
    select m.id from meetings m join spaces s on s.id = m.space_id where s.slug = 'ymparistofoorumi' order by m.starts_at limit 1`;
  return row!.id;
}

async function post(path: string, cookie: string): Promise<void> {
  const response = await fetch(`${town.url}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
  expect(response.status, await response.clone().text()).toBe(200);
}

const draftEditor = (page: Page) => page.getByRole('textbox', { name: 'Pöytäkirjaluonnos' });
const stateLine = (page: Page) => page.getByText(/^Tila: /);

/** Adds a list item after the one that says `after`, as the secretary adding a line to a section. */
async function addLineAfter(page: Page, after: string, text: string): Promise<void> {
  const editor = await whenEditable(draftEditor(page));
  const line = editor.getByText(after, { exact: true });
  // Clicked at its right edge, past the text: the caret lands at the end of the line.
  const box = (await line.boundingBox())!;
  await line.click({ position: { x: box.width - 2, y: box.height / 2 } });
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
  await editor.getByText(text, { exact: true }).waitFor();
}

async function submit(secretary: Page): Promise<void> {
  await secretary.getByRole('button', { name: 'Lähetä tarkastettavaksi' }).click();
  await secretary.getByText('Tila: Tarkastettavana').waitFor();
}

/** The chair, on a fresh look at the submitted minutes, approves them and publishes them as `version`. */
async function approveAndPublish(chair: Page, version: number): Promise<void> {
  await chair.reload();
  await chair.getByRole('button', { name: 'Hyväksy' }).click();
  await chair.getByText('Tila: Hyväksytty, ei vielä julkaistu').waitFor();
  await chair.getByRole('button', { name: 'Julkaise' }).click();
  await chair.getByText(`Versio ${version} julkaistiin.`).waitFor();
  await chair.getByText('Tila: Julkaistu').waitFor();
}

describe('minutes from live draft to published record', () => {
  it('runs from the meeting’s record through review and publication to a public diff', async () => {
    const id = await meetingId();
    const minutesUrl = `${town.url}/meetings/${id}/minutes`;
    const chairCookie = await signInOverHttp(town.url, 'puheenjohtaja');
    await post(`/api/meetings/${id}/start`, chairCookie);

    // The secretary opens the draft while the meeting runs: the details and agenda are there.
    const secretary = await town.newPerson();
    await town.signIn(secretary, 'sihteeri@pihlajalahti.example', 'Saana Kirjuri');
    await secretary.goto(minutesUrl);
    await draftEditor(secretary).getByRole('heading', { name: 'Kokouksen tiedot', exact: true }).waitFor();
    await draftEditor(secretary).getByRole('heading', { name: 'Esityslista', exact: true }).waitFor();

    // The meeting is held in the room (hall and remote attendance, a queue, a poll) and ends.
    const room = await holdMeeting(town.url, id, { chair: chairCookie, hall: await signInOverHttp(town.url, 'asukas'), remote: await signInOverHttp(town.url, 'moderaattori') });
    await room.close();
    await post(`/api/meetings/${id}/end`, chairCookie);

    // The record appears in the secretary's open editor without a reload.
    const draft = draftEditor(secretary);
    await draft.getByRole('heading', { name: 'Läsnä', exact: true }).waitFor();
    await draft.getByRole('heading', { name: 'Paikan päällä (1)', exact: true }).waitFor();
    await draft.getByText(/^Aino Asukas, klo \d\d\.\d\d–\d\d\.\d\d/).waitFor();
    await draft.getByRole('heading', { name: 'Etäyhteydellä (2)', exact: true }).waitFor();
    await draft.getByRole('heading', { name: 'Puheenvuorot', exact: true }).waitFor();
    await draft.getByText(/^Aino Asukas, klo \d\d\.\d\d, \d+ s$/).waitFor();
    await draft.getByText('Kyllä: 8 (salissa 7, etänä 1)').waitFor();
    await draft.getByText(heldMeeting.decision).waitFor();
    await draft.getByText(`”${heldMeeting.writtenQuestion}”`, { exact: false }).waitFor();
    await expectAccessible(secretary, 'minutes-draft');

    await addLineAfter(secretary, heldMeeting.decision, decisionNote);
    await secretary.getByRole('button', { name: 'Lähetä tarkastettavaksi' }).click();
    await secretary.getByText('Pöytäkirja lähetettiin tarkastettavaksi.').waitFor();
    await secretary.getByText('Tila: Tarkastettavana').waitFor();

    // The chair returns it with a comment; the secretary sees the comment and submits again.
    const chair = await town.newPerson();
    await town.signIn(chair, 'puheenjohtaja@pihlajalahti.example', 'Paavo Puhemies');
    await chair.goto(minutesUrl);
    await chair.getByText('Tila: Tarkastettavana').waitFor();
    await chair.getByRole('button', { name: 'Palauta kommentin kanssa' }).click();
    await chair.getByRole('button', { name: 'Palauta pöytäkirja' }).click();
    await chair.getByText('Kirjoita kommentti sihteerille.').waitFor();
    await chair.getByLabel('Kommentti sihteerille').fill('Tarkista äänestyksen luvut.');
    await chair.getByRole('button', { name: 'Palauta pöytäkirja' }).click();
    await chair.getByText('Pöytäkirja palautettiin sihteerille.').waitFor();
    await chair.getByText('Tila: Luonnos').waitFor();

    await secretary.reload();
    await secretary.getByText('Puheenjohtaja palautti pöytäkirjan tällä kommentilla:').waitFor();
    await secretary.getByText('Tarkista äänestyksen luvut.').waitFor();
    await submit(secretary);
    await approveAndPublish(chair, 1);

    // A visitor without an account reads the published minutes on the meeting page, and their JSON.
    const visitor = await town.newPerson();
    await visitor.goto(`${town.url}/meetings/${id}`);
    const onMeetingPage = visitor.getByRole('region', { name: 'Pöytäkirja', exact: true });
    await onMeetingPage.getByText(decisionNote).waitFor();
    await onMeetingPage.getByRole('heading', { name: 'Äänestykset', exact: true }).waitFor();
    const jsonUrl = await onMeetingPage.getByRole('link', { name: 'JSON (avoin data)' }).getAttribute('href');
    expect(jsonUrl).toBe(`/api/minutes/${id}/versions/1.json`);
    const json = (await (await visitor.request.get(`${town.url}${jsonUrl}`)).json()) as { format: string; version: number; publishedBy: string; body: { content: unknown[] } };
    expect(json).toMatchObject({ format: 'aukio.minutes/1', version: 1, publishedBy: 'Paavo Puhemies' });
    expect(JSON.stringify(json.body)).toContain(decisionNote);

    await onMeetingPage.getByRole('link', { name: 'Verkkosivu' }).click();
    await visitor.waitForURL(`${town.url}/api/minutes/${id}/versions/1.html?lang=fi`);
    await visitor.getByRole('heading', { level: 1, name: 'Pöytäkirja: Rantapuiston kunnostus' }).waitFor();
    expect(await visitor.locator('html').getAttribute('lang')).toBe('fi');
    await expectAccessible(visitor, 'minutes-published-page');

    // A correction: edited, submitted, approved and published as version 2.
    await secretary.reload();
    await addLineAfter(secretary, decisionNote, correction);
    await submit(secretary);
    await approveAndPublish(chair, 2);

    // The visitor compares the versions.
    await visitor.goto(minutesUrl);
    await visitor.getByRole('heading', { name: 'Versio 2', exact: true }).waitFor();
    await visitor.getByRole('heading', { name: 'Versio 1', exact: true }).waitFor();
    // A visitor reads what is published, not the draft or its workflow.
    expect(await draftEditor(visitor).count()).toBe(0);
    expect(await stateLine(visitor).count()).toBe(0);
    expect(await visitor.getByLabel('Vanhempi versio').inputValue()).toBe('1');
    expect(await visitor.getByLabel('Uudempi versio').inputValue()).toBe('2');
    await visitor.getByRole('button', { name: 'Näytä muutokset' }).click();
    await visitor.getByRole('heading', { name: 'Muutokset versiosta 1 versioon 2', exact: true }).waitFor();
    await visitor.getByText('Rivejä lisätty 1, poistettu 0, muutettu 0.').waitFor();
    const added = visitor.locator('ins');
    expect(await added.count()).toBe(1);
    expect(await added.textContent()).toBe(`Lisätty rivi: - ${correction}`);
    await expectAccessible(visitor, 'minutes-diff');

    // The secretary checks the published minutes in Swedish: the meeting page, then the permanent page.
    await secretary.goto(`${town.url}/meetings/${id}`);
    await secretary.getByRole('button', { name: 'Svenska' }).click();
    const inSwedish = secretary.getByRole('region', { name: 'Protokoll', exact: true });
    await inSwedish.getByText(/^Version 2, publicerad \d{1,2} [a-zåäö]+\.? \d{4}/).waitFor();
    await inSwedish.getByText(correction).waitFor();
    expect(await inSwedish.locator('[lang="fi"]').getByText(correction).count()).toBe(1);
    await expectAccessible(secretary, 'minutes-published-sv');
    await inSwedish.getByRole('link', { name: 'Webbsida' }).click();
    await secretary.waitForURL(`${town.url}/api/minutes/${id}/versions/2.html?lang=sv`);
    expect(await secretary.locator('html').getAttribute('lang')).toBe('sv');
    await secretary.getByRole('navigation', { name: 'Andra format' }).getByRole('link', { name: 'JSON (öppna data)' }).waitFor();
    await secretary.getByRole('link', { name: 'Alla versioner och ändringar' }).waitFor();
    await secretary.getByText(correction).waitFor();
    await expectAccessible(secretary, 'minutes-published-page-sv');
    // Three people's browsers and a meeting held in between: longer than one page's journey.
  }, 300_000);
});
