/**
 * A stand-in for the browser's navigator.mediaDevices, which happy-dom does not have, for the
 * component tests only: devices to list, a permission to grant or refuse, and a record of the
 * tracks it handed out so a test can see that they were stopped.
 */

export interface FakeDevice {
  kind: 'videoinput' | 'audioinput';
  deviceId: string;
  label: string;
}

export class FakeTrack {
  stopped = false;
  readonly id: string;
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId: string,
  ) {
    this.id = `${kind}-${deviceId}-${Math.random().toString(36).slice(2)}`;
  }
  get readyState(): 'live' | 'ended' {
    return this.stopped ? 'ended' : 'live';
  }
  stop(): void {
    this.stopped = true;
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId };
  }
}

export function fakeStream(tracks: FakeTrack[]): MediaStream {
  return {
    id: `stream-${Math.random().toString(36).slice(2)}`,
    getTracks: () => [...tracks],
    getVideoTracks: () => tracks.filter((track) => track.kind === 'video'),
    getAudioTracks: () => tracks.filter((track) => track.kind === 'audio'),
  } as unknown as MediaStream;
}

type Refusal = 'NotAllowedError' | 'NotReadableError';

export class FakeMediaDevices extends EventTarget {
  granted = false;
  readonly handedOut: FakeTrack[] = [];
  /** Why a kind is refused, if it is. */
  readonly refusals: Partial<Record<'video' | 'audio', Refusal>> = {};
  readonly requests: MediaStreamConstraints[] = [];

  constructor(public devices: FakeDevice[]) {
    super();
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    // Like browsers, ids and names are hidden until permission is given.
    return this.devices.map((device) => ({
      kind: device.kind,
      deviceId: this.granted ? device.deviceId : '',
      label: this.granted ? device.label : '',
      groupId: '',
      toJSON: () => ({}),
    }));
  }

  async getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    this.requests.push(constraints);
    const tracks: FakeTrack[] = [];
    for (const kind of ['video', 'audio'] as const) {
      const wanted = constraints[kind];
      if (!wanted) continue;
      const refusal = this.refusals[kind];
      if (refusal) throw new DOMException('refused', refusal);
      const inputs = this.devices.filter((device) => device.kind === (kind === 'video' ? 'videoinput' : 'audioinput'));
      if (inputs.length === 0) throw new DOMException('Requested device not found', 'NotFoundError');
      const exact = typeof wanted === 'object' ? (wanted.deviceId as { exact?: string } | undefined)?.exact : undefined;
      const device = exact === undefined ? inputs[0] : inputs.find((input) => input.deviceId === exact);
      if (!device) throw new DOMException('no such device', 'OverconstrainedError');
      tracks.push(new FakeTrack(kind, device.deviceId));
    }
    this.granted = true;
    this.handedOut.push(...tracks);
    return fakeStream(tracks);
  }

  live(): FakeTrack[] {
    return this.handedOut.filter((track) => !track.stopped);
  }
}

/** Put `devices` (or nothing) at navigator.mediaDevices until the returned function is called. */
export function installMediaDevices(devices: FakeMediaDevices | undefined): () => void {
  Object.defineProperty(navigator, 'mediaDevices', { value: devices, configurable: true });
  return () => {
    delete (navigator as { mediaDevices?: unknown }).mediaDevices;
  };
}

export const camera = (id: string, label: string): FakeDevice => ({ kind: 'videoinput', deviceId: id, label });
export const microphone = (id: string, label: string): FakeDevice => ({ kind: 'audioinput', deviceId: id, label });
