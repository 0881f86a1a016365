import { dictionary } from '@zxcvbn-ts/language-common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCommonPassword } from './password-check.ts';
import { passwordProblem, PASSWORD_MIN_LENGTH, type PasswordProblem } from './password-policy.ts';

const aino = { email: 'aino.asukas@pihlajalahti.example', displayName: 'Aino Asukas', siteHost: 'osallistu.pihlajalahti.fi' };
const check = (password: string) => passwordProblem(password, aino, isCommonPassword);

describe('the password policy', () => {
  it.each<[string, PasswordProblem]>([
    ['lyhyt', 'too_short'],
    ['ääkköset!', 'too_short'],
    ['x'.repeat(257), 'too_long'],
    ['aaaaaaaaaa', 'repetitive'],
    ['1212121212', 'repetitive'],
    ['abcabcabcabc', 'repetitive'],
    ['aaaaaaaa!!', 'repetitive'],
    ['1234567890', 'common'],
    ['Password123!', 'common'],
    ['P@ssw0rd2024', 'common'],
    ['salasana2024', 'common'],
    ['!!Sunshine!!', 'common'],
    ['qwertyuiop', 'common'],
    ['9876543210', 'sequence'],
    ['abcdefghijklm', 'sequence'],
    ['asdfghjklöä', 'sequence'],
    ['qwerty123456', 'common'],
    ['zxcvbnm0987654', 'sequence'],
    ['ab1234567890', 'sequence'],
    ['Aukio2024!!', 'personal'],
    ['pihlajalahti1', 'personal'],
    ['AinoAsukas99', 'personal'],
    ['asukas.aino!', 'personal'],
    ['aino.asukas@pihlajalahti.example', 'personal'],
  ])('refuses %j as %s', (password, problem) => {
    expect(check(password)).toBe(problem);
  });

  it.each(['correct horse battery', 'pitkä salasana 123', 'kissa koira hevonen', 'Tr0ub4dor&3xyz', 'dragon59376154', '🐱🐶🐴🐮🐷🐸🐵🐔🐧🐦', 'rantapuiston penkit'])(
    'accepts %j',
    (password) => {
      expect(check(password)).toBeNull();
    },
  );

  it('counts characters as a person sees them, not UTF-16 units', () => {
    // Nine emoji are 18 UTF-16 units but nine characters.
    expect(check('🐱🐶🐴🐮🐷🐸🐵🐔🐧')).toBe('too_short');
  });

  it('leaves the list of common passwords to the server: the client checks the rest', () => {
    expect(passwordProblem('sunshine1234', aino)).toBeNull();
    expect(passwordProblem('sunshine1234', aino, isCommonPassword)).toBe('common');
    expect(passwordProblem('aaaaaaaaaa', aino)).toBe('repetitive');
  });

  const commonWords = dictionary['passwords-common'].filter((w) => /^[a-z]{6,}$/.test(w));
  // Up to five digits and marks in all: six or more that are not a run or a repetition add enough to pass.
  const decoration = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789!?.#*'), maxLength });

  it('refuses a common password with a little decoration around it (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...commonWords), decoration(2), decoration(3), fc.boolean(), (word, before, after, capital) => {
        const password = `${before}${capital ? word[0]!.toUpperCase() + word.slice(1) : word}${after}`;
        fc.pre([...password].length >= PASSWORD_MIN_LENGTH);
        expect(check(password)).not.toBeNull();
      }),
    );
  });

  it('accepts a passphrase of four words from a word list (property)', () => {
    const words = dictionary['diceware-common'].filter((w) => w.length >= 3);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { minLength: 4, maxLength: 4 }), (chosen) => {
        fc.pre(new Set(chosen).size === 4);
        expect(check(chosen.join(' '))).toBeNull();
      }),
    );
  });
});
