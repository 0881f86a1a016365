/**
 * What a new password must not be, after NIST SP 800-63B (5.1.1.2): at least 10 characters (any
 * characters, spaces and emoji included, counted as the person sees them), at most 256 so hashing
 * stays cheap, and not one of the passwords attackers try first: a common or breached password,
 * one with a few digits or marks around such a word ("Salasana2024!"), a repetition, a run along
 * the keyboard or the alphabet, or the person's own name, address or the site's name. No
 * composition rules (a digit, a capital, a symbol): they make passwords harder to remember, not
 * to guess.
 *
 * Shared with the client, which checks all of it before sending except the list of common
 * passwords (too large to ship to a phone); the server checks everything (`password-check.ts`).
 */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

export const passwordProblems = ['too_short', 'too_long', 'common', 'repetitive', 'sequence', 'personal'] as const;
export type PasswordProblem = (typeof passwordProblems)[number];

export interface PasswordContext {
  email?: string | undefined;
  displayName?: string | undefined;
  /** The host the person signs up on (`osallistu.pihlajalahti.fi`): the town's name is in it. */
  siteHost?: string | undefined;
}

/** Whether a candidate (lower-case) is a known common password; the client has no list. */
export type CommonPasswordCheck = (candidate: string) => boolean;

/** The product's own name is the first word a guesser tries on its sign-in page. */
const SITE_WORDS = ['aukio'];

/** The alphabet and the keyboard (Finnish and Swedish layout), forwards: a run along one is guessed early, backwards too. */
const SEQUENCES = ['abcdefghijklmnopqrstuvwxyzåäö', '0123456789', 'qwertyuiopå', 'asdfghjklöä', 'zxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p'];
const RUNS = SEQUENCES.flatMap((s) => [s, [...s].reverse().join('')]);

/** Look-alike digits and marks put for letters ("p@ssw0rd"): a guesser undoes them first. */
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '+': 't' };
const unleet = (s: string) => s.replace(/[013457@$!+]/g, (c) => LEET[c] ?? c);

/** Digits, punctuation, symbols and spaces: what is put around a word to pass a composition rule. */
const DECORATION = /[\p{N}\p{P}\p{S}\p{Z}]/u;
const stripDecoration = (s: string) => s.replace(new RegExp(DECORATION.source, 'gu'), '');
const length = (s: string) => [...s].length;

/** At most three different characters ("aaaaaaaaaa", "1212121212"), or one piece said again ("abcabcabcabc"). */
function isRepetitive(s: string): boolean {
  return new Set(s).size <= 3 || /^(.+?)\1+$/su.test(s);
}

/** The longest start of `s` that runs along one sequence (wrapping round: "7890123"). */
function runAt(s: string, from: number): number {
  let best = 0;
  for (const run of RUNS) {
    let n = 0;
    let at = run.indexOf(s[from]!);
    while (at >= 0 && from + n < s.length && s[from + n] === run[at % run.length]) {
      n += 1;
      at += 1;
    }
    best = Math.max(best, n);
  }
  return best;
}

/** Made of at most three runs of three or more along the keyboard or alphabet ("qwerty123456", "abcdefghij"). */
function isSequence(s: string): boolean {
  let pieces = 0;
  for (let i = 0; i < s.length; pieces += 1) {
    const n = runAt(s, i);
    if (n < 3) return false;
    i += n;
  }
  return pieces > 0 && pieces <= 3;
}

const isCommonWord = (s: string, isCommon: CommonPasswordCheck) => s.length > 0 && (isCommon(s) || isCommon(unleet(s)));

/** Short or patterned: adds nothing a guesser has to work for. */
const isTrivial = (s: string) => length(s) < 6 || isRepetitive(s) || isSequence(s);

/** A word with a little decoration around it: "salasana2024", "!!Password1". */
function splitDecoration(s: string): { core: string; decoration: string } {
  const match = new RegExp(`^(${DECORATION.source}*)(.*?)(${DECORATION.source}*)$`, 'su').exec(s)!;
  return { core: match[2]!, decoration: match[1]! + match[3]! };
}

/** The words of the person's name and address and of the site, lower-case, three letters or more. */
function personalWords(context: PasswordContext): string[] {
  const [local = '', domain = ''] = (context.email ?? '').toLowerCase().split('@');
  const name = (context.displayName ?? '').normalize('NFKC').toLowerCase();
  const labels = (host: string) => host.split('.').slice(0, -1).filter((l) => l !== 'www');
  const words = [
    ...SITE_WORDS,
    (context.email ?? '').toLowerCase(),
    local,
    ...local.split(/[._+-]/),
    ...labels(domain),
    ...labels((context.siteHost ?? '').toLowerCase()),
    name.replace(/\s+/g, ''),
    ...name.split(/[\s._-]+/),
  ];
  return [...new Set(words.filter((w) => length(w) >= 3))].sort((a, b) => b.length - a.length);
}

/** Mostly the person's own words: what is left without them is trivial. */
function isPersonal(s: string, context: PasswordContext): boolean {
  const words = personalWords(context);
  return [s, unleet(s)].some((variant) => {
    const found = words.filter((w) => variant.includes(w));
    if (found.length === 0) return false;
    const rest = stripDecoration(found.reduce((left, w) => left.replaceAll(w, ''), variant));
    return isTrivial(rest);
  });
}

/** The first thing wrong with a new password, or null. Without `isCommon` (the client) the list is not consulted. */
export function passwordProblem(password: string, context: PasswordContext = {}, isCommon: CommonPasswordCheck = () => false): PasswordProblem | null {
  if (length(password) < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length(password) > PASSWORD_MAX_LENGTH) return 'too_long';
  const lower = password.normalize('NFKC').toLowerCase();
  if (isCommonWord(lower, isCommon)) return 'common';
  if (isRepetitive(lower)) return 'repetitive';
  if (isSequence(lower)) return 'sequence';
  const { core, decoration } = splitDecoration(lower);
  if (isTrivial(decoration)) {
    // Nearly all decoration ("ab1234567890"): the decoration is what is wrong with it.
    if (length(core) < 4) return isSequence(decoration) ? 'sequence' : 'repetitive';
    if (isCommonWord(core, isCommon)) return 'common';
    if (isRepetitive(core)) return 'repetitive';
    if (isSequence(core)) return 'sequence';
  }
  if (isPersonal(lower, context)) return 'personal';
  return null;
}
