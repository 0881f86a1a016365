import { displayNameProblem } from '../server/auth/display-name.ts';
import { passwordProblem, type PasswordContext } from '../server/auth/password-policy.ts';
import type { MessageKey } from './i18n/i18n.svelte.ts';

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../server/auth/password-policy.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(value: string): MessageKey | null {
  const v = value.trim();
  if (!v) return 'validation.emailRequired';
  return EMAIL.test(v) ? null : 'validation.emailInvalid';
}

/** The password typed to sign in: any it may be, the policy is for new ones. */
export function checkPassword(value: string): MessageKey | null {
  return value ? null : 'validation.passwordRequired';
}

/** A new password, by the server's own policy (all of it but the list of common passwords, which only the server has). */
export function checkNewPassword(value: string, context: PasswordContext): MessageKey | null {
  if (!value) return 'validation.passwordRequired';
  const problem = passwordProblem(value, context);
  if (problem === 'too_short') return 'validation.passwordTooShort';
  if (problem === 'too_long') return 'validation.passwordTooLong';
  return problem && `error.code.password_${problem}`;
}

/** A display name, by the server's own rules (short of the staff names, which only the server knows). */
export function checkDisplayName(value: string): MessageKey | null {
  const problem = displayNameProblem(value);
  if (problem === 'empty') return 'validation.displayNameRequired';
  return problem && `error.code.display_name_${problem}`;
}
