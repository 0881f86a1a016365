import { errorMessage } from '../errors.ts';
import { hasMessage, t } from '../i18n/i18n.svelte.ts';
import { RoomCommandError } from './connection.svelte.ts';

/** The text to show when a room request fails, in the reader's language. Call it in the template. */
export function roomErrorMessage(err: unknown): string {
  if (!(err instanceof RoomCommandError)) return errorMessage(err);
  if (err.code === 'slow_mode') {
    const seconds = /(\d+)\s*s\b/.exec(err.message)?.[1];
    if (seconds) return t('room.error.slowModeWait', { seconds });
  }
  const key = `room.error.${err.code}`;
  if (hasMessage(key)) return t(key);
  return err.message || t('error.server');
}
