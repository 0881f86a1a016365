import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LANG, setLang } from '../../i18n/i18n.svelte.ts';
import type { MediaTile } from '../../media/tiles.ts';
import { FakeTrack } from './testing/fake-media-devices.ts';
import VideoTile from './VideoTile.svelte';

function videoStream(): MediaStream {
  return new MediaStream([new FakeTrack('video', 'cam') as unknown as MediaStreamTrack]);
}

function tile(extra: Partial<MediaTile> = {}): MediaTile {
  return { id: 't1', userId: 'u1', name: 'Aino Asukas', source: 'camera', stream: null, speaking: false, audioMuted: false, videoPaused: false, isLocal: false, ...extra };
}

describe('VideoTile', () => {
  afterEach(() => {
    cleanup();
    setLang(DEFAULT_LANG);
  });

  it('plays the video muted and inline, and keeps the same stream across updates', async () => {
    setLang('en');
    const stream = videoStream();
    const { container, rerender } = render(VideoTile, { tile: tile({ stream }), pinned: false, onpintoggle: () => {} });
    const video = container.querySelector('video')!;
    expect(video.muted).toBe(true);
    expect(video.hasAttribute('playsinline')).toBe(true);
    expect(video.srcObject).toBe(stream);
    expect(video.paused).toBe(false);
    expect(screen.getByText('Aino Asukas')).toBeTruthy();

    await rerender({ tile: tile({ stream, speaking: true }), pinned: false, onpintoggle: () => {} });
    expect(container.querySelector('video')).toBe(video);
    expect(video.srcObject).toBe(stream);
  });

  it('shows who speaks and whose microphone is off in words, not by colour alone', () => {
    setLang('en');
    render(VideoTile, { tile: tile({ speaking: true, audioMuted: true, stream: videoStream() }), pinned: false, onpintoggle: () => {} });
    expect(screen.getByText('Speaking')).toBeTruthy();
    expect(screen.getByText('Microphone off')).toBeTruthy();
  });

  it('falls back to the initials and says why when there is no video', async () => {
    setLang('fi');
    const { container, rerender } = render(VideoTile, { tile: tile(), pinned: false, onpintoggle: () => {} });
    expect(container.querySelector('video')).toBeNull();
    expect(screen.getByText('AA')).toBeTruthy();
    expect(screen.getByText('Kamera pois päältä')).toBeTruthy();

    await rerender({ tile: tile({ stream: videoStream(), videoPaused: true }), pinned: false, onpintoggle: () => {} });
    expect(container.querySelector('video')).toBeNull();
    expect(screen.getByText('Video keskeytetty')).toBeTruthy();
  });

  it('names one’s own tile and a shared screen, and mirrors only one’s own camera', () => {
    setLang('en');
    const { container } = render(VideoTile, { tile: tile({ isLocal: true, stream: videoStream() }), pinned: false, onpintoggle: () => {} });
    expect(screen.getByText('Aino Asukas (you)')).toBeTruthy();
    expect(container.querySelector('video')!.classList.contains('mirrored')).toBe(true);
    cleanup();
    const screenTile = render(VideoTile, { tile: tile({ isLocal: true, source: 'screen', stream: videoStream() }), pinned: false, onpintoggle: () => {} });
    expect(screen.getByText('Aino Asukas (you) – shared screen')).toBeTruthy();
    expect(screenTile.container.querySelector('video')!.classList.contains('mirrored')).toBe(false);
  });

  it('has a pin toggle named for the person, pressed when pinned', async () => {
    setLang('sv');
    const onpintoggle = vi.fn();
    const { rerender } = render(VideoTile, { tile: tile(), pinned: false, onpintoggle });
    const pin = screen.getByRole('button', { name: 'Fäst Aino Asukas' });
    expect(pin.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(pin);
    expect(onpintoggle).toHaveBeenCalledOnce();
    await rerender({ tile: tile(), pinned: true, onpintoggle });
    expect(pin.getAttribute('aria-pressed')).toBe('true');
  });
});
