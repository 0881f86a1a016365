import type { MessageKey } from './i18n/i18n.svelte.ts';

export const PASSWORD_MIN_LENGTH = 10;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(value: string): MessageKey | null {
  const v = value.trim();
  if (!v) return 'validation.emailRequired';
  return EMAIL.test(v) ? null : 'validation.emailInvalid';
}

export function checkPassword(value: string, minLength = 0): MessageKey | null {
  if (!value) return 'validation.passwordRequired';
  return value.length < minLength ? 'validation.passwordTooShort' : null;
}

export function checkDisplayName(value: string): MessageKey | null {
  return value.trim() ? null : 'validation.displayNameRequired';
}
