import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from './support/browser.ts';
import { whenEditable } from './support/editor.ts';
import { demoTownForThisFile, expectAccessible } from './support/town-fixture.ts';

const town = demoTownForThisFile();
const browsers: Browser[] = [];
afterAll(async () => {
  for (const browser of browsers) await browser.close();
});

/** A person in a browser of their own, with what the page's CSP refused. */
async function person(): Promise<Browser> {
  const browser = await openBrowser();
  browsers.push(browser);
  return browser;
}

const saved = (page: Page) => page.getByRole('status').filter({ hasText: 'Tallennettu ja jaettu' }).first().waitFor();
const recommendationText = (page: Page) => page.getByRole('textbox', { name: 'Suositus 1: teksti' });

/** The editor's text as its reader has it: without the co-editors' caret labels drawn inside it. */
const textOf = (page: Page) =>
  recommendationText(page).evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.collab-caret')) caret.remove();
    return copy.textContent;
  });

async function openRecommendations(page: Page) {
  await page.goto(`${town.url}/spaces/kuntalaisraati`);
  await page.getByRole('link', { name: 'Avaa suositusluonnos' }).click();
  await page.getByRole('heading', { level: 1, name: 'Suositukset' }).waitFor();
  await saved(page);
}

describe('the jury writes, signs off and freezes its recommendations', () => {
  it('two jurors co-write with visible cursors, sign off, the chair freezes and anyone reads the statement', async () => {
    // Kaisa, a juror of the public-listed citizens' jury, starts the first recommendation.
    const kaisa = await person();
    await town.signIn(kaisa.page, 'raati2@pihlajalahti.example', 'Kaisa Kuulola');
    await openRecommendations(kaisa.page);
    await kaisa.page.getByText('Suosituksia ei ole vielä.').waitFor();
    await kaisa.page.getByRole('button', { name: 'Lisää suositus' }).click();
    await kaisa.page.getByLabel('Suosituksen 1 otsikko').fill('Lähikirjastot auki iltaisin');
    await (await whenEditable(recommendationText(kaisa.page))).click();
    await kaisa.page.keyboard.type('Kirjastot ovat auki arkisin kello 21 asti.');

    // Ville, another juror, opens the same draft and sees her title and text.
    const ville = await person();
    await town.signIn(ville.page, 'raati3@pihlajalahti.example', 'Ville Vastamäki');
    // His editor's first question about each document, whether he may write, meets a server
    // error: it asks again rather than leave him read-only.
    const failedOnce = new Set<string>();
    await ville.page.route('**/api/documents/*/access', (route) => {
      const url = route.request().url();
      if (failedOnce.has(url)) return route.continue();
      failedOnce.add(url);
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: 'Try again' }) });
    });
    await openRecommendations(ville.page);
    await expect.poll(() => ville.page.getByLabel('Suosituksen 1 otsikko').inputValue()).toBe('Lähikirjastot auki iltaisin');
    await recommendationText(ville.page).getByText('Kirjastot ovat auki arkisin kello 21 asti.').waitFor();

    // Both type in the same recommendation; each sees the other's caret with a name on it.
    await (await whenEditable(recommendationText(ville.page))).click();
    await ville.page.keyboard.press('End');
    await ville.page.keyboard.type(' Lauantaisin myös.');
    await (await whenEditable(recommendationText(kaisa.page))).click();
    await kaisa.page.keyboard.press('Home');
    await kaisa.page.keyboard.type('Ehdotus: ');
    const together = 'Ehdotus: Kirjastot ovat auki arkisin kello 21 asti. Lauantaisin myös.';
    for (const page of [kaisa.page, ville.page]) await expect.poll(() => textOf(page)).toBe(together);
    await recommendationText(kaisa.page).locator('.collab-caret__label', { hasText: 'Ville Vastamäki' }).waitFor();
    await recommendationText(ville.page).locator('.collab-caret__label', { hasText: 'Kaisa Kuulola' }).waitFor();
    await ville.page.getByText('Myös muokkaamassa:').waitFor();

    // Formatting from the toolbar: Ville makes the first word bold.
    await ville.page.keyboard.press('Home');
    await ville.page.keyboard.press('Shift+Control+ArrowRight');
    await ville.page.getByRole('toolbar', { name: 'Muotoilu' }).first().getByRole('button', { name: 'Lihavointi' }).click();
    await recommendationText(kaisa.page).locator('strong', { hasText: 'Ehdotus' }).waitFor();
    await expectAccessible(kaisa.page, 'jury-recommendations');

    // Each juror signs off; both see the tally.
    await kaisa.page.getByRole('group', { name: 'Kantasi suositukseen 1' }).getByLabel('Samaa mieltä').check();
    await kaisa.page.getByRole('button', { name: 'Tallenna kantani' }).click();
    await kaisa.page.getByText('Kantasi on tallennettu.').waitFor();
    await ville.page.getByRole('group', { name: 'Kantasi suositukseen 1' }).getByLabel('Voin hyväksyä').check();
    await ville.page.getByLabel('Kommentti (vapaaehtoinen)').fill('Lauantait ovat tärkeitä lapsiperheille.');
    await ville.page.getByRole('button', { name: 'Tallenna kantani' }).click();
    await ville.page.getByText('Kantasi on tallennettu.').waitFor();
    await ville.page.getByText('1 samaa mieltä · 1 voi hyväksyä · 0 vastustaa · 0 ei vielä kantaa').waitFor();

    // The chair freezes the statement, after confirming.
    const paavo = await person();
    await town.signIn(paavo.page, 'puheenjohtaja@pihlajalahti.example', 'Paavo Puhemies');
    await openRecommendations(paavo.page);
    await paavo.page.getByText('1 samaa mieltä · 1 voi hyväksyä · 0 vastustaa · 0 ei vielä kantaa').waitFor();
    await paavo.page.getByRole('button', { name: 'Lukitse kannanotto' }).click();
    await paavo.page.getByLabel('Kannanoton otsikko (vapaaehtoinen)').fill('Kuntalaisraadin kannanotto kirjastoverkosta');
    await paavo.page.getByText('Lukitaanko ja julkaistaanko nyt 1 suositusta?').waitFor();
    await paavo.page.getByRole('button', { name: 'Kyllä, lukitse ja julkaise' }).click();
    await paavo.page.getByText('Kannanotto on lukittu ja julkaistu versiona 1.').waitFor();

    for (const { page, cspViolations } of [kaisa, ville, paavo]) {
      expect(cspViolations).toEqual([]);
      await page.close();
    }

    // A resident without an account finds the statement on the jury's public page and reads it.
    const visitor = await person();
    await visitor.page.goto(`${town.url}/spaces/kuntalaisraati`);
    await visitor.page.getByRole('link', { name: 'Kuntalaisraadin kannanotto kirjastoverkosta' }).click();
    await visitor.page.getByRole('heading', { level: 1, name: 'Kuntalaisraadin kannanotto kirjastoverkosta' }).waitFor();
    await visitor.page.getByRole('heading', { level: 2, name: '1. Lähikirjastot auki iltaisin' }).waitFor();
    await visitor.page.getByText(together).waitFor();
    await visitor.page.getByText('Raatilaisten (2) kannat: 1 samaa mieltä, 1 voi hyväksyä, 0 vastustaa.').waitFor();
    // Not one juror's own stance or comment is published.
    await expect.poll(() => visitor.page.getByText('Lauantait ovat tärkeitä').count()).toBe(0);
    await expectAccessible(visitor.page, 'jury-statement');
    expect(visitor.cspViolations).toEqual([]);

    const jsonHref = await visitor.page.getByRole('link', { name: 'Avoin data (JSON)' }).getAttribute('href');
    const json = (await (await visitor.page.request.get(`${town.url}${jsonHref}`)).json()) as { recommendations: { title: string; tally: object }[] };
    expect(json.recommendations).toEqual([expect.objectContaining({ title: 'Lähikirjastot auki iltaisin', tally: { agree: 1, can_live_with: 1, object: 0 } })]);
  });

  it('keeps the shared notes of a jury session: jurors write in the room, the chair locks them, the meeting page shows them', async () => {
    const paavo = await person();
    await town.signIn(paavo.page, 'puheenjohtaja@pihlajalahti.example', 'Paavo Puhemies');
    const list = await paavo.page.request.get(`${town.url}/api/spaces/kuntalaisraati/meetings`);
    const meetingId = ((await list.json()) as { meetings: { id: string }[] }).meetings[0]!.id;
    expect((await paavo.page.request.post(`${town.url}/api/meetings/${meetingId}/start`, { data: {} })).status()).toBe(200);
    const roomUrl = `${town.url}/meetings/${meetingId}/room`;
    const notes = (page: Page) => page.getByRole('textbox', { name: 'Kokouksen muistiinpanot' });
    const openNotes = async (page: Page) => {
      await page.goto(roomUrl);
      await page.getByRole('tab', { name: 'Muistiinpanot' }).click();
      await saved(page);
    };

    const kaisa = await person();
    await town.signIn(kaisa.page, 'raati2@pihlajalahti.example', 'Kaisa Kuulola');
    await openNotes(kaisa.page);
    await (await whenEditable(notes(kaisa.page))).click();
    await kaisa.page.keyboard.type('Asiantuntija: lainaajia on eniten iltaisin.');
    await openNotes(paavo.page);
    await notes(paavo.page).getByText('Asiantuntija: lainaajia on eniten iltaisin.').waitFor();
    await expectAccessible(kaisa.page, 'jury-session-notes');

    // The chair makes the notes read-only: the juror's editor says so and takes no typing.
    await paavo.page.getByRole('button', { name: 'Lukitse muistiinpanot' }).click();
    await paavo.page.getByText('Muistiinpanot on lukittu.').waitFor();
    await kaisa.page.getByText('Puheenjohtaja on lukinnut asiakirjan: kukaan ei voi nyt muokata sitä.').waitFor();
    expect(await notes(kaisa.page).getAttribute('contenteditable')).toBe('false');
    expect(await notes(kaisa.page).getAttribute('aria-readonly')).toBe('true');

    // The notes stay with the meeting: its page shows them, read-only.
    await kaisa.page.goto(`${town.url}/meetings/${meetingId}`);
    await kaisa.page.getByRole('heading', { level: 2, name: 'Kokouksen muistiinpanot' }).waitFor();
    await notes(kaisa.page).getByText('Asiantuntija: lainaajia on eniten iltaisin.').waitFor();
    for (const { cspViolations } of [kaisa, paavo]) expect(cspViolations).toEqual([]);
  });
});
