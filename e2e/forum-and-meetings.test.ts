import { describe, expect, it } from 'vitest';
import { linkIn, mailTo, waitForMail } from '../server/mail/test-mailbox.ts';
import { viewports } from './support/browser.ts';
import { demoTownForThisFile, expectAccessible } from './support/town-fixture.ts';

const town = demoTownForThisFile();
const { newPerson, signIn } = town;

const threadTitle = 'Koirapuisto Rantapuiston laitaan?';
const postText = 'Rantapuiston pohjoispäässä olisi tilaa aidatulle koirapuistolle.';
const hideReason = 'Viesti toistaa toisen keskustelun aiheen; jatketaan siellä.';

describe('forum and meetings', () => {
  it('a resident registers and writes, another reports, a moderator hides with a public reason', async () => {
    // 1. Aino, on her phone, registers for the environment forum's meeting: remotely, with an induction loop.
    const aino = await newPerson(viewports.phone);
    await signIn(aino, 'asukas@pihlajalahti.example', 'Aino Asukas');
    await aino.getByRole('heading', { level: 1, name: 'Tervetuloa Aukioon' }).waitFor();
    await aino.getByRole('heading', { level: 2, name: 'Vilkkaat keskustelut' }).waitFor();
    await expectAccessible(aino, 'forum-home-phone');

    await aino.getByRole('link', { name: 'Rantapuiston kunnostus' }).first().click();
    await aino.getByRole('heading', { level: 1, name: 'Rantapuiston kunnostus' }).waitFor();
    await aino.getByRole('heading', { level: 2, name: 'Esityslista' }).waitFor();
    await expectAccessible(aino);
    await aino.getByRole('radio', { name: 'Etänä verkossa' }).check();
    await aino.getByRole('checkbox', { name: 'Induktiosilmukka' }).check();
    await aino.getByRole('button', { name: 'Ilmoittaudu', exact: true }).click();
    await aino.getByText('Olet ilmoittautunut osallistumaan etänä.').waitFor();
    await aino.getByText('Pyysit: Induktiosilmukka').waitFor();
    await aino.getByRole('button', { name: 'Peru ilmoittautumiseni' }).waitFor();
    await expectAccessible(aino, 'forum-meeting-registered-phone');

    // 2. She starts a thread in the environment forum.
    await aino.getByRole('link', { name: 'Ympäristöfoorumi' }).first().click();
    await aino.getByRole('heading', { level: 1, name: 'Ympäristöfoorumi' }).waitFor();
    await aino.getByRole('heading', { level: 2, name: 'Keskustelu' }).waitFor();
    await expectAccessible(aino, 'forum-space-phone');
    await aino.getByRole('button', { name: 'Uusi keskustelu' }).click();
    await aino.getByLabel('Otsikko').fill(threadTitle);
    await aino.getByLabel('Viesti', { exact: true }).fill(postText);
    await expectAccessible(aino);
    await aino.getByRole('button', { name: 'Aloita keskustelu' }).click();
    await aino.getByRole('heading', { level: 1, name: threadTitle }).waitFor();
    await aino.getByText(postText).waitFor();
    const threadUrl = aino.url();
    expect(threadUrl).toMatch(/\/threads\/[0-9a-f-]{36}$/);
    await expectAccessible(aino, 'forum-thread-phone');

    // 3. Another resident signs up and reports the post.
    const other = await newPerson();
    await other.goto(`${town.url}/signup`);
    await other.getByLabel('Sähköpostiosoite').fill('toinen.asukas@example.fi');
    await other.getByLabel('Muille näkyvä nimi').fill('Toinen Asukas');
    await other.getByLabel('Salasana').fill('toinen hyvin pitkä salasana');
    await other.getByRole('button', { name: 'Luo tili' }).click();
    await other.getByRole('heading', { level: 1, name: 'Katso sähköpostisi' }).waitFor();
    const check = await waitForMail(town.mailbox, mailTo('toinen.asukas@example.fi'));
    await other.goto(linkIn(check, '/verify').href);
    await other.getByRole('button', { name: 'Vahvista osoitteeni' }).click();
    await other.getByText('Kirjautuneena: Toinen Asukas').waitFor();
    await other.goto(threadUrl);
    await other.getByText(postText).waitFor();
    await other.getByRole('button', { name: 'Ilmoita', exact: true }).click();
    await other.getByLabel('Miksi ilmoitat tästä viestistä?').fill('Sama aihe on jo toisessa keskustelussa.');
    await expectAccessible(other);
    await other.getByRole('button', { name: 'Lähetä ilmoitus' }).click();
    await other.getByText('Kiitos. Moderaattorit katsovat viestin.').waitFor();
    await expectAccessible(other);

    // 4. The moderator finds it in the moderation queue and hides it with a public reason.
    const mira = await newPerson();
    await signIn(mira, 'moderaattori@pihlajalahti.example', 'Mira Valvoja');
    await mira.goto(`${town.url}/spaces/ymparistofoorumi`);
    await mira.getByRole('heading', { level: 1, name: 'Ympäristöfoorumi' }).waitFor();
    await mira.getByRole('link', { name: 'Moderointijono' }).click();
    await mira.getByRole('heading', { level: 1, name: 'Moderointi: Ympäristöfoorumi' }).waitFor();
    const item = mira.getByRole('article').filter({ hasText: threadTitle });
    await item.getByText('Sama aihe on jo toisessa keskustelussa.').waitFor();
    await item.getByText('Toinen Asukas').waitFor();
    await expectAccessible(mira, 'forum-moderation-queue');
    await item.getByRole('button', { name: 'Piilota', exact: true }).click();
    await item.getByLabel('Perustelu (näkyy kaikille)').fill(hideReason);
    await item.getByRole('button', { name: 'Piilota viesti' }).click();
    await mira.getByText('Viesti piilotettiin.').waitFor();
    await mira.getByText('Ilmoitettuja viestejä ei ole. Hienoa!').waitFor();
    await expectAccessible(mira);

    // The hiding is in the space's audit log, with its reason.
    await mira.goto(`${town.url}/spaces/ymparistofoorumi/audit`);
    const row = mira.getByRole('row').filter({ hasText: 'Piilotti viestin' });
    await row.getByText(hideReason).waitFor();
    await expectAccessible(mira, 'forum-audit-log');

    // 5. Aino sees, in place of her post, that a moderator hid it and why.
    await aino.goto(threadUrl);
    await aino.getByText(`Piilotettu moderaattorin toimesta: ${hideReason}`).waitFor();
    await expectAccessible(aino, 'forum-thread-hidden-phone');

    // So does everyone else reading the thread, without the hidden text.
    await other.reload();
    await other.getByText(`Piilotettu moderaattorin toimesta: ${hideReason}`).waitFor();
    expect(await other.getByText(postText).count()).toBe(0);
  });

  it('an admin creates a space, gives a person a role, reads the site audit log and searches', async () => {
    const ansa = await newPerson(viewports.phone);
    await signIn(ansa, 'yllapito@pihlajalahti.example', 'Ansa Ylläpitäjä');
    await ansa.getByRole('link', { name: 'Tilat (ylläpito)' }).click();
    await ansa.getByRole('heading', { level: 1, name: 'Tilat' }).waitFor();
    await ansa.getByLabel('Osoite (tunniste)').fill('nuorisovaltuusto');
    await ansa.getByLabel('Nimi').first().fill('Nuorisovaltuusto');
    await ansa.getByLabel('Kuvaus').first().fill('Nuorten vaikuttajaryhmä kertoo nuorten näkemyksistä kaupungin päätöksiin.');
    await expectAccessible(ansa, 'forum-admin-spaces-phone');
    await ansa.getByRole('button', { name: 'Luo tila' }).click();
    await ansa.getByRole('heading', { level: 1, name: 'Nuorisovaltuusto' }).waitFor();

    await ansa.getByRole('link', { name: 'Henkilöt ja roolit' }).click();
    await ansa.getByRole('heading', { level: 1, name: 'Henkilöt: Nuorisovaltuusto' }).waitFor();
    await ansa.getByLabel('Sähköpostiosoite').fill('asukas@pihlajalahti.example');
    await ansa.getByLabel('Rooli').selectOption('moderator');
    await ansa.getByRole('button', { name: 'Lisää', exact: true }).click();
    await ansa.getByText('asukas@pihlajalahti.example sai roolin Moderaattori.').waitFor();
    await ansa.getByRole('button', { name: 'Poista rooli Moderaattori, Aino Asukas' }).waitFor();
    await expectAccessible(ansa, 'forum-people-phone');

    await ansa.goto(`${town.url}/admin/audit`);
    await ansa.getByRole('heading', { level: 1, name: 'Koko sivuston tapahtumaloki' }).waitFor();
    await ansa.getByRole('row').filter({ hasText: 'Antoi roolin' }).first().waitFor();
    await expectAccessible(ansa, 'forum-admin-audit-phone');

    await ansa.getByRole('searchbox', { name: 'Hae' }).fill('koirapuisto');
    await ansa.getByRole('button', { name: 'Hae', exact: true }).click();
    await ansa.getByRole('heading', { level: 1, name: 'Hakutulokset: koirapuisto' }).waitFor();
    await ansa.getByRole('heading', { level: 2, name: /Keskustelut/ }).waitFor();
    await ansa.getByRole('link', { name: threadTitle }).first().waitFor();
    await expectAccessible(ansa, 'forum-search-phone');
  });
});
