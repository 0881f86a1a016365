import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { singleEdit } from './text-diff.ts';

const apply = (text: string, edit: ReturnType<typeof singleEdit>) => text.slice(0, edit.at) + edit.insert + text.slice(edit.at + edit.remove);

describe('singleEdit', () => {
  it('turns any text into any other', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (before, after) => apply(before, singleEdit(before, after)) === after));
  });

  it('touches only what changed when one types in the middle', () => {
    expect(singleEdit('Kirjastot auki', 'Kirjastot ovat auki')).toEqual({ at: 10, remove: 0, insert: 'ovat ' });
    expect(singleEdit('aaa', 'aa')).toEqual({ at: 2, remove: 1, insert: '' });
  });
});
