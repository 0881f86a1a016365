import type { DeviceChoice } from '../../media/media-session.svelte.ts';
import { accessStateOf, constraintName, inputKind, stopStream, type AccessState, type DeviceKind } from './device-access.ts';

/** One kind of device in the check: its state, the devices to choose from, and the live track. */
export class DeviceSlot {
  state = $state<AccessState>('asking');
  /** The person wants to join with it on. */
  on = $state(true);
  devices = $state.raw<MediaDeviceInfo[]>([]);
  selectedId = $state('');
  track = $state.raw<MediaStreamTrack | null>(null);
  /** Counts requests, so a slow answer to an old request does not replace a newer one. */
  request = 0;

  constructor(readonly kind: DeviceKind) {}

  /** The device to join with, or null to join with it off. */
  choice(): string | null {
    if (!this.on || this.state !== 'ready') return null;
    return this.selectedId || this.devices[0]?.deviceId || null;
  }

  release(): void {
    this.track?.stop();
    this.track = null;
  }
}

/**
 * The camera and microphone before joining: asks for permission, lists the devices (their
 * names are only readable after permission), opens the chosen ones for the preview and the
 * level meter, and stops every track it opened when closed.
 */
export class DeviceCheckSession {
  readonly camera = new DeviceSlot('camera');
  readonly microphone = new DeviceSlot('microphone');
  #closed = false;

  constructor(private readonly media: MediaDevices | undefined) {}

  get asking(): boolean {
    return this.camera.state === 'asking' || this.microphone.state === 'asking';
  }

  /** Ask for both at once (one browser prompt); if that fails, each on its own, to tell which one is the problem. */
  async start(): Promise<void> {
    const media = this.media;
    if (typeof media?.getUserMedia !== 'function') {
      this.camera.state = 'unsupported';
      this.microphone.state = 'unsupported';
      return;
    }
    const slots = [this.camera, this.microphone];
    const requests = slots.map((slot) => {
      slot.release();
      slot.state = 'asking';
      return ++slot.request;
    });
    let stream: MediaStream | null = null;
    try {
      stream = await media.getUserMedia({ video: true, audio: true });
    } catch {
      stream = null;
    }
    if (stream) {
      if (this.#closed) return stopStream(stream);
      slots.forEach((slot, i) => {
        if (slot.request === requests[i]) this.#take(slot, stream);
      });
      stopUnused(stream, slots);
    } else {
      for (const [i, slot] of slots.entries()) if (slot.request === requests[i]) await this.#open(slot);
    }
    await this.listDevices();
  }

  /** Re-read the device list, e.g. when a headset is plugged in. */
  async listDevices(): Promise<void> {
    if (!this.media || this.#closed) return;
    let listed: MediaDeviceInfo[] = [];
    try {
      listed = await this.media.enumerateDevices();
    } catch {
      listed = [];
    }
    for (const slot of [this.camera, this.microphone]) {
      // Before permission browsers list devices without ids; those cannot be chosen.
      slot.devices = listed.filter((device) => device.kind === inputKind[slot.kind] && device.deviceId !== '');
    }
  }

  async choose(kind: DeviceKind, deviceId: string): Promise<void> {
    const slot = this[kind];
    slot.selectedId = deviceId;
    if (slot.on && slot.state === 'ready') await this.#open(slot);
  }

  /** Join with this kind on or off. While it is still being asked for, the answer honours `on`. */
  async setOn(kind: DeviceKind, on: boolean): Promise<void> {
    const slot = this[kind];
    slot.on = on;
    if (slot.state !== 'ready') return;
    if (on) {
      await this.#open(slot);
    } else {
      slot.request++;
      slot.release();
    }
  }

  choice(): DeviceChoice {
    return { cameraId: this.camera.choice(), microphoneId: this.microphone.choice() };
  }

  /** Stop every track; later answers to requests still on their way are stopped on arrival. */
  close(): void {
    this.#closed = true;
    for (const slot of [this.camera, this.microphone]) {
      slot.request++;
      slot.release();
    }
  }

  /** Listen for devices being plugged in or out; returns the way to stop listening. */
  watchDevices(): () => void {
    const media = this.media;
    if (typeof media?.addEventListener !== 'function') return () => {};
    const onchange = () => void this.listDevices();
    media.addEventListener('devicechange', onchange);
    return () => media.removeEventListener('devicechange', onchange);
  }

  async #open(slot: DeviceSlot): Promise<void> {
    const media = this.media;
    if (!media || this.#closed) return;
    const request = ++slot.request;
    // Some cameras cannot be opened twice, so the old track goes first.
    slot.release();
    const wanted = slot.selectedId ? { deviceId: { exact: slot.selectedId } } : true;
    try {
      const stream = await media.getUserMedia({ [constraintName[slot.kind]]: wanted });
      if (this.#closed || slot.request !== request) return stopStream(stream);
      this.#take(slot, stream);
      stopUnused(stream, [slot]);
    } catch (error) {
      if (slot.request === request) slot.state = accessStateOf(error);
    }
  }

  #take(slot: DeviceSlot, stream: MediaStream): void {
    const track = (slot.kind === 'camera' ? stream.getVideoTracks() : stream.getAudioTracks())[0] ?? null;
    slot.track = slot.on ? track : null;
    slot.state = track ? 'ready' : 'missing';
    if (track) slot.selectedId = track.getSettings().deviceId ?? slot.selectedId;
  }
}

/** Stop the tracks of `stream` that no slot kept. */
function stopUnused(stream: MediaStream, slots: DeviceSlot[]): void {
  const kept = new Set(slots.map((slot) => slot.track));
  for (const track of stream.getTracks()) if (!kept.has(track)) track.stop();
}
