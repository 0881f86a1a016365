import { describe, expect, it } from 'vitest';
import { Announcer } from './announcer.svelte.ts';

describe('Announcer', () => {
  it('summarises a burst of events into one message and waits between messages', () => {
    let now = 0;
    const timers: { fn: () => void; ms: number }[] = [];
    const announcer = new Announcer((kind, count) => `${count} ${kind}`, {
      intervalMs: 5000,
      now: () => now,
      setTimer: (fn, ms) => timers.push({ fn, ms }),
      clearTimer: () => {},
    });
    for (let i = 0; i < 7; i += 1) announcer.count('chat');
    announcer.note('Aino has the floor.');
    announcer.note('Aino has the floor.');
    expect(timers).toHaveLength(1);
    now = 300;
    timers.shift()!.fn();
    expect(announcer.message).toBe('Aino has the floor. 7 chat');
    announcer.count('question');
    expect(timers[0]!.ms).toBe(5000);
    now = 5300;
    timers.shift()!.fn();
    expect(announcer.message).toBe('1 question');
  });
});
