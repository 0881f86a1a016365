/**
 * The room tells screen readers what happens without flooding them: a burst of chat is summed up
 * in a few polite announcements instead of one per message, a poll opening in the middle of it is
 * still said in words, and a summary that happens to read the same as the one before is said again.
 *
 * What a screen reader would be told is taken from the page itself: every change of text in any
 * live region (aria-live, role=status, role=alert, role=log), in order.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fi } from '../client/i18n/fi.ts';
import { RoomTestClient } from '../server/rooms/test-client.ts';
import { signInOverHttp } from '../server/test-process.ts';
import { viewports } from './support/browser.ts';
import { demoTownForThisFile } from './support/town-fixture.ts';

const town = demoTownForThisFile();
let meetingId = '';

beforeAll(async () => {
  const [row] = await town.app.db.sql<{ id: string }[]>`
    select m.id from meetings m join spaces s on s.id = m.space_id where s.slug = 'kulttuurifoorumi'`;
  meetingId = row!.id;
  const chair = await signInOverHttp(town.url, 'puheenjohtaja');
  const started = await fetch(`${town.url}/api/meetings/${meetingId}/start`, { method: 'POST', headers: { cookie: chair, 'content-type': 'application/json' }, body: '{}' });
  expect(started.status).toBe(200);
});

/** Starts recording every text change of every live region of the page. */
async function listenToLiveRegions(page: Page): Promise<void> {
  await page.evaluate(() => {
    const selector = '[aria-live], [role="status"], [role="alert"], [role="log"]';
    const said: string[] = [];
    const last = new WeakMap<Element, string>();
    (window as unknown as { liveRegionsSaid: string[] }).liveRegionsSaid = said;
    for (const region of document.querySelectorAll(selector)) last.set(region, region.textContent ?? '');
    new MutationObserver((mutations) => {
      const changed = new Set<Element>();
      for (const mutation of mutations) {
        const target = mutation.target instanceof Element ? mutation.target : mutation.target.parentElement;
        const region = target?.closest(selector);
        if (region) changed.add(region);
      }
      for (const region of changed) {
        const text = region.textContent ?? '';
        if (text === last.get(region)) continue;
        last.set(region, text);
        if (text.trim()) said.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

const saidSoFar = (page: Page) => page.evaluate(() => [...(window as unknown as { liveRegionsSaid: string[] }).liveRegionsSaid]);

/** The chat messages counted in an announcement ("Uusia chat-viestejä: 12."), 0 when it names none. */
const escaped = (text: string) => text.replace(/[.*+?^$()[\]\\|{}]/g, '\\$&');
const [beforeCount = '', afterCount = ''] = fi['room.announce.chat'].split('{count}');
const chatPattern = new RegExp(`${escaped(beforeCount)}(\\d+)${escaped(afterCount)}`);
const chatCount = (announcement: string) => Number(chatPattern.exec(announcement)?.[1] ?? 0);
const chatTotal = (announcements: string[]) => announcements.reduce((sum, a) => sum + chatCount(a), 0);

async function chatBurst(sockets: RoomTestClient[], messages: number, label: string): Promise<void> {
  await Promise.all(
    Array.from({ length: messages }, async (_, i) => {
      const answer = await sockets[i % sockets.length]!.request({ type: 'chat.send', text: `${label} ${i + 1}` });
      expect(answer.type).toBe('ack');
    }),
  );
}

describe('live announcements in the room', () => {
  it('sums up a burst of 30 chat messages in a few announcements and still says that a poll opened', async () => {
    const aino = await town.newPerson(viewports.phone);
    await town.signIn(aino, 'asukas@pihlajalahti.example', 'Aino Asukas');
    await aino.goto(`${town.url}/meetings/${meetingId}/room`);
    await aino.getByRole('status').filter({ hasText: fi['room.connection.connected'] }).waitFor();
    await listenToLiveRegions(aino);

    const chair = await RoomTestClient.connect(town.url, meetingId, { cookie: await signInOverHttp(town.url, 'puheenjohtaja') });
    const secretary = await RoomTestClient.connect(town.url, meetingId, { cookie: await signInOverHttp(town.url, 'sihteeri') });
    try {
      await Promise.all([chair.welcome(), secretary.welcome()]);
      const question = 'Siirretäänkö kesäkonsertti Rantapuistoon?';
      await Promise.all([
        chatBurst([chair, secretary], 30, 'Viesti'),
        chair.request({ type: 'poll.open', question, options: ['Kyllä', 'Ei'], multiple: false, resultsWhile: 'open' }),
      ]);

      // All 30 are counted, in a handful of summaries, and the poll is named among them.
      await expect.poll(async () => chatTotal(await saidSoFar(aino)), { timeout: 60_000 }).toBe(30);
      const burst = await saidSoFar(aino);
      expect(burst.length, burst.join(' | ')).toBeLessThanOrEqual(5);
      expect(burst.some((a) => a.includes(fi['room.announce.pollOpened'].replace('{question}', question)))).toBe(true);
      // Every one is the room's summary, not a message read out on its own.
      expect(burst.filter((a) => a.includes('Viesti '))).toEqual([]);

      // One message, then another: the second summary reads as the first and must be said too.
      await chatBurst([secretary], 1, 'Yksittäinen');
      await expect.poll(async () => chatTotal(await saidSoFar(aino)), { timeout: 60_000 }).toBe(31);
      await chatBurst([secretary], 1, 'Toinen');
      await expect.poll(async () => chatTotal(await saidSoFar(aino)), { timeout: 60_000 }).toBe(32);
      const all = await saidSoFar(aino);
      expect(all.length).toBeLessThanOrEqual(burst.length + 2);
    } finally {
      await Promise.all([chair.close(), secretary.close()]);
    }
  });
});
