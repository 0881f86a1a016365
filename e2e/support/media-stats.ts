import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Makes every page of `context` remember the RTCPeerConnections it opens, so a test can read what
 * was received (getStats) without any hook in the app.
 */
export async function recordPeerConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const connections: RTCPeerConnection[] = [];
    (window as unknown as { aukioPeerConnections: RTCPeerConnection[] }).aukioPeerConnections = connections;
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        connections.push(this);
      }
    };
  });
}

export type Measure = 'frames' | 'audioPackets' | 'audioEnergy';

/**
 * What a page has received so far, per incoming stream: decoded video frames (the probator
 * receiver left out), audio packets or audio energy. Per stream, because the stats of a closed
 * stream vanish and would make a total go down.
 */
export function received(page: Page, what: Measure): Promise<Record<string, number>> {
  return page.evaluate(async (what) => {
    const counts: Record<string, number> = {};
    for (const pc of (window as unknown as { aukioPeerConnections?: RTCPeerConnection[] }).aukioPeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((stat: Record<string, unknown>) => {
        if (stat.type !== 'inbound-rtp' || stat.mid === 'probator' || stat.trackIdentifier === 'probator') return;
        if (what === 'frames' && stat.kind === 'video') counts[String(stat.id)] = Number(stat.framesDecoded ?? 0);
        if (what === 'audioPackets' && stat.kind === 'audio') counts[String(stat.id)] = Number(stat.packetsReceived ?? 0);
        if (what === 'audioEnergy' && stat.kind === 'audio') counts[String(stat.id)] = Number(stat.totalAudioEnergy ?? 0);
      });
    }
    return counts;
  }, what);
}

/** How much the stream that grew most has grown since `before`. */
export async function growth(page: Page, what: Measure, before: Record<string, number>): Promise<number> {
  const now = await received(page, what);
  return Math.max(0, ...Object.entries(now).map(([id, count]) => count - (before[id] ?? 0)));
}

/** Waits until a stream of `what` on `page` grows by more than `by`: it keeps being received and decoded. */
export async function keepsReceiving(page: Page, what: Measure, by: number, timeout = 30_000): Promise<void> {
  const before = await received(page, what);
  await expect.poll(() => growth(page, what, before), { timeout, interval: 250 }).toBeGreaterThan(by);
}

/** Waits until nothing of `what` arrives on `page` for a second. */
export async function stopsReceiving(page: Page, what: Measure, timeout = 15_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const before = await received(page, what);
        await page.waitForTimeout(1000);
        return growth(page, what, before);
      },
      { timeout },
    )
    .toBe(0);
}

/** The media status line ("you are live", "watching live" …) reads `text`. */
export const mediaStatus = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text }).first().waitFor({ timeout: 30_000 });
