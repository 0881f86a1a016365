import { ApiError } from './api.ts';
import { t } from './i18n/i18n.svelte.ts';

/**
 * The text to show for a failed request. The server's own message is shown for client
 * errors (4xx); unreachable server and server faults get a translated message. Call it in
 * the template so it follows language changes.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    if (err.status >= 500) return t('error.server');
    return err.message || t('error.server');
  }
  return t('error.server');
}
