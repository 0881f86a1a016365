/**
 * What changed between two published versions, line by line of their Markdown (a heading, a list
 * item and a paragraph are each a line; escapes left out), and word by word inside a line that
 * was edited rather than added or removed. Plain data: the page marks it up with <ins>/<del> and text cues.
 */
import { diffArrays, diffWordsWithSpace } from 'diff';

export type DiffKind = 'same' | 'added' | 'removed';
export interface DiffPart {
  kind: DiffKind;
  text: string;
}
export type DiffLine = { kind: DiffKind; text: string } | { kind: 'changed'; parts: DiffPart[] };

// The Markdown's backslash escapes (`\(1\)`) say nothing to a reader comparing two texts.
const readable = (line: string) => line.replace(/\\([!-/:-@[-`{-~])/g, '$1');
const linesOf = (markdown: string) =>
  markdown
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(readable);
const kindOf = (change: { added: boolean; removed: boolean }): DiffKind => (change.added ? 'added' : change.removed ? 'removed' : 'same');

export function diffMarkdown(before: string, after: string): DiffLine[] {
  const changes = diffArrays(linesOf(before), linesOf(after));
  const out: DiffLine[] = [];
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const next = changes[i + 1];
    if (change.removed && next?.added) {
      // Lines removed where others were added: the first ones are read as edits of each other.
      const paired = Math.min(change.value.length, next.value.length);
      for (let k = 0; k < paired; k++) out.push(editedLine(change.value[k]!, next.value[k]!));
      for (const text of change.value.slice(paired)) out.push({ kind: 'removed', text });
      for (const text of next.value.slice(paired)) out.push({ kind: 'added', text });
      i += 1;
      continue;
    }
    for (const text of change.value) out.push({ kind: kindOf(change), text });
  }
  return out;
}

function editedLine(before: string, after: string): DiffLine {
  const parts = diffWordsWithSpace(before, after).map((c) => ({ kind: kindOf(c), text: c.value }));
  // A line rewritten from end to end reads better as one removed and one added line.
  if (!parts.some((p) => p.kind === 'same' && p.text.trim() !== '')) return { kind: 'changed', parts: [{ kind: 'removed', text: before }, { kind: 'added', text: after }] };
  return { kind: 'changed', parts };
}

export function diffSummary(lines: DiffLine[]): { added: number; removed: number; changed: number } {
  const count = (kind: DiffLine['kind']) => lines.filter((l) => l.kind === kind).length;
  return { added: count('added'), removed: count('removed'), changed: count('changed') };
}
