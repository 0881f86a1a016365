/**
 * The name a person is shown by, next to everything they write. It must read as what it is:
 * stored normalised (NFC, trimmed, one space between words), with no control or invisible
 * characters (a right-to-left override turns "Aino" and what follows backwards; a name of only
 * zero-width spaces shows as nothing), and with a visible letter or digit. Whether it copies a
 * staff member's name needs the database: `display-name-check.ts`.
 *
 * Shared with the client, which checks the same before sending.
 */

export const DISPLAY_NAME_MAX_LENGTH = 80;

export const displayNameProblems = ['empty', 'too_long', 'invisible', 'no_letters', 'staff'] as const;
export type DisplayNameProblem = (typeof displayNameProblems)[number];

/**
 * Characters that change how text around them shows, or show as nothing: controls (C0, C1),
 * format characters (bidi embeddings, overrides and isolates U+202A–202E and U+2066–2069, marks
 * U+200E/200F/061C, zero-width U+200B–200D, U+2060, U+FEFF, the soft hyphen…), private-use and
 * unpaired surrogates, and letters that render blank (Hangul fillers, the blank Braille pattern).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u115F\u1160\u3164\uFFA0\u2800\u034F\u180E]/u;
const VISIBLE_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** NFC, trimmed, and every run of spaces (of any width) as one space. */
export function normalizeDisplayName(name: string): string {
  // Only spaces are trimmed: a tab or a byte-order mark at either end is refused like anywhere else.
  return name.normalize('NFC').replace(/[\p{Zs}\p{Zl}\p{Zp}]+/gu, ' ').replace(/^ | $/g, '');
}

/** What is wrong with a name as typed, short of the staff check, or null. */
export function displayNameProblem(name: string): Exclude<DisplayNameProblem, 'staff'> | null {
  const normal = normalizeDisplayName(name);
  if (normal === '') return 'empty';
  if ([...normal].length > DISPLAY_NAME_MAX_LENGTH) return 'too_long';
  if (INVISIBLE.test(normal)) return 'invisible';
  if (!VISIBLE_LETTER_OR_DIGIT.test(normal)) return 'no_letters';
  return null;
}

/** Letters of other scripts, and digits and marks, that pass for Latin letters in a name. */
const LOOKALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ı: 'i', ɡ: 'g', ß: 'ss', æ: 'ae', ø: 'o', đ: 'd', ł: 'i', l: 'i', '0': 'o', '1': 'i', '|': 'i', '!': 'i', '$': 's', '@': 'a',
};

/**
 * The name as a reader could mistake it: compatibility forms folded (fullwidth and
 * mathematical letters), lower case, accents dropped, look-alike letters and digits mapped (l,
 * capital I and 1 as i), "rn" read as "m", "vv" as "w", and spaces and punctuation left out. Two
 * names with the same key are confusable.
 */
export function nameLookalikeKey(name: string): string {
  const folded = normalizeDisplayName(name)
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}/gu, '');
  return [...folded]
    .map((c) => LOOKALIKES[c] ?? c)
    .join('')
    .replace(/[^\p{L}\p{N}]/gu, '')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}
