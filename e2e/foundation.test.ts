import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fi } from '../client/i18n/fi.ts';
import { linkIn, mailTo, waitForMail } from '../server/mail/test-mailbox.ts';
import { seriousAccessibilityViolations } from './support/axe.ts';
import { openBrowser, type Browser } from './support/browser.ts';
import { artifactsDir, startDemoTown, type RunningTown } from './support/server.ts';

let town: RunningTown;
let browser: Browser;
beforeAll(async () => {
  town = await startDemoTown();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await town?.close();
});

describe('a newcomer', () => {
  it('signs up, signs out and in again, sees the demo spaces and switches to Swedish', async () => {
    const { page } = browser;
    await page.goto(town.url);
    await page.getByRole('heading', { level: 1, name: 'Tervetuloa Aukioon' }).waitFor();
    for (const name of ['Ympäristöfoorumi', 'Kulttuurifoorumi', 'Liikuntafoorumi', 'Kuntalaisfoorumi']) {
      await page.getByRole('link', { name, exact: true }).first().waitFor();
    }
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Luo tili' }).first().click();
    await page.getByLabel('Sähköpostiosoite').fill('uusi.asukas@example.fi');
    await page.getByLabel('Muille näkyvä nimi').fill('Uusi Asukas');
    await page.getByLabel('Salasana').fill('hyvin pitkä salasana');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Luo tili' }).click();
    // The account exists once the address is confirmed: the link in the mail, then its button.
    await page.getByRole('heading', { level: 1, name: fi['signup.checkMailTitle'] }).waitFor();
    const mail = await waitForMail(town.mailbox, mailTo('uusi.asukas@example.fi'));
    await page.goto(linkIn(mail, '/verify').href);
    await page.getByRole('button', { name: fi['verify.submit'] }).click();
    await page.getByText('Kirjautuneena: Uusi Asukas').waitFor();

    await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
    await page.getByRole('link', { name: 'Kirjaudu sisään' }).first().click();
    await page.getByLabel('Sähköpostiosoite').fill('uusi.asukas@example.fi');
    await page.getByLabel('Salasana').fill('väärä salasana');
    await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
    await page.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
    await page.getByLabel('Salasana').fill('hyvin pitkä salasana');
    await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
    await page.getByText('Kirjautuneena: Uusi Asukas').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Tervetuloa Aukioon' }).waitFor();
    // A resident who is not a juror does not see the jury.
    expect(await page.getByRole('link', { name: /Asukasraati/ }).count()).toBe(0);

    await page.getByRole('button', { name: 'Svenska' }).click();
    await page.getByRole('link', { name: 'Miljöforum', exact: true }).first().waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await page.screenshot({ path: join(artifactsDir, 'foundation-home-sv.png'), fullPage: true });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // The choice is remembered.
    await page.reload();
    await page.getByRole('link', { name: 'Miljöforum', exact: true }).first().waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    expect(browser.cspViolations).toEqual([]);
  });
});
