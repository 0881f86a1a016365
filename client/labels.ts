/** Names for values the server sends as codes (roles, audit actions), in the reader's language. */
import { hasMessage, t } from './i18n/i18n.svelte.ts';

export function roleName(role: string): string {
  const key = `role.${role}`;
  return hasMessage(key) ? t(key) : role;
}

export function auditActionName(action: string): string {
  const key = `audit.action.${action}`;
  return hasMessage(key) ? t(key) : action;
}

export function targetTypeName(type: string): string {
  const key = `audit.target.${type}`;
  return hasMessage(key) ? t(key) : type;
}
