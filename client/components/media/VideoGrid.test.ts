import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LANG, setLang } from '../../i18n/i18n.svelte.ts';
import type { MediaTile } from '../../media/tiles.ts';
import VideoGrid from './VideoGrid.svelte';

function tile(id: string, name: string, extra: Partial<MediaTile> = {}): MediaTile {
  return { id, userId: `u-${id}`, name, source: 'camera', stream: null, speaking: false, audioMuted: false, videoPaused: false, isLocal: false, ...extra };
}

const tiles = [tile('a', 'Aino Asukas'), tile('b', 'Bertta Berg'), tile('i', 'Iida Tulkki'), tile('me', 'Minna Mäki', { isLocal: true })];

/** Renders the grid the way the session does: it keeps `pinned` and passes it back in. */
function renderGrid(initial: string[] = [], ontilesize?: (id: string, size: { width: number; height: number }) => void) {
  const onpinchange = vi.fn();
  const view = render(VideoGrid, { tiles, pinned: initial, onpinchange, ontilesize });
  onpinchange.mockImplementation((pinned: string[]) => view.rerender({ tiles, pinned, onpinchange, ontilesize }));
  return onpinchange;
}

const names = (list: HTMLElement) => within(list).getAllByRole('figure').map((figure) => figure.querySelector('.name')?.textContent);

describe('VideoGrid', () => {
  beforeEach(() => setLang('en'));
  afterEach(() => {
    cleanup();
    setLang(DEFAULT_LANG);
    vi.unstubAllGlobals();
  });

  it('shows pinned tiles first, large, in the order they were pinned', async () => {
    const onpinchange = renderGrid();
    expect(screen.queryByRole('list', { name: 'Pinned' })).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Pin Iida Tulkki' }));
    expect(onpinchange).toHaveBeenLastCalledWith(['i']);
    await fireEvent.click(screen.getByRole('button', { name: 'Pin Bertta Berg' }));
    expect(onpinchange).toHaveBeenLastCalledWith(['i', 'b']);

    expect(names(screen.getByRole('list', { name: 'Pinned' }))).toEqual(['Iida Tulkki', 'Bertta Berg']);
    expect(names(screen.getByRole('list', { name: 'Participants' }))).toEqual(['Aino Asukas', 'Minna Mäki (you)']);
    expect(screen.getByRole('button', { name: 'Pin Iida Tulkki' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('refuses a third pin with a notice naming the two pinned, and keeps them pinned', async () => {
    const onpinchange = renderGrid(['i', 'b']);
    const notice = screen.getByRole('status');
    expect(notice.textContent).toBe('');

    await fireEvent.click(screen.getByRole('button', { name: 'Pin Aino Asukas' }));
    expect(onpinchange).not.toHaveBeenCalled();
    expect(notice.textContent).toBe('You can pin two at a time. To pin someone else, first unpin Iida Tulkki or Bertta Berg.');
    expect(screen.getByRole('button', { name: 'Pin Aino Asukas' }).getAttribute('aria-pressed')).toBe('false');

    await fireEvent.click(screen.getByRole('button', { name: 'Pin Bertta Berg' }));
    expect(onpinchange).toHaveBeenLastCalledWith(['i']);
    expect(notice.textContent).toBe('');
    await fireEvent.click(screen.getByRole('button', { name: 'Pin Aino Asukas' }));
    expect(onpinchange).toHaveBeenLastCalledWith(['i', 'a']);
  });

  it('says the notice in the person’s language', async () => {
    setLang('fi');
    renderGrid(['i', 'b']);
    await fireEvent.click(screen.getByRole('button', { name: 'Kiinnitä Aino Asukas' }));
    expect(screen.getByRole('status').textContent).toBe(
      'Voit kiinnittää kaksi kerrallaan. Jos haluat kiinnittää jonkun muun, poista ensin kiinnitys: Iida Tulkki tai Bertta Berg.',
    );
  });

  it('reports the size each tile is drawn at', async () => {
    const observed = new Map<Element, ResizeObserverCallback>();
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(private readonly callback: ResizeObserverCallback) {}
        observe(element: Element) {
          observed.set(element, this.callback);
        }
        unobserve(element: Element) {
          observed.delete(element);
        }
        disconnect() {}
      },
    );
    const sizes: [string, { width: number; height: number }][] = [];
    renderGrid([], (id, size) => sizes.push([id, size]));
    expect(observed.size).toBe(tiles.length);
    for (const [element, callback] of observed) {
      const id = element.closest('figure')?.getAttribute('data-tile-id');
      const width = id === 'a' ? 640 : 320;
      callback([{ target: element, contentRect: { width, height: (width * 9) / 16 } } as unknown as ResizeObserverEntry], {} as ResizeObserver);
    }
    // The first size goes out at once, the rest after the throttle interval, each once.
    await vi.waitFor(() => expect(sizes).toHaveLength(tiles.length), { timeout: 2000 });
    expect(sizes).toContainEqual(['a', { width: 640, height: 360 }]);
    expect(sizes).toContainEqual(['b', { width: 320, height: 180 }]);
  });

  it('keeps keyboard focus on the pin button of a tile that moves when pinned or unpinned', async () => {
    renderGrid();
    screen.getByRole('button', { name: 'Pin Iida Tulkki' }).focus();
    await fireEvent.click(screen.getByRole('button', { name: 'Pin Iida Tulkki' }));
    await vi.waitFor(() => expect(document.activeElement?.getAttribute('aria-pressed')).toBe('true'));
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Pin Iida Tulkki');
    expect(screen.getByRole('list', { name: 'Pinned' }).contains(document.activeElement)).toBe(true);

    await fireEvent.click(document.activeElement as HTMLElement);
    await vi.waitFor(() => expect(document.activeElement?.getAttribute('aria-pressed')).toBe('false'));
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Pin Iida Tulkki');
  });

  it('says when nobody is on video yet', () => {
    render(VideoGrid, { tiles: [], pinned: [], onpinchange: () => {} });
    expect(screen.getByText('No one is on video yet.')).toBeTruthy();
  });
});
