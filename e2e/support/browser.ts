import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Without the background-networking flags Chromium floods this offline machine with refused connections.
const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export const viewports = {
  phone: { width: 390, height: 844 },
  laptop: { width: 1366, height: 800 },
} as const;

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** What the page's Content-Security-Policy refused: the app must run with none. */
  cspViolations: string[];
  close(): Promise<void>;
}

/** A fresh Chromium profile, as a new person on a new device. */
export async function openBrowser(viewport: { width: number; height: number } = viewports.laptop): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'aukio-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: flags,
    viewport,
    locale: 'fi-FI',
    timezoneId: 'Europe/Helsinki',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cspViolations: string[] = [];
  // Every page of the person's browser, also tabs opened later.
  context.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  return {
    context,
    page,
    cspViolations,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
