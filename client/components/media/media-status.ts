import type { MessageKey } from '../../i18n/i18n.svelte.ts';
import type { MediaSessionStatus } from '../../media/media-session.svelte.ts';

/** Where the person's own video connection stands, as MediaStatus shows it. */
export type MediaStatusValue = MediaSessionStatus;

export const mediaStatusText: Record<Exclude<MediaStatusValue, 'idle'>, MessageKey> = {
  connecting: 'media.status.connecting',
  live: 'media.status.live',
  watching: 'media.status.watching',
  reconnecting: 'media.status.reconnecting',
  failed: 'media.status.failed',
};
