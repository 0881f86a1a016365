import { describe, expect, it } from 'vitest';
import { foldUnchanged } from './fold-unchanged.ts';
import type { DiffLine } from './minutes-api.ts';

const same = (text: string): DiffLine => ({ kind: 'same', text });
const added = (text: string): DiffLine => ({ kind: 'added', text });

describe('folding unchanged lines of a diff', () => {
  it('keeps two lines of context around a change and folds the rest', () => {
    const lines = [...'abcdef'.split('').map(same), added('X'), ...'ghijkl'.split('').map(same)];
    const segments = foldUnchanged(lines);
    expect(segments.map((s) => [s.folded, s.start, s.lines.map((l) => (l.kind === 'changed' ? '' : l.text)).join('')])).toEqual([
      [true, 0, 'abcd'],
      [false, 4, 'efXgh'],
      [true, 9, 'ijkl'],
    ]);
  });

  it('leaves a short stretch between two changes unfolded', () => {
    const lines = [added('X'), same('a'), same('b'), same('c'), same('d'), same('e'), added('Y')];
    expect(foldUnchanged(lines)).toEqual([{ folded: false, start: 0, lines }]);
  });

  it('folds a diff without any change as a whole', () => {
    const lines = [same('a'), same('b')];
    expect(foldUnchanged(lines)).toEqual([{ folded: true, start: 0, lines }]);
  });
});
