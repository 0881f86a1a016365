import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LANG, setLang } from '../../i18n/i18n.svelte.ts';
import MediaControls from './MediaControls.svelte';
import { FakeMediaDevices, installMediaDevices } from './testing/fake-media-devices.ts';

let uninstall = () => {};

function props(extra: Partial<Record<string, unknown>> = {}) {
  return {
    microphoneOn: true,
    cameraOn: false,
    screenSharing: false,
    audioOnly: false,
    canPublish: true,
    ontogglemicrophone: vi.fn(),
    ontogglecamera: vi.fn(),
    ontogglescreen: vi.fn(),
    ontoggleaudioonly: vi.fn(),
    ...extra,
  };
}

/** A browser that can share the screen (desktop), unlike a phone. */
function withScreenSharing() {
  const media = Object.assign(new FakeMediaDevices([]), { getDisplayMedia: async () => new MediaStream() });
  uninstall = installMediaDevices(media);
}

describe('MediaControls', () => {
  afterEach(() => {
    cleanup();
    uninstall();
    uninstall = () => {};
    setLang(DEFAULT_LANG);
  });

  it('is a labelled toolbar of toggle buttons whose pressed state follows the props', async () => {
    setLang('en');
    withScreenSharing();
    const p = props();
    const { rerender } = render(MediaControls, p);
    expect(screen.getByRole('toolbar', { name: 'Video and sound' })).toBeTruthy();
    const pressed = (name: string) => screen.getByRole('button', { name }).getAttribute('aria-pressed');
    expect(['Microphone', 'Camera', 'Share screen', 'Audio only'].map(pressed)).toEqual(['true', 'false', 'false', 'false']);
    expect(screen.getByRole('button', { name: 'Microphone' }).textContent).toContain('On');
    expect(screen.getByRole('button', { name: 'Camera' }).textContent).toContain('Off');

    await fireEvent.click(screen.getByRole('button', { name: 'Camera' }));
    expect(p.ontogglecamera).toHaveBeenCalledOnce();
    await fireEvent.click(screen.getByRole('button', { name: 'Share screen' }));
    expect(p.ontogglescreen).toHaveBeenCalledOnce();
    await rerender({ ...p, cameraOn: true, microphoneOn: false, screenSharing: true, audioOnly: true });
    expect(['Microphone', 'Camera', 'Share screen', 'Audio only'].map(pressed)).toEqual(['false', 'true', 'true', 'true']);
  });

  it('offers viewers only audio-only, and explains what it does', async () => {
    setLang('fi');
    withScreenSharing();
    const p = props({ canPublish: false });
    render(MediaControls, p);
    const buttons = screen.getAllByRole('button');
    expect(buttons).toHaveLength(1);
    const audioOnly = screen.getByRole('button', { name: 'Vain ääni' });
    expect(audioOnly.getAttribute('aria-pressed')).toBe('false');
    const hint = document.getElementById(audioOnly.getAttribute('aria-describedby')!);
    expect(hint?.textContent).toBe('Säästää dataa heikolla yhteydellä: muiden videokuvaa ei ladata.');
    await fireEvent.click(audioOnly);
    expect(p.ontoggleaudioonly).toHaveBeenCalledOnce();
  });

  it('leaves out screen sharing where the browser cannot share a screen', () => {
    setLang('en');
    uninstall = installMediaDevices(new FakeMediaDevices([]));
    render(MediaControls, props());
    expect(screen.queryByRole('button', { name: 'Share screen' })).toBeNull();
    expect(screen.getAllByRole('button')).toHaveLength(3);
  });

  it('is one Tab stop; the arrow keys, Home and End move between the buttons', async () => {
    setLang('en');
    withScreenSharing();
    render(MediaControls, props());
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((b) => b.tabIndex)).toEqual([0, -1, -1, -1]);

    buttons[0]!.focus();
    await fireEvent.keyDown(buttons[0]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(buttons[1]);
    expect(buttons.map((b) => b.tabIndex)).toEqual([-1, 0, -1, -1]);
    await fireEvent.keyDown(buttons[1]!, { key: 'End' });
    expect(document.activeElement).toBe(buttons[3]);
    await fireEvent.keyDown(buttons[3]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(buttons[0]);
    await fireEvent.keyDown(buttons[0]!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(buttons[3]);
    await fireEvent.keyDown(buttons[3]!, { key: 'Home' });
    expect(document.activeElement).toBe(buttons[0]);
  });
});
