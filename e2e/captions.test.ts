import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../db/demo-town.ts';
import { createTestDatabase } from '../db/test-database.ts';
import { freeMediaPorts } from '../media/testing/ports.ts';
import { ensureWorkerForTests, WORKER_SETUP_TIMEOUT_MS } from '../media/testing/worker.ts';
import { buildApp } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import { signIn } from '../server/test-app.ts';
import { openBrowser, viewports, type Browser } from './support/browser.ts';
import { clientDir } from './support/server.ts';
import { expectAccessible } from './support/town-fixture.ts';

let app: FastifyInstance;
let url: string;
let meetingId: string;
let dropDatabase: () => Promise<void>;
const browsers: Browser[] = [];

// The demo town with video on, so the captions lie over a real video area.
beforeAll(async () => {
  await ensureWorkerForTests();
  const database = await createTestDatabase();
  dropDatabase = () => database.drop();
  app = await buildApp(testConfig({ database: database.options, demo: true, clientDir, media: { workers: 1, mediaPort: await freeMediaPorts(1) } }));
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  const [row] = await app.db.sql<{ id: string }[]>`select m.id from meetings m join spaces s on s.id = m.space_id where s.slug = 'ymparistofoorumi'`;
  meetingId = row!.id;
}, WORKER_SETUP_TIMEOUT_MS);
afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await app?.close();
  await dropDatabase?.();
});

async function openRoom(who: string, viewport: { width: number; height: number }): Promise<Page> {
  const browser = await openBrowser(viewport);
  browsers.push(browser);
  const [name, value] = (await signIn(app, `${who}@pihlajalahti.example`, DEMO_PASSWORD)).split('=') as [string, string];
  await browser.context.addCookies([{ name, value, url }]);
  await browser.page.goto(`${url}/meetings/${meetingId}/room`);
  await browser.page.getByRole('region', { name: 'Video' }).first().waitFor();
  return browser.page;
}

/** Whether the captions lie over the bottom of the video someone sends (not beside or under it). */
const overTheVideo = (page: Page) =>
  page.evaluate(() => {
    const captions = document.querySelector('[data-testid="captions"]')!.getBoundingClientRect();
    const video = document.querySelector('video')!.getBoundingClientRect();
    return captions.bottom > video.top && captions.top < video.bottom && captions.left < video.right && captions.right > video.left;
  });

describe('live captions in the meeting room', () => {
  it('the secretary types captions, a resident sees them over the video, can hide them for good, and nothing floods the screen reader', async () => {
    const secretary = await openRoom('sihteeri', viewports.laptop);
    const resident = await openRoom('asukas', viewports.phone);
    const captions = resident.getByTestId('captions');
    // The secretary is on camera, so the resident has a picture to read the captions over.
    await secretary.getByRole('button', { name: 'Liity kameralla ja mikrofonilla' }).click();
    await secretary.getByRole('button', { name: 'Liity', exact: true }).click();
    await resident.locator('video').first().waitFor({ timeout: 30_000 });

    await secretary.getByText('Kirjoita tekstitystä').click();
    const field = secretary.getByLabel('Tekstitysrivi');
    // Typed key by key, as a captioner does: the resident follows the line as it grows.
    await field.pressSequentially('Hyvää iltaa <b>kaikille</b> & tervetuloa', { delay: 40 });
    await expect.poll(() => captions.textContent(), { timeout: 15_000 }).toContain('Hyvää iltaa');
    await field.press('Enter');
    await expect.poll(() => field.inputValue()).toBe('');
    await captions.getByText('Hyvää iltaa <b>kaikille</b> & tervetuloa', { exact: true }).waitFor();
    // Text stays text: the markup the captioner typed is shown, never made into elements.
    expect(await captions.locator('b').count()).toBe(0);
    expect(await overTheVideo(resident)).toBe(true);
    await field.fill('Ensimmäisenä asiana ympäristöohjelma.');
    await field.press('Enter');
    await captions.getByText('Ensimmäisenä asiana ympäristöohjelma.').waitFor();

    // Captions are for the eyes: the live region never reads them out.
    const spoken = await resident.locator('[aria-live]').allTextContents();
    expect(spoken.join(' ')).not.toContain('ympäristöohjelma');
    expect(spoken.join(' ')).not.toContain('Hyvää iltaa');
    await expectAccessible(resident, 'captions-resident');
    await expectAccessible(secretary, 'captions-secretary');

    // Hidden on this device, and still hidden after a reload; shown again with the latest lines.
    const toggle = resident.getByRole('button', { name: 'Tekstitys' });
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await toggle.click();
    await expect.poll(() => captions.count()).toBe(0);
    await resident.reload();
    await expect.poll(() => toggle.getAttribute('aria-pressed'), { timeout: 15_000 }).toBe('false');
    expect(await captions.count()).toBe(0);
    await toggle.click();
    await captions.getByText('Ensimmäisenä asiana ympäristöohjelma.').waitFor();
  }, 120_000);
});
