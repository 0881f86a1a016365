import { describe, expect, it } from 'vitest';
import { CaptionWriter, INTERIM_EVERY_MS } from './caption-writer.svelte.ts';
import type { Sendable } from './protocol.ts';

type CaptionMessage = Extract<Sendable, { type: 'caption.send' }>;

/** A writer on a hand-driven clock: timers run when the test moves time on. */
function writerWithClock(send: (message: CaptionMessage) => Promise<unknown> = async () => null) {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const sent: CaptionMessage[] = [];
  const writer = new CaptionWriter({
    send: (message) => {
      sent.push(message);
      return send(message);
    },
    now: () => now,
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => (timers = timers.filter((t) => t !== timer)),
  });
  const advance = (ms: number) => {
    now += ms;
    const due = timers.filter((t) => t.at <= now);
    timers = timers.filter((t) => t.at > now);
    for (const timer of due) timer.fn();
  };
  return { writer, sent, advance };
}

describe('CaptionWriter', () => {
  it('sends the line being typed at once, then at most every interval, always the latest text', () => {
    const { writer, sent, advance } = writerWithClock();
    writer.typed('H');
    advance(0);
    expect(sent).toEqual([{ type: 'caption.send', text: 'H', final: false }]);
    writer.typed('He');
    writer.typed('Hei');
    advance(INTERIM_EVERY_MS - 1);
    expect(sent).toHaveLength(1);
    writer.typed('Hei kaikki');
    advance(1);
    expect(sent.at(-1)).toEqual({ type: 'caption.send', text: 'Hei kaikki', final: false });
    expect(sent).toHaveLength(2);
    // Nothing new, or only spaces: nothing sent.
    writer.typed('Hei kaikki ');
    advance(INTERIM_EVERY_MS);
    writer.typed('   ');
    advance(INTERIM_EVERY_MS);
    expect(sent).toHaveLength(2);
  });

  it('finishes the line with Enter, empties the field and sends no stale partial line after it', async () => {
    const { writer, sent, advance } = writerWithClock();
    writer.typed('Avaan kokouksen');
    advance(0);
    writer.typed('Avaan kokouksen.');
    await writer.finish();
    advance(INTERIM_EVERY_MS * 3);
    expect(sent.map((m) => [m.text, m.final])).toEqual([
      ['Avaan kokouksen', false],
      ['Avaan kokouksen.', true],
    ]);
    expect(writer.text).toBe('');
    await writer.finish();
    expect(sent).toHaveLength(2);
  });

  it('puts a line that could not be sent back in front of what was typed meanwhile', async () => {
    let fail: (error: Error) => void = () => {};
    const { writer } = writerWithClock((message) => (message.final ? new Promise((_, reject) => (fail = reject)) : Promise.resolve(null)));
    writer.typed('Ensimmäinen rivi.');
    const finishing = writer.finish();
    expect(writer.text).toBe('');
    writer.typed('Toinen');
    fail(new Error('offline'));
    await expect(finishing).rejects.toThrow('offline');
    expect(writer.text).toBe('Ensimmäinen rivi. Toinen');
  });
});
