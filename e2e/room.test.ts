import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { viewports } from './support/browser.ts';
import { demoTownForThisFile, expectAccessible } from './support/town-fixture.ts';

const town = demoTownForThisFile();
const { newPerson, signIn } = town;

const connected = (page: Page) => page.getByRole('status').filter({ hasText: 'Yhteys toimii' }).waitFor();
const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
const queueOrder = (page: Page) => page.getByRole('list', { name: 'Puheenvuoroa odottavat' }).locator('.name').allTextContents();
const speaker = (page: Page): Locator => page.getByRole('region', { name: 'Puheenvuorossa nyt' });

const pollQuestion = 'Siirretäänkö kesäkonsertti Rantapuistoon?';

describe('the live meeting room', () => {
  it('runs a speaker queue and a poll for a chair and two participants, and keeps it all over a reload', async () => {
    // The chair finds tonight's meeting of the culture forum, starts it and opens the room.
    const paavo = await newPerson();
    await signIn(paavo, 'puheenjohtaja@pihlajalahti.example', 'Paavo Puhemies');
    const list = await paavo.request.get(`${town.url}/api/spaces/kulttuurifoorumi/meetings`);
    const meetingId = ((await list.json()) as { meetings: { id: string }[] }).meetings[0]!.id;
    const started = await paavo.request.post(`${town.url}/api/meetings/${meetingId}/start`, { data: {} });
    expect(started.status()).toBe(200);
    await paavo.goto(`${town.url}/meetings/${meetingId}`);
    await paavo.getByRole('link', { name: 'Liity tilaisuuteen' }).click();
    await paavo.getByRole('heading', { level: 1, name: 'Kesän tapahtumakalenteri' }).waitFor();
    await connected(paavo);
    const roomUrl = `${town.url}/meetings/${meetingId}/room`;
    expect(paavo.url()).toBe(roomUrl);

    // Two participants join: Aino on her phone, Saana on a laptop.
    const aino = await newPerson(viewports.phone);
    await signIn(aino, 'asukas@pihlajalahti.example', 'Aino Asukas');
    await aino.goto(roomUrl);
    await connected(aino);
    const saana = await newPerson();
    await signIn(saana, 'sihteeri@pihlajalahti.example', 'Saana Kirjuri');
    await saana.goto(roomUrl);
    await connected(saana);

    // They ask for the floor, Aino first; all three see the same queue.
    await aino.getByRole('button', { name: 'Pyydä puheenvuoroa' }).click();
    await aino.getByText('Olet jonossa sijalla 1.').waitFor();
    await saana.getByRole('button', { name: 'Pyydä puheenvuoroa' }).click();
    await saana.getByText('Olet jonossa sijalla 2.').waitFor();
    for (const page of [paavo, aino, saana]) {
      await expect.poll(() => queueOrder(page)).toEqual(['Aino Asukas', 'Saana Kirjuri']);
    }
    await expectAccessible(aino, 'room-queue-phone');

    // The chair gives the floor to the next: everyone sees Aino speaking, with a running timer.
    await paavo.getByRole('checkbox', { name: 'Etusija niille, jotka eivät ole vielä puhuneet' }).waitFor();
    await paavo.getByRole('button', { name: 'Anna puheenvuoro seuraavalle' }).click();
    await speaker(paavo).getByText('Aino Asukas').waitFor();
    await speaker(saana).getByText('Aino Asukas').waitFor();
    await speaker(aino).getByText('Sinulla on puheenvuoro').waitFor();
    await speaker(aino).getByText(/kesto 0:0[0-9]/).waitFor();
    for (const page of [paavo, aino, saana]) await expect.poll(() => queueOrder(page)).toEqual(['Saana Kirjuri']);
    await expectAccessible(paavo, 'room-chair-queue');

    // The chair opens a poll with results shown live.
    await tab(paavo, 'Äänestykset');
    await paavo.getByRole('button', { name: 'Uusi äänestys' }).click();
    await paavo.getByLabel('Kysymys').fill(pollQuestion);
    await paavo.getByLabel('Vaihtoehto 1').fill('Kyllä');
    await paavo.getByLabel('Vaihtoehto 2').fill('Ei');
    await expectAccessible(paavo);
    await paavo.getByRole('button', { name: 'Avaa äänestys' }).click();
    await paavo.getByRole('heading', { level: 3, name: pollQuestion }).waitFor();

    // Both participants vote; Saana also writes in the chat.
    for (const [page, choice] of [[aino, 'Kyllä'], [saana, 'Ei']] as const) {
      await tab(page, 'Äänestykset');
      const poll = page.getByRole('article', { name: pollQuestion });
      await poll.getByRole('radio', { name: choice }).check();
      await poll.getByRole('button', { name: /^Äänestä/ }).click();
      await poll.getByText('Äänesi laskettiin.').waitFor();
    }
    await expectAccessible(aino, 'room-poll-phone');
    await tab(saana, 'Chat');
    await saana.getByLabel('Viestisi').fill('Rantapuisto sopisi hyvin, jos sää suosii.');
    await saana.getByRole('button', { name: 'Lähetä' }).click();
    await saana.getByRole('region', { name: 'Chat-viestit' }).getByText('Rantapuisto sopisi hyvin, jos sää suosii.').waitFor();

    // The chair closes the poll: everyone sees the same results, hall, remote and total apart.
    const closing = paavo.getByRole('article', { name: pollQuestion });
    await closing.getByRole('row', { name: /Kyllä/ }).getByRole('cell').last().filter({ hasText: '1' }).waitFor();
    await closing.getByRole('button', { name: /^Sulje äänestys/ }).click();
    for (const page of [paavo, aino, saana]) {
      await tab(page, 'Äänestykset');
      const poll = page.getByRole('article', { name: pollQuestion });
      await poll.getByText('Suljettu').waitFor();
      await poll.getByRole('table', { name: /Tulokset/ }).waitFor();
      for (const option of ['Kyllä', 'Ei']) {
        // Hall (not entered), remote, total.
        await expect.poll(() => poll.getByRole('row', { name: new RegExp(`^${option}`) }).getByRole('cell').allTextContents()).toEqual(['–', '1', '1']);
      }
    }
    await expectAccessible(saana, 'room-poll-closed');

    // Aino reloads: the queue, the poll results and the chat are all still there.
    await aino.reload();
    await connected(aino);
    await expect.poll(() => queueOrder(aino)).toEqual(['Saana Kirjuri']);
    await speaker(aino).getByText('Sinulla on puheenvuoro').waitFor();
    await tab(aino, 'Äänestykset');
    const after = aino.getByRole('article', { name: pollQuestion });
    await after.getByText('Suljettu').waitFor();
    expect(await after.getByRole('row', { name: /^Kyllä/ }).getByRole('cell').allTextContents()).toEqual(['–', '1', '1']);
    await after.getByText('Äänestit: Kyllä').waitFor();
    await tab(aino, 'Chat');
    await aino.getByRole('region', { name: 'Chat-viestit' }).getByText('Rantapuisto sopisi hyvin, jos sää suosii.').waitFor();
    // Nothing spills sideways on a narrow 360 px phone.
    await aino.setViewportSize({ width: 360, height: 780 });
    expect(await aino.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectAccessible(aino, 'room-after-reload-phone');

    // The chair's moderation tab, with the hall check-in link.
    await tab(paavo, 'Moderointi');
    await paavo.getByText(/\/room\?checkin=/).waitFor();
    await expectAccessible(paavo, 'room-chair-moderation');
  });
});
