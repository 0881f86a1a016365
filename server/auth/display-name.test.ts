import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invisibleCharacters } from '../hardening/arbitraries.ts';
import { displayNameProblem, nameLookalikeKey, normalizeDisplayName } from './display-name.ts';

describe('display names', () => {
  it('normalises to NFC, trims and collapses every kind of space', () => {
    expect(normalizeDisplayName('  Aino\u00A0\u00A0Asukas\u3000 ')).toBe('Aino Asukas');
    expect(normalizeDisplayName('Ma\u0308tti')).toBe('Mätti');
  });

  it.each(invisibleCharacters.map((c) => [c.codePointAt(0)!.toString(16).padStart(4, '0'), c]))('refuses U+%s anywhere in a name', (_, c) => {
    expect(displayNameProblem(`Aino${c}Asukas`)).toBe('invisible');
    expect(displayNameProblem(`${c}Aino`)).toBe('invisible');
  });

  it('refuses names with nothing visible to read', () => {
    expect(displayNameProblem('\u200B\u200B\u200B')).toBe('invisible');
    expect(displayNameProblem('\u00A0 \u3000')).toBe('empty');
    expect(displayNameProblem('...---...')).toBe('no_letters');
    expect(displayNameProblem('x'.repeat(81))).toBe('too_long');
  });

  it.each(['Aino Asukas', 'Åsa Öberg', 'Mätti', 'Nguyễn Văn An', 'محمد', 'דוד', '李小龍', 'Jean-Luc O’Neill', 'R2-D2', 'Aino 🌸'])('accepts %j', (name) => {
    expect(displayNameProblem(name)).toBeNull();
  });

  it('gives look-alike names the same key, and different names different keys', () => {
    const staff = nameLookalikeKey('Paavo Puhemies');
    for (const copy of ['paavo puhemies', 'PAAVO  PUHEMIES', 'Paavo.Puhemies', 'Pааvo Puhemies' /* Cyrillic а */, 'Paavo PuhemIes', 'Päävö Puhemies', 'Ｐａａｖｏ Ｐｕｈｅｍｉｅｓ', 'Paav0 Puhemies'])
      expect(nameLookalikeKey(copy), copy).toBe(staff);
    expect(nameLookalikeKey('Ansa YIläpitäjä')).toBe(nameLookalikeKey('Ansa Ylläpitäjä'));
    expect(nameLookalikeKey('Mira Valvoja')).toBe(nameLookalikeKey('Mira VaIvoja'));
    expect(nameLookalikeKey('Paavo Puhemiesson')).not.toBe(staff);
    expect(nameLookalikeKey('Aino Asukas')).not.toBe(staff);
  });

  it('finds a visible name behind any invisible character put into it (property)', () => {
    const visible = fc.stringMatching(/^[A-Za-zÅÄÖåäö][A-Za-zÅÄÖåäö ]{0,20}$/);
    fc.assert(
      fc.property(visible, fc.constantFrom(...invisibleCharacters), fc.nat(), (name, c, at) => {
        const i = at % (name.length + 1);
        expect(displayNameProblem(name.slice(0, i) + c + name.slice(i))).toBe('invisible');
      }),
    );
  });
});
