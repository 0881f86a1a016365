import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../db/demo-town.ts';
import type { ServerMessage } from '../server/protocol/room-messages.ts';
import { RoomTestClient } from '../server/rooms/test-client.ts';
import { signInOverHttp, upcomingMeetingOf } from '../server/test-process.ts';
import { viewports } from './support/browser.ts';
import { keepsReceiving, mediaStatus, received, recordPeerConnections } from './support/media-stats.ts';
import { artifactsDir } from './support/server.ts';
import { demoTownForThisFile, expectAccessible } from './support/town-fixture.ts';

/**
 * Journey 1 of BRIEF.md: a resident opens the link of tonight's town-hall broadcast on a phone,
 * without an account, and watches the stage; signs in with one step and is back in the room; asks a
 * question, upvotes another, votes in a poll; refreshes mid-meeting and finds all of it where it
 * was; after the meeting reads the published minutes.
 */
const town = demoTownForThisFile({ mediaWorkers: 2 });
const sockets: RoomTestClient[] = [];
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
});

const otherQuestion = 'Miten talousarvio vaikuttaa lähikirjastoihin?';
const ownQuestion = 'Korjataanko Koulukadun kevyen liikenteen väylä ensi vuonna?';
const pollQuestion = 'Pidennetäänkö uimahallin aukioloaikoja?';

async function post(path: string, cookie: string): Promise<void> {
  const response = await fetch(`${town.url}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function roomSocket(meetingId: string, who: string): Promise<RoomTestClient> {
  const socket = await RoomTestClient.connect(town.url, meetingId, { cookie: await signInOverHttp(town.url, who) });
  sockets.push(socket);
  await socket.welcome();
  return socket;
}

async function acked(answer: Promise<Extract<ServerMessage, { type: 'ack' | 'error' }>>): Promise<void> {
  expect(await answer).toMatchObject({ type: 'ack' });
}

/** The id of the question asked with `text`, as the moderator hears of it. */
async function askedQuestion(moderator: RoomTestClient, text: string): Promise<string> {
  const asked = await moderator.waitFor((m) => m.type === 'event' && m.event.type === 'question.asked' && m.event.text === text);
  return (asked as { event: { questionId: string } }).event.questionId;
}

const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
const connected = (page: Page) => page.getByRole('status').filter({ hasText: 'Yhteys toimii' }).waitFor();
const questionItem = (page: Page, text: string) => page.getByRole('listitem').filter({ has: page.getByText(text, { exact: true }) });

/** Milliseconds from `since` until the page has decoded a frame of video. */
async function firstFrameAfter(page: Page, since: number): Promise<number> {
  await expect.poll(async () => Math.max(0, ...Object.values(await received(page, 'frames'))), { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
  return Date.now() - since;
}

describe('a resident at a town-hall broadcast', () => {
  it('watches on a phone without an account, signs in, asks, upvotes, votes, refreshes, and reads the minutes', async () => {
    const meetingId = await upcomingMeetingOf(town.url, 'kuntalaisfoorumi');
    const roomUrl = `${town.url}/meetings/${meetingId}/room`;
    const chairCookie = await signInOverHttp(town.url, 'puheenjohtaja');
    await post(`/api/meetings/${meetingId}/start`, chairCookie);

    // The chair is on the stage, live from a laptop.
    const stage = await town.newBrowser();
    const [name, value] = chairCookie.split('=') as [string, string];
    await stage.context.addCookies([{ name, value, url: town.url }]);
    await stage.page.goto(roomUrl);
    await stage.page.getByRole('button', { name: 'Liity kameralla ja mikrofonilla' }).click();
    await stage.page.getByRole('button', { name: 'Liity', exact: true }).click();
    await mediaStatus(stage.page, 'Olet suorassa lähetyksessä');

    // Aino opens the link on her phone, without an account: the stage's video plays.
    const phone = await town.newBrowser(viewports.phone);
    const aino = phone.page;
    await recordPeerConnections(phone.context);
    const opened = Date.now();
    await aino.goto(roomUrl);
    const firstFrameMs = await firstFrameAfter(aino, opened);
    await writeFile(join(artifactsDir, 'resident-first-frame.json'), JSON.stringify({ firstFrameMs }, null, 2));
    console.log(`resident journey: first video frame decoded ${firstFrameMs} ms after opening the link`);
    await mediaStatus(aino, 'Katselet suoraa lähetystä');
    await keepsReceiving(aino, 'frames', 10);
    await expectAccessible(aino, 'resident-1-watching-phone');

    // Another resident has asked a question already, and the moderator has let it through.
    const chair = await roomSocket(meetingId, 'puheenjohtaja');
    const juho = await roomSocket(meetingId, 'raati');
    await acked(juho.request({ type: 'question.ask', text: otherQuestion, anonymous: false }));
    await acked(chair.request({ type: 'question.approve', questionId: await askedQuestion(chair, otherQuestion) }));

    // One step to sign in, from the questions, and she is back in the room.
    await tab(aino, 'Kysymykset');
    await questionItem(aino, otherQuestion).waitFor();
    await aino.getByRole('link', { name: 'Kirjaudu sisään' }).last().click();
    await aino.getByLabel('Sähköpostiosoite').fill('asukas@pihlajalahti.example');
    await aino.getByLabel('Salasana').fill(DEMO_PASSWORD);
    await aino.getByRole('button', { name: 'Kirjaudu sisään' }).click();
    await aino.waitForURL(roomUrl);
    await aino.getByText('Kirjautuneena: Aino Asukas').waitFor();
    await connected(aino);
    await keepsReceiving(aino, 'frames', 10);

    // She asks her own question and upvotes the other one.
    await tab(aino, 'Kysymykset');
    await aino.getByLabel('Kysymyksesi').fill(ownQuestion);
    await aino.getByRole('button', { name: 'Kysy', exact: true }).click();
    await aino.getByText('Kysymyksesi lähetettiin. Se näkyy muille, kun moderaattori on hyväksynyt sen.').waitFor();
    await questionItem(aino, ownQuestion).getByText('Odottaa hyväksyntää').waitFor();
    await acked(chair.request({ type: 'question.approve', questionId: await askedQuestion(chair, ownQuestion) }));
    await expect.poll(() => questionItem(aino, ownQuestion).getByText('Odottaa hyväksyntää').count()).toBe(0);
    await questionItem(aino, ownQuestion).getByText('Sinun kysymyksesi').waitFor();
    const upvote = questionItem(aino, otherQuestion).getByRole('button', { name: /^Kannata/ });
    await upvote.click();
    await expect.poll(() => upvote.getAttribute('aria-pressed')).toBe('true');
    await questionItem(aino, otherQuestion).getByText('Ääniä: 1').waitFor();
    await expectAccessible(aino, 'resident-2-questions-phone');

    // The chair opens a poll; she votes.
    await acked(chair.request({ type: 'poll.open', question: pollQuestion, options: ['Kyllä', 'Ei'], multiple: false, resultsWhile: 'closed' }));
    await tab(aino, 'Äänestykset');
    const poll = aino.getByRole('article', { name: pollQuestion });
    await poll.getByRole('radio', { name: 'Kyllä' }).check();
    await poll.getByRole('button', { name: /^Äänestä/ }).click();
    await poll.getByText('Äänesi laskettiin.').waitFor();
    await expectAccessible(aino, 'resident-3-poll-phone');

    // She refreshes the page mid-meeting: the video, her question, her upvote and her vote are all there.
    await aino.reload();
    await connected(aino);
    await keepsReceiving(aino, 'frames', 10);
    await tab(aino, 'Kysymykset');
    await questionItem(aino, ownQuestion).getByText('Sinun kysymyksesi').waitFor();
    const upvoteAfter = questionItem(aino, otherQuestion).getByRole('button', { name: /^Kannata/ });
    await expect.poll(() => upvoteAfter.getAttribute('aria-pressed')).toBe('true');
    await questionItem(aino, otherQuestion).getByText('Ääniä: 1').waitFor();
    await tab(aino, 'Äänestykset');
    const pollAfter = aino.getByRole('article', { name: pollQuestion });
    expect(await pollAfter.getByRole('radio', { name: 'Kyllä' }).isChecked()).toBe(true);
    await pollAfter.getByRole('button', { name: /^Muuta ääntäni/ }).waitFor();
    await expectAccessible(aino, 'resident-4-after-refresh-phone');

    // The chair closes the poll and ends the meeting; the secretary's minutes are approved and published.
    const { event } = (await chair.waitFor((m) => m.type === 'event' && m.event.type === 'poll.opened')) as { event: { pollId: string } };
    await acked(chair.request({ type: 'poll.close', pollId: event.pollId }));
    await acked(chair.request({ type: 'question.answer', questionId: await askedQuestion(chair, ownQuestion), how: 'live' }));
    await post(`/api/meetings/${meetingId}/end`, chairCookie);
    const secretaryCookie = await signInOverHttp(town.url, 'sihteeri');
    await post(`/api/meetings/${meetingId}/minutes/submit`, secretaryCookie);
    await post(`/api/meetings/${meetingId}/minutes/approve`, chairCookie);
    await post(`/api/meetings/${meetingId}/minutes/publish`, chairCookie);

    // Later she reads the published minutes on the meeting's page: her poll is in them.
    await aino.goto(`${town.url}/meetings/${meetingId}`);
    const minutes = aino.getByRole('region', { name: 'Pöytäkirja', exact: true });
    await minutes.getByRole('heading', { name: 'Äänestykset', exact: true }).waitFor();
    await minutes.getByText(pollQuestion, { exact: false }).first().waitFor();
    await minutes.getByRole('heading', { name: 'Vastattu kokouksessa', exact: true }).waitFor();
    await minutes.getByText(ownQuestion, { exact: false }).first().waitFor();
    await expectAccessible(aino, 'resident-5-minutes-phone');
    expect(await aino.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewports.phone.width);
    for (const { cspViolations } of [stage, phone]) expect(cspViolations).toEqual([]);
  }, 300_000);
});
