/**
 * The server goes away in the middle of a live meeting and comes back on the same address: first
 * in a crash (its process killed), then as an operator restarts it (a graceful close). The pages
 * already open reconnect by themselves, without a reload, and everything in the room is as it was.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { DEMO_PASSWORD } from '../db/demo-town.ts';
import { openBrowser, viewports, type Browser } from './support/browser.ts';
import { whenEditable } from './support/editor.ts';
import { startRestartableTown, type RestartableTown } from './support/restartable-town.ts';
import { artifactsDir } from './support/server.ts';

/** The longest a page may take to be connected again once the server listens. */
const RECONNECT_LIMIT_MS = 10_000;

const pollQuestion = 'Pidetäänkö kirjasto auki sunnuntaisin?';
const chatBefore = ['Tervetuloa kokoukseen, aloitetaan.', 'Kiitos, kuuluu hyvin.'];
const notesBefore = ['Saana: kirjaston aukiolo esillä.', 'Aino: sunnuntai olisi perheille paras.'];

let town: RestartableTown;
const browsers: Browser[] = [];

beforeAll(async () => {
  town = await startRestartableTown();
});
afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await town?.destroy();
});

interface Person {
  name: string;
  browser: Browser;
  page: Page;
  /** Their choice in the poll, once they have voted. */
  vote?: string;
}

async function person(name: string, email: string, viewport: { width: number; height: number } = viewports.laptop): Promise<Person> {
  const browser = await openBrowser(viewport);
  browsers.push(browser);
  const { page } = browser;
  await page.goto(`${town.url}/signin`);
  await page.getByLabel('Sähköpostiosoite').fill(email);
  await page.getByLabel('Salasana').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.getByText(`Kirjautuneena: ${name}`).waitFor();
  return { name, browser, page };
}

const connected = (page: Page) => page.getByRole('status').filter({ hasText: 'Yhteys toimii' }).waitFor();
const notesSaved = (page: Page) => page.getByRole('status').filter({ hasText: 'Tallennettu ja jaettu' }).waitFor();
const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
const notes = (page: Page) => page.getByRole('textbox', { name: 'Kokouksen muistiinpanot' });
const chatTexts = (page: Page) => page.getByRole('region', { name: 'Chat-viestit' }).locator('.text').allTextContents();
const queueOrder = (page: Page) => page.getByRole('list', { name: 'Puheenvuoroa odottavat' }).locator('.name').allTextContents();
/** The notes' paragraphs as a reader hears them: without the co-editors' carets and their names. */
const notesParagraphs = async (page: Page) => {
  const paragraphs = await notes(page)
    .locator('p')
    .evaluateAll((elements) =>
      elements.map((element) => {
        const copy = element.cloneNode(true) as Element;
        for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
        return copy.textContent ?? '';
      }),
    );
  return paragraphs.filter(Boolean);
};
const poll = (page: Page) => page.getByRole('article', { name: pollQuestion });
const resultCells = (page: Page, option: string) => poll(page).getByRole('row', { name: new RegExp(`^${option}`) }).getByRole('cell').allTextContents();

async function sendChat(page: Page, text: string): Promise<void> {
  await tab(page, 'Chat');
  await page.getByLabel('Viestisi').fill(text);
  await page.getByRole('button', { name: 'Lähetä' }).click();
  await page.getByRole('region', { name: 'Chat-viestit' }).getByText(text).waitFor();
}

/** Adds a paragraph at the end of the notes, once the page shows the paragraphs `before` it. */
async function writeNotes(page: Page, before: string[], text: string): Promise<void> {
  await tab(page, 'Muistiinpanot');
  // Typed before the others' lines arrive, the text would join their paragraph when they merge.
  await expect.poll(() => notesParagraphs(page)).toEqual(before);
  await whenEditable(notes(page));
  const startsNewParagraph = before.length > 0;
  // The click lands mid-text; a sync arriving at that moment may keep the caret there, so the
  // move to the end is checked before typing (else the line would split another's paragraph).
  // On a busy machine the first click may also come before the editor takes focus: click again.
  await expect
    .poll(
      async () => {
        if (!(await notes(page).evaluate((editor) => editor.contains(document.activeElement)))) await notes(page).click();
        await page.keyboard.press('Control+End');
        return caretAtEnd(page);
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  if (startsNewParagraph) await page.keyboard.press('Enter');
  await page.keyboard.type(text);
}

/** Whether the caret is collapsed after the last character of the focused editor (others' carets aside). */
function caretAtEnd(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const selection = window.getSelection();
    const editor = document.activeElement;
    if (!selection?.isCollapsed || !selection.focusNode || !editor?.contains(selection.focusNode)) return false;
    const rest = document.createRange();
    rest.setStart(selection.focusNode, selection.focusOffset);
    rest.setEndAfter(editor.lastChild ?? editor);
    // Another person's caret may stand at the end too: its name label is not text of the notes.
    const after = rest.cloneContents();
    for (const caret of after.querySelectorAll('.collab-caret, [aria-hidden="true"]')) caret.remove();
    return after.textContent === '';
  });
}

/** What a page showed, entered on each change: whether the room is connected and the notes saved, and its status texts. */
interface RestartWatch {
  log: { at: number; room: boolean; notes: boolean; text: string }[];
}

/**
 * From now on the page notes, every 50 ms, whether it says the room is connected and the notes
 * are saved. Kept on `window`: that it survives the restart also shows the page was not reloaded.
 */
async function watchConnection(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { restartWatch?: RestartWatch };
    if (w.restartWatch) {
      w.restartWatch.log.length = 0;
      return;
    }
    const log: RestartWatch['log'] = [];
    w.restartWatch = { log };
    setInterval(() => {
      const texts = [...document.querySelectorAll('[role="status"]')].map((e) => e.textContent?.trim() ?? '');
      const entry = { at: Date.now(), room: texts.includes('Yhteys toimii'), notes: texts.includes('Tallennettu ja jaettu'), text: texts.join(' | ') };
      const last = log.at(-1);
      if (!last || last.room !== entry.room || last.notes !== entry.notes || last.text !== entry.text) log.push(entry);
    }, 50);
  });
}

interface Reconnection {
  /** What the page said while the server was away. */
  saidWhileAway: string[];
  /** Milliseconds from the server listening again until the page showed each connection working. */
  room: number;
  notes: number;
}

async function reconnectionOf(page: Page, droppedAfter: number, backAt: number): Promise<Reconnection> {
  const log = await page.evaluate(() => (window as unknown as { restartWatch?: RestartWatch }).restartWatch?.log);
  if (!log) throw new Error('the page was reloaded: its connection watch is gone');
  const after = log.filter((entry) => entry.at >= droppedAfter);
  const back = (key: 'room' | 'notes') => {
    const dropped = after.findIndex((entry) => !entry[key]);
    if (dropped < 0) throw new Error(`the page never showed its ${key} connection lost`);
    const again = after.slice(dropped).find((entry) => entry[key]);
    if (!again) throw new Error(`the page did not show its ${key} connection back`);
    return again.at - backAt;
  };
  const away = after.filter((entry) => !entry.room).map((entry) => entry.text);
  return { saidWhileAway: [...new Set(away)], room: back('room'), notes: back('notes') };
}

/** Closes the server (or it crashes), starts a new one on the same port, and waits for every page to be back. */
async function restart(people: Person[], how: 'restart' | 'crash'): Promise<Map<Person, Reconnection>> {
  for (const { page } of people) await watchConnection(page);
  const stopping = Date.now();
  await (how === 'crash' ? town.crash() : town.close());
  const stopped = Date.now();
  await town.start();
  const backAt = Date.now();
  for (const { page } of people) {
    await connected(page);
    await notesSaved(page);
  }
  const reconnections = new Map<Person, Reconnection>();
  for (const p of people) reconnections.set(p, await reconnectionOf(p.page, stopping, backAt));
  const figures = [...reconnections].map(([p, r]) => `${p.name} ${seconds(r.room)} (notes ${seconds(r.notes)})`).join(', ');
  console.log(`server-restart, ${how}: stopped in ${seconds(stopped - stopping)}, started in ${seconds(backAt - stopped)}; connected again after the server was back: ${figures}`);
  return reconnections;
}

async function screenshots(people: Person[], prefix: string): Promise<void> {
  for (const { page, name } of people) {
    await page.screenshot({ path: join(artifactsDir, `${prefix}-${name.split(' ')[0]!.toLowerCase()}.png`), fullPage: true });
  }
}

function expectBackInTime(reconnections: Map<Person, Reconnection>): void {
  for (const [p, reconnection] of reconnections) {
    expect(reconnection.room, `${p.name}'s room connection`).toBeLessThanOrEqual(RECONNECT_LIMIT_MS);
    expect(reconnection.notes, `${p.name}'s notes connection`).toBeLessThanOrEqual(RECONNECT_LIMIT_MS);
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Everything the room held before the restart is there, on every page. */
async function expectRoomIntact(people: Person[], chat: string[], notesTexts: string[]): Promise<void> {
  for (const { page, name, vote } of people) {
    await tab(page, 'Chat');
    await expect.poll(() => chatTexts(page), { message: `${name}'s chat` }).toEqual(chat);
    await tab(page, 'Puheenvuorot');
    await expect.poll(() => queueOrder(page), { message: `${name}'s queue` }).toEqual(['Aino Asukas', 'Saana Kirjuri']);
    // Everyone is back in the room: no one in the queue is marked away.
    await expect.poll(() => page.getByRole('list', { name: 'Puheenvuoroa odottavat' }).getByText('poissa').count()).toBe(0);
    await tab(page, 'Äänestykset');
    await poll(page).getByText('Auki', { exact: true }).waitFor();
    for (const option of ['Kyllä', 'Ei']) {
      await expect.poll(() => resultCells(page, option), { message: `${name}'s results for ${option}` }).toEqual(['–', '1', '1']);
    }
    // A voter's form still holds their own vote, to change it while the poll is open.
    if (vote) expect(await poll(page).getByRole('radio', { name: vote }).isChecked(), `${name}'s vote`).toBe(true);
    await tab(page, 'Muistiinpanot');
    await expect.poll(() => notesParagraphs(page), { message: `${name}'s notes` }).toEqual(notesTexts);
  }
}

describe('a server restart during a live meeting', () => {
  it('brings every page back by itself, without a reload, with chat, queue, poll and notes intact', async () => {
    const paavo = await person('Paavo Puhemies', 'puheenjohtaja@pihlajalahti.example');
    const list = await paavo.page.request.get(`${town.url}/api/spaces/ymparistofoorumi/meetings`);
    const meetingId = ((await list.json()) as { meetings: { id: string }[] }).meetings[0]!.id;
    expect((await paavo.page.request.post(`${town.url}/api/meetings/${meetingId}/start`, { data: {} })).status()).toBe(200);
    const aino = await person('Aino Asukas', 'asukas@pihlajalahti.example', viewports.phone);
    const saana = await person('Saana Kirjuri', 'sihteeri@pihlajalahti.example');
    const people = [paavo, aino, saana];
    onTestFailed(() => screenshots(people, 'server-restart-failed'));
    const roomUrl = `${town.url}/meetings/${meetingId}/room`;
    for (const { page } of people) {
      await page.goto(roomUrl);
      await connected(page);
      // Opened once, the notes stay connected while other tabs are shown.
      await tab(page, 'Muistiinpanot');
      await notesSaved(page);
    }

    // The meeting under way: a chat, a queue of two, an open poll with live results and a vote each, shared notes.
    await sendChat(paavo.page, chatBefore[0]!);
    await sendChat(aino.page, chatBefore[1]!);
    for (const [{ page }, place] of [[aino, 1], [saana, 2]] as const) {
      await tab(page, 'Puheenvuorot');
      await page.getByRole('button', { name: 'Pyydä puheenvuoroa' }).click();
      await page.getByText(`Olet jonossa sijalla ${place}.`).waitFor();
    }
    await tab(paavo.page, 'Äänestykset');
    await paavo.page.getByRole('button', { name: 'Uusi äänestys' }).click();
    await paavo.page.getByLabel('Kysymys').fill(pollQuestion);
    await paavo.page.getByLabel('Vaihtoehto 1').fill('Kyllä');
    await paavo.page.getByLabel('Vaihtoehto 2').fill('Ei');
    await paavo.page.getByRole('button', { name: 'Avaa äänestys' }).click();
    for (const [voter, choice] of [[aino, 'Kyllä'], [saana, 'Ei']] as const) {
      await tab(voter.page, 'Äänestykset');
      await poll(voter.page).getByRole('radio', { name: choice }).check();
      await poll(voter.page).getByRole('button', { name: /^Äänestä/ }).click();
      await poll(voter.page).getByText('Äänesi laskettiin.').waitFor();
      voter.vote = choice;
    }
    await writeNotes(saana.page, [], notesBefore[0]!);
    await writeNotes(aino.page, notesBefore.slice(0, 1), notesBefore[1]!);
    // Each page now shows all of it; the notes came to the others through the server, which stores an edit before it passes it on.
    await expectRoomIntact(people, chatBefore, notesBefore);

    // The server crashes, and a new one is started on the same database and port.
    expectBackInTime(await restart(people, 'crash'));
    await expectRoomIntact(people, chatBefore, notesBefore);
    await screenshots(people, 'server-crash');

    // The connections really work: a message and an edit made now reach the others.
    const chatAfterCrash = [...chatBefore, 'Palvelin kävi välillä poissa, jatketaan.'];
    await sendChat(saana.page, chatAfterCrash.at(-1)!);
    const notesAfterCrash = [...notesBefore, 'Saana: palvelin kävi poissa, muistiinpanot tallessa.'];
    await writeNotes(saana.page, notesBefore, notesAfterCrash.at(-1)!);
    await expectRoomIntact(people, chatAfterCrash, notesAfterCrash);

    // Then an operator restarts the server: the pages are told so and come back by themselves.
    const graceful = await restart(people, 'restart');
    expectBackInTime(graceful);
    for (const [p, reconnection] of graceful) {
      expect(reconnection.saidWhileAway.join(' '), `${p.name} while the server restarted`).toContain('Palvelin käynnistyy uudelleen.');
    }
    await expectRoomIntact(people, chatAfterCrash, notesAfterCrash);
    await screenshots(people, 'server-restart');

    // The chair carries on: the floor goes to the first in the queue, and everyone sees it.
    await tab(paavo.page, 'Puheenvuorot');
    await paavo.page.getByRole('button', { name: 'Anna puheenvuoro seuraavalle' }).click();
    await aino.page.getByText('Sinulla on puheenvuoro').first().waitFor();
    for (const { page } of people) {
      await tab(page, 'Puheenvuorot');
      await expect.poll(() => queueOrder(page)).toEqual(['Saana Kirjuri']);
    }
    await sendChat(aino.page, 'Kiitos puheenvuorosta.');
    for (const { page } of [paavo, saana]) {
      await tab(page, 'Chat');
      await page.getByRole('region', { name: 'Chat-viestit' }).getByText('Kiitos puheenvuorosta.').waitFor();
    }
    for (const p of people) expect(p.browser.cspViolations, p.name).toEqual([]);
  }, 170_000);
});
