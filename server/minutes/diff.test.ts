import { describe, expect, it } from 'vitest';
import { diffMarkdown, diffSummary } from './diff.ts';

describe('the diff between two versions of the minutes', () => {
  it('keeps unchanged lines, and shows added and removed ones', () => {
    const lines = diffMarkdown('## Läsnä\n\n- Aino\n- Paavo', '## Läsnä\n\n- Aino\n- Mira\n- Paavo');
    expect(lines).toEqual([
      { kind: 'same', text: '## Läsnä' },
      { kind: 'same', text: '- Aino' },
      { kind: 'added', text: '- Mira' },
      { kind: 'same', text: '- Paavo' },
    ]);
    expect(diffSummary(lines)).toEqual({ added: 1, removed: 0, changed: 0 });
  });

  it('shows an edited line word by word', () => {
    const lines = diffMarkdown('- Työt alkavat syksyllä 2026.', '- Työt alkavat keväällä 2027.');
    expect(lines).toEqual([
      {
        kind: 'changed',
        parts: [
          { kind: 'same', text: '- Työt alkavat ' },
          { kind: 'removed', text: 'syksyllä' },
          { kind: 'added', text: 'keväällä' },
          { kind: 'same', text: ' ' },
          { kind: 'removed', text: '2026' },
          { kind: 'added', text: '2027' },
          { kind: 'same', text: '.' },
        ],
      },
    ]);
  });

  it('shows a line rewritten from end to end as removed and added, and leftovers on their own', () => {
    const lines = diffMarkdown('Ensimmäinen rivi\nToinen rivi', 'Kokonaan uusi teksti');
    expect(lines).toEqual([
      { kind: 'changed', parts: [{ kind: 'removed', text: 'Ensimmäinen rivi' }, { kind: 'added', text: 'Kokonaan uusi teksti' }] },
      { kind: 'removed', text: 'Toinen rivi' },
    ]);
    expect(diffSummary(lines)).toEqual({ added: 0, removed: 1, changed: 1 });
  });

  it('leaves out the Markdown escapes', () => {
    expect(diffMarkdown('### Paikan päällä \\(1\\)', '### Paikan päällä \\(2\\)')).toEqual([
      {
        kind: 'changed',
        parts: [
          { kind: 'same', text: '### Paikan päällä (' },
          { kind: 'removed', text: '1' },
          { kind: 'added', text: '2' },
          { kind: 'same', text: ')' },
        ],
      },
    ]);
  });

  it('finds no change between the same texts', () => {
    expect(diffSummary(diffMarkdown('a\n\nb', 'a\nb'))).toEqual({ added: 0, removed: 0, changed: 0 });
  });
});
