import { ApiError } from './api.ts';
import { hasMessage, t } from './i18n/i18n.svelte.ts';

/**
 * The text to show for a failed request. A server error `code` with a translation
 * (`error.code.<code>`) is shown in the reader's language; otherwise the server's own
 * message is shown for client errors (4xx), and unreachable server and server faults get a
 * translated message. Call it in the template so it follows language changes.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    const key = err.code ? `error.code.${err.code}` : '';
    if (key && hasMessage(key)) return t(key);
    if (err.status >= 500) return t('error.server');
    return err.message || t('error.server');
  }
  return t('error.server');
}

/** Whether the failure means "this does not exist (or is not yours to see)". */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}
