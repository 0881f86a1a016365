import { errorMessage } from '../errors.ts';
import { formatTime, hasMessage, t } from '../i18n/i18n.svelte.ts';
import { RoomCommandError } from './connection.svelte.ts';

/** The text to show when a room request fails, in the reader's language. Call it in the template. */
export function roomErrorMessage(err: unknown): string {
  if (!(err instanceof RoomCommandError)) return errorMessage(err);
  const { details } = err;
  if (err.code === 'muted' && details.until && Number.isFinite(Date.parse(details.until))) {
    const time = formatTime(details.until);
    return details.reason ? t('room.error.mutedUntilReason', { time, reason: details.reason }) : t('room.error.mutedUntil', { time });
  }
  if (err.code === 'slow_mode' && details.retryAfterSeconds !== undefined) {
    return t('room.error.slowModeWait', { seconds: details.retryAfterSeconds });
  }
  const key = `room.error.${err.code}`;
  if (hasMessage(key)) return t(key);
  return err.message || t('error.server');
}
