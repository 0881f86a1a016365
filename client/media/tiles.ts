/**
 * What the meeting room shows as video tiles, and the pure rules for arranging them: pinning
 * (at most two, e.g. the sign-language interpreter and the speaker), which tile takes the
 * stage in a broadcast, and how many columns the grid gets.
 */

export interface MediaTile {
  id: string;
  userId: string;
  name: string;
  source: 'camera' | 'screen';
  stream: MediaStream | null;
  speaking: boolean;
  audioMuted: boolean;
  videoPaused: boolean;
  isLocal: boolean;
}

export const MAX_PINNED = 2;

export type PinResult =
  | { ok: true; pinned: string[] }
  /** The limit is reached: the person must unpin one of `blocking` first. */
  | { ok: false; pinned: string[]; blocking: string[] };

/**
 * Pin or unpin `tileId`. Pins of tiles that are gone do not count. A third pin is refused
 * rather than silently unpinning the oldest: the oldest pin is often the interpreter, who
 * must never disappear from someone's screen without them choosing it.
 */
export function togglePin(pinned: readonly string[], tileId: string, presentIds: readonly string[]): PinResult {
  const present = pinned.filter((id) => presentIds.includes(id));
  if (present.includes(tileId)) return { ok: true, pinned: present.filter((id) => id !== tileId) };
  if (present.length >= MAX_PINNED) return { ok: false, pinned: present, blocking: present };
  return { ok: true, pinned: [...present, tileId] };
}

/** The pinned tiles that are present, in the order they were pinned, and the rest in their own order. */
export function splitPinned(tiles: readonly MediaTile[], pinned: readonly string[]): { pinned: MediaTile[]; others: MediaTile[] } {
  const byId = new Map(tiles.map((tile) => [tile.id, tile]));
  const pinnedTiles = pinned.flatMap((id) => byId.get(id) ?? []).slice(0, MAX_PINNED);
  const pinnedIds = new Set(pinnedTiles.map((tile) => tile.id));
  return { pinned: pinnedTiles, others: tiles.filter((tile) => !pinnedIds.has(tile.id)) };
}

export interface StageLayout {
  stage: MediaTile | null;
  /** Pinned tiles shown beside the stage. */
  beside: MediaTile[];
  /** Everyone else, small. */
  others: MediaTile[];
}

/**
 * Who takes the big stage in a broadcast. A shared screen wins (it is what the speaker is
 * showing); then whoever speaks. The stage is sticky: it stays with `previousId` while that
 * tile still qualifies, so a cough elsewhere does not flip the picture. Pinned tiles stay beside
 * the stage unless everything is pinned.
 */
export function arrangeStage(tiles: readonly MediaTile[], pinned: readonly string[], previousId: string | null): StageLayout {
  const split = splitPinned(tiles, pinned);
  const candidates = split.others.length > 0 ? split.others : split.pinned;
  const previous = candidates.find((tile) => tile.id === previousId) ?? null;
  const stage = pickStage(candidates, previous);
  return {
    stage,
    beside: split.pinned.filter((tile) => tile !== stage),
    others: split.others.filter((tile) => tile !== stage),
  };
}

function pickStage(candidates: readonly MediaTile[], previous: MediaTile | null): MediaTile | null {
  const screens = candidates.filter((tile) => tile.source === 'screen');
  if (screens.length > 0) return previous && screens.includes(previous) ? previous : (screens[0] ?? null);
  const speakers = candidates.filter((tile) => tile.speaking && !tile.isLocal);
  if (previous && (speakers.length === 0 || speakers.includes(previous))) return previous;
  if (speakers.length > 0) return speakers[0] ?? null;
  return candidates.find((tile) => !tile.isLocal) ?? candidates[0] ?? null;
}

/** Narrowest a grid tile gets before the grid drops a column (CSS pixels). */
export const MIN_TILE_WIDTH = 200;

/**
 * Columns for `count` tiles in a grid `width` pixels wide: close to square (2×2 for four, not
 * 3 + 1), never so many that a tile gets narrower than MIN_TILE_WIDTH. An unknown width (0,
 * before the first layout) gives the square arrangement.
 */
export function gridColumns(count: number, width: number): number {
  if (count <= 1) return 1;
  const square = Math.ceil(Math.sqrt(count));
  if (width <= 0) return square;
  return Math.max(1, Math.min(square, Math.floor(width / MIN_TILE_WIDTH)));
}

/** Up to two initials for a tile without video, e.g. "AA" for "Aino Asukas". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => Array.from(word ?? '')[0] ?? '').join('').toLocaleUpperCase();
}
