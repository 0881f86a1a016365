/**
 * The main things a resident does, with the keyboard alone: Tab, Shift+Tab, Enter, Space and the
 * arrow keys, never the mouse. At every focus stop the focused element must show a focus indicator
 * of its own (an outline or a shadow it does not have unfocused) that stands out 3:1 from what is
 * behind it; and Tab must get through every page and out of every widget.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fi } from '../client/i18n/fi.ts';
import { sv } from '../client/i18n/sv.ts';
import { signUpThroughMail } from '../server/auth/test-sign-up.ts';
import { linkIn, mailTo, waitForMail } from '../server/mail/test-mailbox.ts';
import { RoomTestClient } from '../server/rooms/test-client.ts';
import { signInOverHttp } from '../server/test-process.ts';
import { demoTownForThisFile } from './support/town-fixture.ts';

const town = demoTownForThisFile();
const threadTitle = 'Rantapuiston koirapuisto';
const pollQuestion = 'Siirretäänkö kesäkonsertti Rantapuistoon?';
let meetingId = '';
let threadId = '';

beforeAll(async () => {
  const [row] = await town.app.db.sql<{ id: string }[]>`
    select m.id from meetings m join spaces s on s.id = m.space_id where s.slug = 'ymparistofoorumi'`;
  meetingId = row!.id;
  const chair = await signInOverHttp(town.url, 'puheenjohtaja');
  const started = await fetch(`${town.url}/api/meetings/${meetingId}/start`, { method: 'POST', headers: { cookie: chair, 'content-type': 'application/json' }, body: '{}' });
  expect(started.status).toBe(200);
  const secretary = await signInOverHttp(town.url, 'sihteeri');
  const created = await fetch(`${town.url}/api/spaces/ymparistofoorumi/threads`, {
    method: 'POST',
    headers: { cookie: secretary, 'content-type': 'application/json' },
    body: JSON.stringify({ title: threadTitle, body: 'Voisiko Rantapuistoon tehdä aidatun koirapuiston?' }),
  });
  threadId = ((await created.json()) as { thread: { id: string } }).thread.id;
});

/** What one focus stop looked like, as the test records it in the page. */
interface FocusStop {
  key: number;
  label: string;
  inMain: boolean;
  problem: string | null;
}

/**
 * Runs in the page after each key press: judges the element that has just lost focus (its
 * unfocused look must differ from its focused one) and records the newly focused element's look.
 */
function recordFocus(judge: boolean): FocusStop & { left: string | null } {
  type Look = { outline: string; shadow: string; outlineColor: string; outlineVisible: boolean };
  const w = window as unknown as { kb?: { ids: WeakMap<Element, number>; next: number; last: { element: Element; look: Look; label: string } | null } };
  const kb = (w.kb ??= { ids: new WeakMap(), next: 1, last: null });
  const lookOf = (element: Element): Look => {
    const style = getComputedStyle(element);
    const outlineVisible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
    return { outline: outlineVisible ? `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : 'none', shadow: style.boxShadow, outlineColor: style.outlineColor, outlineVisible };
  };
  const rgb = (colour: string): [number, number, number, number] | null => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(colour);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
  };
  const luminance = ([r, g, b]: number[]) => {
    const [R, G, B] = [r!, g!, b!].map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!;
  };
  const backgroundBehind = (element: Element): [number, number, number, number] => {
    for (let node: Element | null = element.parentElement; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0.5) return colour;
    }
    return [255, 255, 255, 1];
  };
  const labelOf = (element: Element) => {
    const labelledBy = element.getAttribute('aria-labelledby');
    const text =
      element.getAttribute('aria-label') ??
      (labelledBy ? labelledBy.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ') : (element as HTMLElement).innerText) ??
      '';
    const role = element.getAttribute('role') ?? element.tagName.toLowerCase();
    return `${role}${element.id ? `#${element.id}` : ''} "${text.trim().replace(/\s+/g, ' ').slice(0, 50)}"`;
  };

  let left: string | null = null;
  if (kb.last && kb.last.element !== document.activeElement && kb.last.element.isConnected) {
    const unfocused = lookOf(kb.last.element);
    if (unfocused.outline === kb.last.look.outline && unfocused.shadow === kb.last.look.shadow) left = `${kb.last.label}: looks the same focused and unfocused`;
  }

  const element = document.activeElement;
  // Only what Tab and the arrow keys reach is judged: a skip link's target or a heading focused
  // for a screen reader after navigation need not look focused.
  if (!element || element === document.body || !judge) {
    kb.last = null;
    return { key: 0, label: 'body', inMain: false, problem: null, left };
  }
  if (!kb.ids.has(element)) kb.ids.set(element, kb.next++);
  const look = lookOf(element);
  const label = labelOf(element);
  kb.last = { element, look, label };
  let problem: string | null = null;
  if (!element.matches(':focus-visible')) problem = `${label}: not :focus-visible`;
  else if (!look.outlineVisible && look.shadow === 'none') problem = `${label}: no outline or shadow when focused`;
  else if (look.outlineVisible) {
    const outline = rgb(look.outlineColor);
    if (outline) {
      const [a, b] = [luminance(outline), luminance(backgroundBehind(element))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 3) problem = `${label}: focus outline contrast ${ratio.toFixed(2)}:1 against its background`;
    }
  }
  return { key: kb.ids.get(element)!, label, inMain: !!element.closest('main'), problem, left };
}

/** A keyboard-only visitor on one page, noting every focus stop and every problem with it. */
class KeyboardUser {
  readonly problems: string[] = [];
  stops = 0;
  constructor(readonly page: Page) {}

  async press(key: string): Promise<FocusStop> {
    await this.page.keyboard.press(key);
    const stop = await this.page.evaluate(recordFocus, /Tab|Arrow/.test(key));
    this.stops += 1;
    if (stop.left) this.problems.push(`${this.where()}: ${stop.left}`);
    if (stop.problem) this.problems.push(`${this.where()}: ${stop.problem}`);
    return stop;
  }

  where(): string {
    return new URL(this.page.url()).pathname;
  }

  /** Presses Tab (or Shift+Tab) until `target` has focus; fails after `max` presses. */
  async tabTo(target: Locator, { back = false, max = 120 } = {}): Promise<void> {
    for (let i = 0; i < max; i++) {
      await this.press(back ? 'Shift+Tab' : 'Tab');
      if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    }
    throw new Error(`${this.where()}: ${max} × ${back ? 'Shift+Tab' : 'Tab'} never reached ${target.toString()}`);
  }

  /**
   * Tabs from the skip link, the page's first stop, until focus leaves the page: each element
   * once, and the walk must end (a widget that keeps Tab inside it would use up the presses).
   */
  async walkWholePage(max = 300): Promise<string[]> {
    await this.page.getByRole('link', { name: fi['skip.toMain'] }).focus();
    const seen: number[] = [];
    const labels: string[] = [];
    for (let i = 0; i < max; i++) {
      const stop = await this.press('Tab');
      if (stop.key === 0) return labels;
      if (seen.includes(stop.key)) throw new Error(`${this.where()}: Tab went round in a loop at ${stop.label} after ${labels.slice(-5).join(', ')}`);
      seen.push(stop.key);
      labels.push(stop.label);
    }
    throw new Error(`${this.where()}: Tab never left the page after ${max} stops; the last were ${labels.slice(-8).join(', ')}`);
  }

  async focused(): Promise<string> {
    return this.page.evaluate(() => {
      const el = document.activeElement;
      return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}` : 'none';
    });
  }
}

async function keyboardUser(): Promise<KeyboardUser> {
  const page = await town.newPerson();
  // No transitions: the look of a focused element is read the moment it gets focus.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  return new KeyboardUser(page);
}

describe('with the keyboard alone', () => {
  it('skips to the content, signs in, replies in a thread, and Tab gets through every page', async () => {
    const user = await keyboardUser();
    const { page } = user;
    await page.goto(town.url);
    await page.getByRole('heading', { level: 1, name: fi['home.title'] }).waitFor();

    // The first Tab shows the skip link; Enter takes focus past the header into the content.
    const skip = page.getByRole('link', { name: fi['skip.toMain'] });
    await user.press('Tab');
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    const box = (await skip.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.height).toBeGreaterThan(10);
    await user.press('Enter');
    expect(await user.focused()).toBe('main#main');
    const afterSkip = await user.press('Tab');
    expect(afterSkip.inMain).toBe(true);

    // Home has no trap, and every stop has a visible focus.
    const homeStops = await user.walkWholePage();
    expect(homeStops.length).toBeGreaterThan(10);

    // Back up to the header's sign-in link with Shift+Tab, and sign in.
    await user.tabTo(page.getByRole('link', { name: fi['auth.signIn'] }).first());
    await user.press('Enter');
    await page.getByRole('heading', { level: 1, name: fi['signin.title'] }).waitFor();
    await user.tabTo(page.getByLabel(fi['field.email']));
    await page.keyboard.type('asukas@pihlajalahti.example');
    await user.tabTo(page.getByLabel(fi['field.password']));
    await page.keyboard.type('pihlajalahti-demo');
    await user.press('Enter');
    await page.getByText('Kirjautuneena: Aino Asukas').waitFor();

    // To the forum, the thread, and a reply.
    await page.getByRole('heading', { level: 1, name: fi['home.title'] }).waitFor();
    await user.tabTo(page.getByRole('link', { name: 'Ympäristöfoorumi', exact: true }).first());
    await user.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Ympäristöfoorumi' }).waitFor();
    await user.tabTo(page.getByRole('link', { name: threadTitle }));
    await user.press('Enter');
    await page.getByRole('heading', { level: 1, name: threadTitle }).waitFor();
    await user.tabTo(page.getByLabel(fi['thread.replyField']));
    await page.keyboard.type('Hyvä ajatus, kannatan.');
    await user.tabTo(page.getByRole('button', { name: fi['thread.replySubmit'] }));
    await user.press('Space');
    await page.getByText('Hyvä ajatus, kannatan.').waitFor();
    expect(page.url()).toBe(`${town.url}/threads/${threadId}`);
    await user.walkWholePage();

    expect(user.problems).toEqual([]);
  });

  it('joins a meeting, raises a hand, chats, votes in a poll and switches to Swedish', async () => {
    const user = await keyboardUser();
    const { page } = user;
    await town.signIn(page, 'asukas@pihlajalahti.example', 'Aino Asukas');
    await page.goto(`${town.url}/meetings/${meetingId}`);
    await user.tabTo(page.getByRole('link', { name: fi['meeting.join'] }));
    await user.press('Enter');
    await page.getByRole('status').filter({ hasText: fi['room.connection.connected'] }).waitFor();

    // A hand up with Space; focus stays where the person is.
    await user.tabTo(page.getByRole('button', { name: fi['room.queue.raise'] }));
    await user.press('Space');
    await page.getByText(fi['room.queue.yourPlace'].replace('{position}', '1')).waitFor();
    expect(await user.focused()).not.toBe('body');

    // The tools are tabs: the arrow keys move between them, Tab goes into the panel.
    await user.tabTo(page.getByRole('tab', { selected: true }), { back: true });
    await user.press('ArrowRight');
    expect(await page.getByRole('tab', { name: fi['room.tab.chat'] }).getAttribute('aria-selected')).toBe('true');
    await user.tabTo(page.getByLabel(fi['room.chat.label']));
    await page.keyboard.type('Kuuluuko ääni salissa?');
    await user.press('Enter');
    await page.getByRole('region', { name: fi['room.chat.messages'] }).getByText('Kuuluuko ääni salissa?').waitFor();

    // The chair opens a poll from elsewhere; the person moves to the polls tab and votes.
    const chair = await RoomTestClient.connect(town.url, meetingId, { cookie: await signInOverHttp(town.url, 'puheenjohtaja') });
    try {
      await chair.welcome();
      const opened = await chair.request({ type: 'poll.open', question: pollQuestion, options: ['Kyllä', 'Ei'], multiple: false, resultsWhile: 'open' });
      expect(opened.type).toBe('ack');
    } finally {
      await chair.close();
    }
    await user.tabTo(page.getByRole('tab', { selected: true }), { back: true });
    await user.press('ArrowRight');
    await user.press('ArrowRight');
    expect(await page.getByRole('tab', { name: new RegExp(`^${fi['room.tab.polls']}`) }).getAttribute('aria-selected')).toBe('true');
    const poll = page.getByRole('article', { name: pollQuestion });
    await user.tabTo(poll.getByRole('radio', { name: 'Kyllä' }));
    await user.press('ArrowDown');
    expect(await poll.getByRole('radio', { name: 'Ei' }).isChecked()).toBe(true);
    await user.press('ArrowUp');
    expect(await poll.getByRole('radio', { name: 'Kyllä' }).isChecked()).toBe(true);
    await user.tabTo(poll.getByRole('button', { name: new RegExp(`^${fi['room.polls.vote']}`) }));
    await user.press('Enter');
    await poll.getByText(fi['room.polls.voted']).waitFor();

    // The shared notes: into the rich-text editor, write, and Tab leaves it again.
    await user.tabTo(page.getByRole('tab', { selected: true }), { back: true });
    await user.press('ArrowRight');
    await user.press('ArrowRight');
    const notes = page.getByRole('textbox', { name: fi['notes.editorLabel'] });
    await expect.poll(() => notes.getAttribute('contenteditable'), { timeout: 30_000 }).toBe('true');
    await user.tabTo(notes);
    await page.keyboard.type('Ääni kuuluu hyvin.');
    await notes.getByText('Ääni kuuluu hyvin.').waitFor();
    // Enter acts where the caret is, also right after a key the browser moves the caret with
    // (Home here), before the editor has heard of the move: both happen in one turn of the page.
    await notes.evaluate((editor) => {
      const line = [...editor.querySelectorAll('p')].find((p) => p.textContent?.startsWith('Ääni kuuluu'))!;
      window.getSelection()!.collapse(line.firstChild!, 'Ääni'.length);
      editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => notes.locator('p').allTextContents()).toEqual(['Ääni', ' kuuluu hyvin.']);
    await user.press('Tab');
    expect(await notes.evaluate((el) => el.contains(document.activeElement))).toBe(false);

    // Tab gets through the whole room, the editor's toolbar and the editor included, and out of it.
    const roomStops = await user.walkWholePage();
    expect(roomStops.length).toBeGreaterThan(12);
    expect(roomStops.some((stop) => stop.includes(fi['notes.editorLabel']))).toBe(true);

    // Back up to the language switch and into Swedish; focus stays on the switch.
    await user.tabTo(page.getByRole('button', { name: 'Svenska' }), { back: true, max: 200 });
    await user.press('Enter');
    await page.getByRole('tab', { name: sv['room.tab.chat'] }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    expect(await page.getByRole('button', { name: 'Svenska' }).evaluate((el) => el === document.activeElement)).toBe(true);

    expect(user.problems).toEqual([]);
  });

  it('asks for a new password from the sign-in page and chooses it from the mail', async () => {
    const email = 'nappaimisto@example.fi';
    await signUpThroughMail(town.app, { email, password: 'näppäimistön salasana', displayName: 'Noora Näppäin' });
    const user = await keyboardUser();
    const { page } = user;
    await page.goto(`${town.url}/signin`);
    await page.getByRole('heading', { level: 1, name: fi['signin.title'] }).waitFor();
    await user.tabTo(page.getByRole('link', { name: fi['signin.forgotPassword'] }));
    await user.press('Enter');
    await page.getByRole('heading', { level: 1, name: fi['forgot.title'] }).waitFor();
    await user.tabTo(page.getByLabel(fi['field.email']));
    await page.keyboard.type(email);
    await user.press('Enter');
    // The notice that replaces the form has the focus.
    await page.getByText(fi['forgot.done'].replace('{email}', email)).waitFor();
    expect(await user.focused()).toBe('div');
    await user.walkWholePage();

    const mail = await waitForMail(town.mailbox, (m) => mailTo(email)(m) && (m.text ?? '').includes('/reset-password?token='));
    await page.goto(linkIn(mail, '/reset-password').href);
    await page.getByRole('heading', { level: 1, name: fi['reset.title'] }).waitFor();
    await user.tabTo(page.getByLabel(fi['reset.password']));
    await page.keyboard.type('uusi näppäilty salasana');
    await user.press('Enter');
    await page.getByText(fi['reset.done']).waitFor();
    await user.tabTo(page.getByRole('main').getByRole('link', { name: fi['auth.signIn'] }));
    await user.press('Enter');
    await page.getByRole('heading', { level: 1, name: fi['signin.title'] }).waitFor();
    await user.tabTo(page.getByLabel(fi['field.email']));
    await page.keyboard.type(email);
    await user.tabTo(page.getByLabel(fi['field.password']));
    await page.keyboard.type('uusi näppäilty salasana');
    await user.press('Enter');
    await page.getByText('Kirjautuneena: Noora Näppäin').waitFor();

    expect(user.problems).toEqual([]);
  });
});
