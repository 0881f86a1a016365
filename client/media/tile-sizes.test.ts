import { describe, expect, it } from 'vitest';
import { TileSizeObserver, TileSizeReporter, type TileSize } from './tile-sizes.ts';

/** Timers run by hand, so the throttle is tested without waiting. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    setTimer: (fn: () => void) => {
      pending.set(++next, fn);
      return next;
    },
    clearTimer: (timer: unknown) => void pending.delete(timer as number),
    fire() {
      const due = [...pending.values()];
      pending.clear();
      for (const fn of due) fn();
    },
    get count() {
      return pending.size;
    },
  };
}

describe('TileSizeReporter', () => {
  it('reports the first size at once, then only the latest size per tile once per interval', () => {
    const timers = manualTimers();
    const reports: [string, TileSize][] = [];
    const reporter = new TileSizeReporter((id, size) => reports.push([id, size]), timers);

    reporter.update('a', { width: 320.4, height: 180.2 });
    expect(reports).toEqual([['a', { width: 320, height: 180 }]]);

    reporter.update('a', { width: 400, height: 225 });
    reporter.update('a', { width: 640, height: 360 });
    reporter.update('b', { width: 200, height: 113 });
    expect(reports).toHaveLength(1);

    timers.fire();
    expect(reports.slice(1)).toEqual([
      ['a', { width: 640, height: 360 }],
      ['b', { width: 200, height: 113 }],
    ]);
  });

  it('does not report a size that has not changed, and reports a forgotten tile afresh', () => {
    const timers = manualTimers();
    const reports: string[] = [];
    const reporter = new TileSizeReporter((id, size) => reports.push(`${id} ${size.width}x${size.height}`), timers);
    reporter.update('a', { width: 320, height: 180 });
    timers.fire();
    reporter.update('a', { width: 320.2, height: 179.8 });
    timers.fire();
    expect(reports).toEqual(['a 320x180']);

    reporter.forget('a');
    reporter.update('a', { width: 320, height: 180 });
    expect(reports).toEqual(['a 320x180', 'a 320x180']);
    reporter.stop();
    expect(timers.count).toBe(0);
  });
});

describe('TileSizeObserver', () => {
  it('reports each observed element’s size under its tile id and stops when detached', () => {
    const observers: FakeResizeObserver[] = [];
    class FakeResizeObserver {
      observed = new Set<Element>();
      constructor(readonly callback: ResizeObserverCallback) {
        observers.push(this);
      }
      observe(element: Element) {
        this.observed.add(element);
      }
      unobserve(element: Element) {
        this.observed.delete(element);
      }
      disconnect() {
        this.observed.clear();
      }
      resize(element: Element, width: number, height: number) {
        const entry = { target: element, contentRect: { width, height } } as unknown as ResizeObserverEntry;
        this.callback([entry], this as unknown as ResizeObserver);
      }
    }
    const reports: string[] = [];
    const timers = manualTimers();
    const sizes = new TileSizeObserver((id, size) => reports.push(`${id} ${size.width}x${size.height}`), {
      ...timers,
      ResizeObserver: FakeResizeObserver as unknown as typeof ResizeObserver,
    });
    const observer = observers[0]!;
    const element = document.createElement('div');

    expect(sizes.observe('a')).toBe(sizes.observe('a'));
    const detach = sizes.observe('a')(element);
    expect(observer.observed.has(element)).toBe(true);
    observer.resize(element, 480, 270);
    expect(reports).toEqual(['a 480x270']);

    if (typeof detach === 'function') detach();
    expect(observer.observed.has(element)).toBe(false);
    observer.resize(element, 100, 100);
    timers.fire();
    expect(reports).toEqual(['a 480x270']);
    sizes.disconnect();
  });
});
