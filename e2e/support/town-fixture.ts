import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { WORKER_SETUP_TIMEOUT_MS } from '../../media/testing/worker.ts';
import { seriousAccessibilityViolations } from './axe.ts';
import { openBrowser, viewports, type Browser } from './browser.ts';
import { artifactsDir, startDemoTown, type RunningTown } from './server.ts';

/**
 * A fresh demo town for one test file, and the people who visit it, each in a browser of their
 * own. Registers the file's beforeAll/afterAll hooks.
 */
export function demoTownForThisFile(options: { mediaWorkers?: number } = {}) {
  let town: RunningTown | undefined;
  const browsers: Browser[] = [];
  beforeAll(async () => {
    town = await startDemoTown(options);
  }, WORKER_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await town?.close();
  });
  /** A person's own browser, with what its CSP refused; closed with the town. */
  const newBrowser = async (viewport: { width: number; height: number } = viewports.laptop): Promise<Browser> => {
    const browser = await openBrowser(viewport);
    browsers.push(browser);
    return browser;
  };
  const running = () => {
    if (!town) throw new Error('the demo town is not running yet');
    return town;
  };
  return {
    get url() {
      return running().url;
    },
    get app() {
      return running().app;
    },
    get mailbox() {
      return running().mailbox;
    },
    async newPerson(viewport: { width: number; height: number } = viewports.laptop): Promise<Page> {
      return (await newBrowser(viewport)).page;
    },
    newBrowser,
    async signIn(page: Page, email: string, displayName: string): Promise<void> {
      await page.goto(`${running().url}/signin`);
      await page.getByLabel('Sähköpostiosoite').fill(email);
      await page.getByLabel('Salasana').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
      await page.getByText(`Kirjautuneena: ${displayName}`).waitFor();
    },
  };
}

export async function expectAccessible(page: Page, screenshot?: string): Promise<void> {
  if (screenshot) await page.screenshot({ path: join(artifactsDir, `${screenshot}.png`), fullPage: true });
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}
