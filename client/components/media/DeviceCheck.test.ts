import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LANG, setLang } from '../../i18n/i18n.svelte.ts';
import DeviceCheck from './DeviceCheck.svelte';
import { camera, FakeMediaDevices, installMediaDevices, microphone } from './testing/fake-media-devices.ts';

let uninstall = () => {};

function setUp(devices: FakeMediaDevices | undefined) {
  uninstall = installMediaDevices(devices);
  const onjoin = vi.fn();
  const oncancel = vi.fn();
  render(DeviceCheck, { onjoin, oncancel });
  return { onjoin, oncancel };
}

describe('DeviceCheck', () => {
  afterEach(() => {
    cleanup();
    uninstall();
    vi.unstubAllGlobals();
    setLang(DEFAULT_LANG);
  });

  it('lists the devices by name after permission, previews the camera and joins with the chosen ones', async () => {
    setLang('en');
    const media = new FakeMediaDevices([camera('cam-1', 'Laptop camera'), camera('cam-2', 'USB camera'), microphone('mic-1', 'Headset')]);
    const { onjoin } = setUp(media);

    const cameraSelect = await screen.findByRole('combobox', { name: 'Camera' });
    expect([...cameraSelect.querySelectorAll('option')].map((o) => o.textContent)).toEqual(['Laptop camera', 'USB camera']);
    expect((cameraSelect as HTMLSelectElement).value).toBe('cam-1');
    expect(screen.getByRole('combobox', { name: 'Microphone' })).toBeTruthy();
    const preview = screen.getByLabelText('Camera preview') as HTMLVideoElement;
    expect(preview.muted).toBe(true);
    expect((preview.srcObject as MediaStream).getVideoTracks()[0]).toBe(media.live().find((track) => track.kind === 'video'));

    await fireEvent.change(cameraSelect, { target: { value: 'cam-2' } });
    await waitFor(() => expect(media.live().map((track) => track.deviceId).sort()).toEqual(['cam-2', 'mic-1']));

    await fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onjoin).toHaveBeenCalledWith({ cameraId: 'cam-2', microphoneId: 'mic-1' });
    expect(media.live()).toEqual([]);
  });

  it('joins with the camera off when the person unticks it, and turns the camera light off at once', async () => {
    setLang('en');
    const media = new FakeMediaDevices([camera('cam-1', 'Laptop camera'), microphone('mic-1', 'Headset')]);
    const { onjoin } = setUp(media);

    const cameraOn = await screen.findByRole('checkbox', { name: 'Join with camera on' });
    await fireEvent.click(cameraOn);
    expect(media.live().map((track) => track.kind)).toEqual(['audio']);
    expect(screen.getByText('The camera is off.')).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onjoin).toHaveBeenCalledWith({ cameraId: null, microphoneId: 'mic-1' });
  });

  it('explains a refused permission, offers to try again and still lets the person join to watch and listen', async () => {
    setLang('en');
    const media = new FakeMediaDevices([camera('cam-1', 'Laptop camera'), microphone('mic-1', 'Headset')]);
    media.refusals.video = 'NotAllowedError';
    media.refusals.audio = 'NotAllowedError';
    const { onjoin } = setUp(media);

    const alert = await screen.findByRole('alert');
    await waitFor(() => expect(alert.textContent).toContain('The browser does not allow Aukio to use your camera.'));
    expect(alert.textContent).toContain('The browser does not allow Aukio to use your microphone.');
    expect(alert.textContent).toContain('allow them with the camera or lock icon next to the address bar');
    expect(alert.textContent).toContain('You can still join to watch and listen.');
    expect(screen.queryByRole('combobox')).toBeNull();

    delete media.refusals.video;
    delete media.refusals.audio;
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('combobox', { name: 'Camera' });
    expect(alert.textContent?.trim()).toBe('');
    expect(media.live()).toHaveLength(2);

    media.refusals.video = 'NotAllowedError';
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Join with microphone on' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onjoin).toHaveBeenLastCalledWith({ cameraId: 'cam-1', microphoneId: null });
  });

  it('tells which device is missing and keeps the one that works', async () => {
    setLang('sv');
    const media = new FakeMediaDevices([microphone('mic-1', 'Headset')]);
    const { onjoin } = setUp(media);

    await screen.findByRole('combobox', { name: 'Mikrofon' });
    expect(screen.getByRole('alert').textContent).toContain('Ingen kamera hittades.');
    expect(screen.getByRole('alert').textContent).not.toContain('titta och lyssna');
    await fireEvent.click(screen.getByRole('button', { name: 'Anslut' }));
    expect(onjoin).toHaveBeenCalledWith({ cameraId: null, microphoneId: 'mic-1' });
  });

  it('with no devices at all says so and offers to join to watch and listen', async () => {
    const media = new FakeMediaDevices([]);
    const { onjoin } = setUp(media);

    const alert = await screen.findByRole('alert');
    await waitFor(() => expect(alert.textContent).toContain('Kameraa ei löytynyt.'));
    expect(alert.textContent).toContain('Mikrofonia ei löytynyt.');
    expect(alert.textContent).toContain('Voit silti liittyä katsomaan ja kuuntelemaan.');
    expect(screen.queryByRole('button', { name: 'Yritä uudelleen' })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Liity katsomaan ja kuuntelemaan' }));
    expect(onjoin).toHaveBeenCalledWith({ cameraId: null, microphoneId: null });
  });

  it('says when the browser has no camera access on this page at all', async () => {
    setLang('en');
    setUp(undefined);
    expect(await screen.findByText('This browser cannot use a camera or microphone on this page.')).toBeTruthy();
    expect(screen.getByText('You can still join to watch and listen.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Join to watch and listen' })).toBeTruthy();
  });

  it('tells when another program holds the camera', async () => {
    setLang('en');
    const media = new FakeMediaDevices([camera('cam-1', 'Laptop camera'), microphone('mic-1', 'Headset')]);
    media.refusals.video = 'NotReadableError';
    setUp(media);
    expect(await screen.findByText('The camera is in use by another program. Close it and choose “Try again”.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('shows a microphone level that moves with the sound, and closes the audio graph when done', async () => {
    setLang('en');
    // happy-dom has no WebAudio: a loud constant wave stands in for the browser's analyser.
    const contexts: { closed: boolean }[] = [];
    vi.stubGlobal(
      'AudioContext',
      class {
        closed = false;
        constructor() {
          contexts.push(this);
        }
        createAnalyser() {
          return { fftSize: 0, getByteTimeDomainData: (data: Uint8Array) => data.forEach((_, i) => (data[i] = i % 2 ? 168 : 88)) };
        }
        createMediaStreamSource() {
          return { connect() {} };
        }
        resume() {
          return Promise.resolve();
        }
        close() {
          this.closed = true;
          return Promise.resolve();
        }
      },
    );
    const media = new FakeMediaDevices([camera('cam-1', 'Laptop camera'), microphone('mic-1', 'Headset')]);
    setUp(media);
    const meter = await screen.findByRole('meter', { name: 'Microphone level' });
    await waitFor(() => expect(Number(meter.getAttribute('aria-valuenow'))).toBeGreaterThan(50));

    await fireEvent.click(screen.getByRole('checkbox', { name: 'Join with microphone on' }));
    expect(screen.queryByRole('meter')).toBeNull();
    expect(contexts.every((context) => context.closed)).toBe(true);
  });

  it('stops its tracks when cancelled, and when removed from the page', async () => {
    setLang('en');
    const media = new FakeMediaDevices([camera('cam-1', 'Laptop camera'), microphone('mic-1', 'Headset')]);
    const { oncancel } = setUp(media);
    await screen.findByRole('combobox', { name: 'Camera' });
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(oncancel).toHaveBeenCalledOnce();
    expect(media.live()).toEqual([]);

    cleanup();
    const again = new FakeMediaDevices([camera('cam-1', 'Laptop camera'), microphone('mic-1', 'Headset')]);
    uninstall();
    setUp(again);
    await screen.findByRole('combobox', { name: 'Camera' });
    expect(again.live()).toHaveLength(2);
    cleanup();
    expect(again.live()).toEqual([]);
  });
});
