/**
 * The server's check of a new password: the shared rules of `password-policy.ts` with the list
 * of common passwords (the 49,000 most common of the breach corpora, from zxcvbn-ts) consulted.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import { HttpError } from '../errors.ts';
import { passwordProblem, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordContext, type PasswordProblem } from './password-policy.ts';

const common = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

export const isCommonPassword = (candidate: string) => common.has(candidate);

const messages: Record<PasswordProblem, string> = {
  too_short: `The password must be at least ${PASSWORD_MIN_LENGTH} characters long`,
  too_long: `The password must be at most ${PASSWORD_MAX_LENGTH} characters long`,
  common: 'This password is among the most common ones: choose another, for example a few unrelated words',
  repetitive: 'This password repeats the same characters: choose another, for example a few unrelated words',
  sequence: 'This password runs along the keyboard or the alphabet: choose another, for example a few unrelated words',
  personal: 'This password is made of your name, your email address or the site’s name: choose another',
};

/** Refuses a password that `passwordProblem` finds fault with: 400, code `password_<problem>`. */
export function refuseWeakPassword(password: string, context: PasswordContext): void {
  const problem = passwordProblem(password, context, isCommonPassword);
  if (problem) throw new HttpError(400, messages[problem], `password_${problem}`);
}
