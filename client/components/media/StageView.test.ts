import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LANG, setLang } from '../../i18n/i18n.svelte.ts';
import type { MediaTile } from '../../media/tiles.ts';
import StageView from './StageView.svelte';

function tile(id: string, name: string, extra: Partial<MediaTile> = {}): MediaTile {
  return { id, userId: `u-${id}`, name, source: 'camera', stream: null, speaking: false, audioMuted: false, videoPaused: false, isLocal: false, ...extra };
}

const names = (element: HTMLElement) => within(element).getAllByRole('figure').map((figure) => figure.querySelector('.name')?.textContent);

describe('StageView', () => {
  beforeEach(() => setLang('en'));
  afterEach(() => {
    cleanup();
    setLang(DEFAULT_LANG);
  });

  it('puts the speaker on the stage and the pinned interpreter beside it', async () => {
    const tiles = [tile('i', 'Iida Tulkki'), tile('m', 'Mayor Marja', { speaking: true }), tile('o', 'Olli Official')];
    const onpinchange = vi.fn();
    const view = render(StageView, { tiles, pinned: [], onpinchange });
    expect(names(screen.getByRole('group', { name: 'On stage' }))).toEqual(['Mayor Marja']);

    await fireEvent.click(screen.getByRole('button', { name: 'Pin Iida Tulkki' }));
    expect(onpinchange).toHaveBeenCalledWith(['i']);
    await view.rerender({ tiles, pinned: ['i'], onpinchange });
    expect(names(screen.getByRole('group', { name: 'On stage' }))).toEqual(['Mayor Marja']);
    expect(names(screen.getByRole('list', { name: 'Pinned' }))).toEqual(['Iida Tulkki']);
    expect(names(screen.getByRole('list', { name: 'Others on stage' }))).toEqual(['Olli Official']);

    // The official starts to speak: the stage follows, the interpreter stays beside it.
    const next = [tile('i', 'Iida Tulkki'), tile('m', 'Mayor Marja'), tile('o', 'Olli Official', { speaking: true })];
    await view.rerender({ tiles: next, pinned: ['i'], onpinchange });
    expect(names(screen.getByRole('group', { name: 'On stage' }))).toEqual(['Olli Official']);
    expect(names(screen.getByRole('list', { name: 'Pinned' }))).toEqual(['Iida Tulkki']);

    // Silence keeps the stage where it was.
    await view.rerender({ tiles: next.map((t) => ({ ...t, speaking: false })), pinned: ['i'], onpinchange });
    expect(names(screen.getByRole('group', { name: 'On stage' }))).toEqual(['Olli Official']);
  });

  it('applies the same two-pin limit', async () => {
    const tiles = [tile('i', 'Iida Tulkki'), tile('m', 'Mayor Marja'), tile('o', 'Olli Official'), tile('s', 'Sanna Sihteeri')];
    const onpinchange = vi.fn();
    render(StageView, { tiles, pinned: ['i', 'o'], onpinchange });
    await fireEvent.click(screen.getByRole('button', { name: 'Pin Sanna Sihteeri' }));
    expect(onpinchange).not.toHaveBeenCalled();
    expect(screen.getByRole('status').textContent).toContain('first unpin Iida Tulkki or Olli Official');
  });

  it('says when the broadcast has not started', () => {
    setLang('sv');
    render(StageView, { tiles: [], pinned: [], onpinchange: () => {} });
    expect(screen.getByText('Sändningen har inte börjat ännu.')).toBeTruthy();
  });
});
