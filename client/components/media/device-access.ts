/** Turning getUserMedia's errors into what the device check tells the person. */

export type DeviceKind = 'camera' | 'microphone';

/** How one kind of device stands: being asked for, working, or why not. */
export type AccessState = 'asking' | 'ready' | 'denied' | 'missing' | 'busy' | 'failed' | 'unsupported';

export function accessStateOf(error: unknown): AccessState {
  const name = typeof error === 'object' && error !== null && 'name' in error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    // A chosen device that has been unplugged cannot satisfy its exact deviceId.
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}

export const constraintName = { camera: 'video', microphone: 'audio' } as const;
export const inputKind = { camera: 'videoinput', microphone: 'audioinput' } as const;

export function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
