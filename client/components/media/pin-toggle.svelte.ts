import { tick } from 'svelte';
import { togglePin, type MediaTile } from '../../media/tiles.ts';
import { tileLabel } from './tile-label.ts';

/**
 * Pin and unpin for a video view. A refused third pin leaves a notice naming the two pinned
 * tiles, so the person knows which one to unpin; any successful change clears it. A pinned or
 * unpinned tile moves to another list and is drawn anew, so keyboard focus follows it to its
 * new pin button instead of falling back to the top of the page.
 */
export class PinToggle {
  /** The tiles blocking a pin, while the notice is shown. */
  blocking = $state.raw<MediaTile[]>([]);

  toggle(view: HTMLElement | undefined, tiles: readonly MediaTile[], pinned: readonly string[], tileId: string, onpinchange: (pinned: string[]) => void): void {
    const result = togglePin(
      pinned,
      tileId,
      tiles.map((tile) => tile.id),
    );
    if (!result.ok) {
      this.blocking = result.blocking.flatMap((id) => tiles.find((tile) => tile.id === id) ?? []);
      return;
    }
    this.blocking = [];
    const hadFocus = view !== undefined && view.contains(document.activeElement);
    onpinchange(result.pinned);
    if (hadFocus) void tick().then(() => refocus(view, tileId));
  }

  /** The notice's names, in the current language. */
  names(): string[] {
    return this.blocking.map(tileLabel);
  }
}

function refocus(view: HTMLElement, tileId: string): void {
  if (view.contains(document.activeElement)) return;
  const tile = [...view.querySelectorAll<HTMLElement>('[data-tile-id]')].find((element) => element.dataset.tileId === tileId);
  tile?.querySelector('button')?.focus();
}
