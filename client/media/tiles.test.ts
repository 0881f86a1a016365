import { describe, expect, it } from 'vitest';
import { arrangeStage, gridColumns, initials, MAX_PINNED, splitPinned, togglePin, type MediaTile } from './tiles.ts';

function tile(id: string, extra: Partial<MediaTile> = {}): MediaTile {
  return { id, userId: `u-${id}`, name: id, source: 'camera', stream: null, speaking: false, audioMuted: false, videoPaused: false, isLocal: false, ...extra };
}

describe('togglePin', () => {
  const present = ['a', 'b', 'c'];

  it('pins in order and unpins', () => {
    expect(togglePin([], 'a', present)).toEqual({ ok: true, pinned: ['a'] });
    expect(togglePin(['a'], 'b', present)).toEqual({ ok: true, pinned: ['a', 'b'] });
    expect(togglePin(['a', 'b'], 'a', present)).toEqual({ ok: true, pinned: ['b'] });
  });

  it(`refuses a pin beyond ${MAX_PINNED} and names the pins in the way, keeping them all`, () => {
    expect(togglePin(['a', 'b'], 'c', present)).toEqual({ ok: false, pinned: ['a', 'b'], blocking: ['a', 'b'] });
  });

  it('does not count pins of tiles that have gone', () => {
    expect(togglePin(['gone', 'a'], 'c', present)).toEqual({ ok: true, pinned: ['a', 'c'] });
    expect(togglePin(['gone'], 'gone', present)).toEqual({ ok: true, pinned: ['gone'] });
  });
});

describe('splitPinned', () => {
  it('puts present pinned tiles first in pin order and keeps the rest in their order', () => {
    const tiles = [tile('a'), tile('b'), tile('c'), tile('d')];
    const split = splitPinned(tiles, ['c', 'gone', 'a']);
    expect(split.pinned.map((t) => t.id)).toEqual(['c', 'a']);
    expect(split.others.map((t) => t.id)).toEqual(['b', 'd']);
  });
});

describe('arrangeStage', () => {
  const ids = (tiles: MediaTile[]) => tiles.map((t) => t.id);

  it('gives the stage to a shared screen before any camera', () => {
    const layout = arrangeStage([tile('mayor', { speaking: true }), tile('slides', { source: 'screen' })], [], 'mayor');
    expect(layout.stage?.id).toBe('slides');
    expect(ids(layout.others)).toEqual(['mayor']);
  });

  it('moves the stage to whoever speaks, and keeps it there while they or nobody speaks', () => {
    const tiles = [tile('mayor'), tile('official', { speaking: true })];
    expect(arrangeStage(tiles, [], 'mayor').stage?.id).toBe('official');
    expect(arrangeStage([tile('mayor'), tile('official')], [], 'official').stage?.id).toBe('official');
    const both = [tile('mayor', { speaking: true }), tile('official', { speaking: true })];
    expect(arrangeStage(both, [], 'official').stage?.id).toBe('official');
  });

  it('keeps pinned tiles beside the stage, not on it', () => {
    const tiles = [tile('interpreter', { speaking: true }), tile('mayor'), tile('official')];
    const layout = arrangeStage(tiles, ['interpreter'], null);
    expect(layout.stage?.id).toBe('mayor');
    expect(ids(layout.beside)).toEqual(['interpreter']);
    expect(ids(layout.others)).toEqual(['official']);
  });

  it('uses a pinned tile as the stage only when everything is pinned', () => {
    const layout = arrangeStage([tile('mayor'), tile('interpreter')], ['interpreter', 'mayor'], null);
    expect(layout.stage?.id).toBe('interpreter');
    expect(ids(layout.beside)).toEqual(['mayor']);
    expect(layout.others).toEqual([]);
  });

  it('prefers someone else to one’s own camera, and is empty without tiles', () => {
    expect(arrangeStage([tile('me', { isLocal: true }), tile('mayor')], [], null).stage?.id).toBe('mayor');
    expect(arrangeStage([tile('me', { isLocal: true })], [], null).stage?.id).toBe('me');
    expect(arrangeStage([], ['x'], null)).toEqual({ stage: null, beside: [], others: [] });
  });
});

describe('gridColumns', () => {
  it('arranges tiles close to a square when there is room', () => {
    expect([1, 2, 3, 4, 5, 9, 10].map((n) => gridColumns(n, 2000))).toEqual([1, 2, 2, 2, 3, 3, 4]);
  });

  it('drops columns rather than making tiles narrower than the minimum', () => {
    expect(gridColumns(4, 360)).toBe(1);
    expect(gridColumns(9, 640)).toBe(3);
    expect(gridColumns(9, 450)).toBe(2);
  });

  it('uses the square arrangement before the width is known', () => {
    expect(gridColumns(4, 0)).toBe(2);
    expect(gridColumns(0, 800)).toBe(1);
  });
});

describe('initials', () => {
  it('takes the first letters of the first and last names', () => {
    expect(initials('Aino Asukas')).toBe('AA');
    expect(initials('  Östen  van der Berg ')).toBe('ÖB');
    expect(initials('ella')).toBe('E');
    expect(initials('')).toBe('');
  });
});
