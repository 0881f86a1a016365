import type { DiffLine } from './minutes-api.ts';

/** A run of lines to show, or a run of unchanged lines folded away (still there to open). */
export interface Segment {
  folded: boolean;
  lines: DiffLine[];
  /** The index of its first line in the whole diff. */
  start: number;
}

/**
 * Keeps `context` unchanged lines next to each change and folds the longer stretches between, so
 * a correction of one line in long minutes is read without scrolling through all of them.
 */
export function foldUnchanged(lines: DiffLine[], context = 2): Segment[] {
  const segments: Segment[] = [];
  const push = (folded: boolean, start: number, end: number) => {
    if (end <= start) return;
    const last = segments.at(-1);
    if (last && !last.folded && !folded) last.lines.push(...lines.slice(start, end));
    else segments.push({ folded, lines: lines.slice(start, end), start });
  };
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.kind !== 'same') {
      push(false, i, i + 1);
      i += 1;
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end]!.kind === 'same') end += 1;
    const keepBefore = i === 0 ? 0 : context;
    const keepAfter = end === lines.length ? 0 : context;
    if (end - i > keepBefore + keepAfter + 1) {
      push(false, i, i + keepBefore);
      push(true, i + keepBefore, end - keepAfter);
      push(false, end - keepAfter, end);
    } else push(false, i, end);
    i = end;
  }
  return segments;
}
