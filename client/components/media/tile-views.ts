import type { MediaTile } from '../../media/tiles.ts';

/** The props VideoGrid and StageView share: the tiles to show, which are pinned, and where sizes go. */
export interface TileViewProps {
  tiles: MediaTile[];
  pinned: string[];
  onpinchange: (pinned: string[]) => void;
  /** The size each tile's picture is drawn at, throttled, for choosing simulcast layers. */
  ontilesize?: (tileId: string, size: { width: number; height: number }) => void;
}
