import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { RoomTestClient } from '../server/rooms/test-client.ts';
import { signInOverHttp } from '../server/test-process.ts';
import type { Browser } from './support/browser.ts';
import { keepsReceiving, mediaStatus, recordPeerConnections } from './support/media-stats.ts';
import { whenEditable } from './support/editor.ts';
import { demoTownForThisFile, expectAccessible } from './support/town-fixture.ts';

/**
 * Journey 2 of BRIEF.md: a juror joins the private jury's session on a laptop, raises a hand, is
 * given the floor and is seen and heard by two other jurors (also when the media worker under the
 * room dies), then co-writes a recommendation with them and signs it off.
 */
const town = demoTownForThisFile({ mediaWorkers: 2 });
let chair: RoomTestClient | undefined;
afterAll(() => chair?.close());

const JURY = 'asukasraati';
const recommendationText = (page: Page) => page.getByRole('textbox', { name: 'Suositus 1: teksti' });
const saved = (page: Page) => page.getByRole('status').filter({ hasText: 'Tallennettu ja jaettu' }).first().waitFor();
const connected = (page: Page) => page.getByRole('status').filter({ hasText: 'Yhteys toimii' }).waitFor();

/** The editor's text as its reader has it: without the co-editors' caret labels drawn inside it. */
const textOf = (page: Page) =>
  recommendationText(page).evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.collab-caret')) caret.remove();
    return copy.textContent;
  });

async function juror(email: string, name: string): Promise<Browser> {
  const browser = await town.newBrowser();
  await recordPeerConnections(browser.context);
  await town.signIn(browser.page, email, name);
  return browser;
}

describe('a juror in the jury’s private session', () => {
  it('raises a hand, is seen and heard when given the floor, survives a dead media worker, co-writes and signs off', async () => {
    const [meeting] = await town.app.db.sql<{ id: string }[]>`
      select m.id from meetings m join spaces s on s.id = m.space_id where s.slug = ${JURY} order by m.starts_at limit 1`;
    const meetingId = meeting!.id;
    const roomUrl = `${town.url}/meetings/${meetingId}/room`;
    const chairCookie = await signInOverHttp(town.url, 'puheenjohtaja');
    const started = await fetch(`${town.url}/api/meetings/${meetingId}/start`, { method: 'POST', headers: { cookie: chairCookie, 'content-type': 'application/json' }, body: '{}' });
    expect(started.status).toBe(200);
    chair = await RoomTestClient.connect(town.url, meetingId, { cookie: chairCookie });
    await chair.welcome();

    // Juho finds the session from the jury's page and joins it.
    const juho = await juror('raati@pihlajalahti.example', 'Juho Raatikainen');
    await juho.page.goto(`${town.url}/spaces/${JURY}`);
    await juho.page.getByRole('link', { name: 'Raadin toinen istunto' }).first().click();
    await juho.page.getByRole('link', { name: 'Liity tilaisuuteen' }).click();
    await juho.page.waitForURL(roomUrl);
    await connected(juho.page);

    // The two other jurors are in the session too.
    const others = [await juror('raati2@pihlajalahti.example', 'Kaisa Kuulola'), await juror('raati3@pihlajalahti.example', 'Ville Vastamäki')];
    for (const { page } of others) {
      await page.goto(roomUrl);
      await connected(page);
    }

    // He raises his hand and the chair gives him the floor: he checks his camera and goes live.
    await juho.page.getByRole('button', { name: 'Pyydä puheenvuoroa' }).click();
    await juho.page.getByText('Olet jonossa sijalla 1.').waitFor();
    for (const { page } of others) await page.getByRole('list', { name: 'Puheenvuoroa odottavat' }).getByText('Juho Raatikainen').waitFor();
    expect(await chair.request({ type: 'floor.next', preferNotYetSpoken: true })).toMatchObject({ type: 'ack' });
    await juho.page.getByText('Sinulla on puheenvuoro. Tarkista kamera ja mikrofoni').waitFor();
    await expectAccessible(juho.page, 'juror-1-device-check');
    await juho.page.getByRole('button', { name: 'Liity', exact: true }).click();
    await mediaStatus(juho.page, 'Olet suorassa lähetyksessä');

    // Both other jurors see and hear him.
    await Promise.all(others.flatMap(({ page }) => [keepsReceiving(page, 'frames', 20), keepsReceiving(page, 'audioPackets', 20), keepsReceiving(page, 'audioEnergy', 0)]));
    for (const { page } of others) await page.getByRole('region', { name: 'Puheenvuorossa nyt' }).getByText('Juho Raatikainen').waitFor();
    await expectAccessible(others[0]!.page, 'juror-2-seen-by-kaisa');

    // The media worker under the room dies: the room is rebuilt and nobody reloads.
    for (const { page } of [juho, ...others]) await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const pool = town.app.media!;
    const busy = pool.slots.filter((slot) => slot.load > 0);
    expect(busy).toHaveLength(1);
    process.kill(busy[0]!.worker.pid, 'SIGKILL');
    await Promise.all(others.flatMap(({ page }) => [keepsReceiving(page, 'frames', 20, 45_000), keepsReceiving(page, 'audioPackets', 20, 45_000)]));
    await mediaStatus(juho.page, 'Olet suorassa lähetyksessä');
    for (const { page } of [juho, ...others]) expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await chair.request({ type: 'floor.take' })).toMatchObject({ type: 'ack' });
    await mediaStatus(juho.page, 'Katselet suoraa lähetystä');

    // They write a recommendation together.
    const recommendationsUrl = `${town.url}/spaces/${JURY}/recommendations`;
    // Each opens the draft in a new tab and closes the meeting's.
    for (const juror of [juho, ...others]) {
      const meetingTab = juror.page;
      juror.page = await juror.context.newPage();
      await meetingTab.close();
      await juror.page.goto(recommendationsUrl);
      await juror.page.getByRole('heading', { level: 1, name: 'Suositukset' }).waitFor();
      await saved(juror.page);
    }
    // Kaisa starts the recommendation; Juho adds to it, then Ville.
    const [kaisa, ville] = others.map(({ page }) => page) as [Page, Page];
    const first = 'Koulukadulle rakennetaan erotetut pyöräkaistat.';
    const second = `${first} Työt tehdään kesällä.`;
    await kaisa.getByRole('button', { name: 'Lisää suositus' }).click();
    await kaisa.getByLabel('Suosituksen 1 otsikko').fill('Pyöräkaistat Koulukadulle');
    await (await whenEditable(recommendationText(kaisa))).click();
    await kaisa.keyboard.type(first);
    await expect.poll(() => textOf(juho.page), { timeout: 15_000 }).toBe(first);
    await (await whenEditable(recommendationText(juho.page))).click();
    await juho.page.keyboard.press('End');
    await juho.page.keyboard.type(' Työt tehdään kesällä.');
    await expect.poll(() => textOf(ville), { timeout: 15_000 }).toBe(second);
    await (await whenEditable(recommendationText(ville))).click();
    await ville.keyboard.press('Home');
    await ville.keyboard.type('Raati suosittaa: ');
    const together = 'Raati suosittaa: Koulukadulle rakennetaan erotetut pyöräkaistat. Työt tehdään kesällä.';
    for (const page of [juho.page, kaisa, ville]) await expect.poll(() => textOf(page), { timeout: 15_000 }).toBe(together);
    await recommendationText(juho.page).locator('.collab-caret__label', { hasText: 'Ville Vastamäki' }).waitFor();
    await expect.poll(() => juho.page.getByLabel('Suosituksen 1 otsikko').inputValue()).toBe('Pyöräkaistat Koulukadulle');
    await expectAccessible(juho.page, 'juror-3-co-writing');

    // Each signs off; the tally shows all three.
    const stances: [Page, string][] = [[juho.page, 'Samaa mieltä'], [kaisa, 'Samaa mieltä'], [ville, 'Voin hyväksyä']];
    for (const [page, stance] of stances) {
      await page.getByRole('group', { name: 'Kantasi suositukseen 1' }).getByLabel(stance).check();
      await page.getByRole('button', { name: 'Tallenna kantani' }).click();
      await page.getByText('Kantasi on tallennettu.').waitFor();
    }
    await juho.page.getByText('2 samaa mieltä · 1 voi hyväksyä · 0 vastustaa · 0 ei vielä kantaa').waitFor();
    await expectAccessible(juho.page, 'juror-4-signed-off');
    for (const { cspViolations } of [juho, ...others]) expect(cspViolations).toEqual([]);
  }, 300_000);
});
