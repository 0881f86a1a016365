import { t } from '../../i18n/i18n.svelte.ts';
import type { MediaTile } from '../../media/tiles.ts';

/** The name a tile is shown and announced with: "(you)" on one's own, "shared screen" on a screen. */
export function tileLabel(tile: MediaTile): string {
  const name = tile.isLocal ? t('media.tile.you', { name: tile.name }) : tile.name;
  return tile.source === 'screen' ? t('media.tile.screen', { name }) : name;
}
