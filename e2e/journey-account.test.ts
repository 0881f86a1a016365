import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MessageKey } from '../client/i18n/en.ts';
import { fi } from '../client/i18n/fi.ts';
import { sv } from '../client/i18n/sv.ts';
import { linkIn, mailTo, waitForMail } from '../server/mail/test-mailbox.ts';
import { viewports } from './support/browser.ts';
import { demoTownForThisFile, expectAccessible } from './support/town-fixture.ts';

/**
 * A resident's account, from the mail: signs up on a phone, follows the link in the address check,
 * forgets the password, chooses a new one from the reset mail and signs in with it. In Finnish and
 * in Swedish: the pages in the chosen language, and the mails too.
 */
const town = demoTownForThisFile();

const journeys = [
  { lang: 'fi', words: fi, languageButton: null, check: 'Vahvista sähköpostiosoitteesi Aukioon', reset: 'Valitse uusi salasana Aukioon' },
  { lang: 'sv', words: sv, languageButton: 'Svenska', check: 'Bekräfta din e-postadress för Aukio', reset: 'Välj ett nytt lösenord för Aukio' },
] as const;

const text = (words: Record<MessageKey, string>, key: MessageKey, params: Record<string, string> = {}) =>
  words[key].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);

describe('a resident’s account by mail', () => {
  it.each(journeys)('signs up, confirms the address, resets a forgotten password and signs in ($lang)', async ({ lang, words, languageButton, check, reset }) => {
    const email = `tili.${lang}@example.fi`;
    const name = lang === 'fi' ? 'Tiina Tilinen' : 'Tina Kontosson';
    const page: Page = await town.newPerson(viewports.phone);
    await page.goto(town.url);
    if (languageButton) await page.getByRole('button', { name: languageButton }).click();
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);

    // Sign-up: the page says to look in the mailbox; nobody is signed in yet.
    await page.getByRole('link', { name: words['auth.signUp'] }).click();
    await page.getByRole('heading', { level: 1, name: words['signup.title'] }).waitFor();
    await page.getByLabel(words['field.email']).fill(email);
    await page.getByLabel(words['field.displayName']).fill(name);
    await page.getByLabel(words['field.password']).fill('ensimmäinen salasana');
    await page.getByRole('button', { name: words['signup.submit'] }).click();
    await page.getByRole('heading', { level: 1, name: words['signup.checkMailTitle'] }).waitFor();
    await page.getByText(text(words, 'signup.checkMail', { email })).waitFor();
    await expectAccessible(page, `account-check-mail-${lang}`);
    expect(await page.getByText(text(words, 'auth.signedInAs', { name })).count()).toBe(0);

    // The mail, in the language of the sign-up, links back to this town.
    const checkMail = await waitForMail(town.mailbox, mailTo(email));
    expect(checkMail.subject).toBe(check);
    const verifyLink = linkIn(checkMail, '/verify');
    expect(verifyLink.origin).toBe(new URL(town.url).origin);
    await page.goto(verifyLink.href);
    await page.getByRole('heading', { level: 1, name: words['verify.title'] }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: words['verify.submit'] }).click();
    await page.getByText(words['verify.done']).waitFor();
    await page.getByText(text(words, 'auth.signedInAs', { name })).waitFor();
    await expectAccessible(page, `account-verified-${lang}`);

    // Signed out, the password forgotten: a link is asked for by mail, from the sign-in page.
    await page.getByRole('button', { name: words['auth.signOut'] }).click();
    await page.getByRole('link', { name: words['auth.signIn'] }).first().click();
    await page.getByRole('link', { name: words['signin.forgotPassword'] }).click();
    await page.getByRole('heading', { level: 1, name: words['forgot.title'] }).waitFor();
    await expectAccessible(page);
    await page.getByLabel(words['field.email']).fill(email);
    await page.keyboard.press('Enter');
    await page.getByText(text(words, 'forgot.done', { email })).waitFor();
    await expectAccessible(page, `account-reset-asked-${lang}`);

    const resetMail = await waitForMail(town.mailbox, (m) => mailTo(email)(m) && m.subject === reset);
    expect(resetMail.text).toContain(name);
    await page.goto(linkIn(resetMail, '/reset-password').href);
    await page.getByRole('heading', { level: 1, name: words['reset.title'] }).waitFor();
    await expectAccessible(page);
    await page.getByLabel(words['reset.password']).fill('toinen, uusi salasana');
    await page.keyboard.press('Enter');
    await page.getByText(words['reset.done']).waitFor();
    await expectAccessible(page, `account-reset-done-${lang}`);

    // The link worked once; the new password signs in, the old one no longer does.
    await page.reload();
    await page.getByRole('button', { name: words['reset.submit'] }).waitFor();
    await page.getByLabel(words['reset.password']).fill('kolmas salasana tähän');
    await page.getByRole('button', { name: words['reset.submit'] }).click();
    await page.getByRole('alert').filter({ hasText: words['error.code.token_used'] }).waitFor();

    await page.goto(`${town.url}/signin`);
    await page.getByLabel(words['field.email']).fill(email);
    await page.getByLabel(words['field.password']).fill('ensimmäinen salasana');
    await page.getByRole('button', { name: words['signin.submit'] }).click();
    await page.getByRole('alert').filter({ hasText: words['error.code.invalid_credentials'] }).waitFor();
    await page.getByLabel(words['field.password']).fill('toinen, uusi salasana');
    await page.getByRole('button', { name: words['signin.submit'] }).click();
    await page.getByText(text(words, 'auth.signedInAs', { name })).waitFor();
  });
});
