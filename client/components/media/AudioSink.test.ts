import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LANG, setLang } from '../../i18n/i18n.svelte.ts';
import AudioSink from './AudioSink.svelte';

describe('AudioSink', () => {
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
    setLang(DEFAULT_LANG);
  });

  it('plays each stream in its own hidden audio element and keeps a stream that stays', async () => {
    const first = new MediaStream();
    const second = new MediaStream();
    const { container, rerender } = render(AudioSink, { streams: [first] });
    const audio = container.querySelector('audio')!;
    expect(audio.srcObject).toBe(first);
    expect(audio.autoplay).toBe(true);

    await rerender({ streams: [first, second] });
    const all = [...container.querySelectorAll('audio')];
    expect(all.map((a) => a.srcObject)).toEqual([first, second]);
    expect(all[0]).toBe(audio);

    await rerender({ streams: [second] });
    expect([...container.querySelectorAll('audio')].map((a) => a.srcObject)).toEqual([second]);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('offers “Turn on sound” when the browser blocks autoplay, and plays on click', async () => {
    setLang('en');
    // The browser's autoplay policy: refused until the person clicks.
    let clicked = false;
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() =>
      clicked ? Promise.resolve() : Promise.reject(new DOMException('play() needs a user gesture', 'NotAllowedError')),
    );
    render(AudioSink, { streams: [new MediaStream(), new MediaStream()] });

    const button = await screen.findByRole('button', { name: 'Turn on sound' });
    expect(screen.getByRole('status').textContent).toBe('Your browser blocked the sound of the meeting.');
    clicked = true;
    await fireEvent.click(button);
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: 'Turn on sound' })).toBeNull());
    expect(HTMLMediaElement.prototype.play).toHaveBeenCalledTimes(4);
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('does not ask the person to turn on sound for other playback failures', async () => {
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockRejectedValue(new DOMException('interrupted', 'AbortError'));
    render(AudioSink, { streams: [new MediaStream()] });
    expect(play).toHaveBeenCalledOnce();
    // A macrotask runs after every pending promise reaction, the rejection handler included.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByRole('button')).toBeNull();
  });
});
