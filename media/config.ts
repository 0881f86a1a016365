import { availableParallelism } from 'node:os';

export interface MediaConfig {
  /** mediasoup workers (processes) to run; one per core is the usual choice. */
  workers: number;
  /** First WebRtcServer port: worker i listens on mediaPort + i, UDP and TCP. */
  mediaPort: number;
  /** Address given to browsers in ICE candidates when they cannot reach listenIp directly. */
  announcedIp?: string;
  listenIp: string;
}

export const DEFAULT_MEDIA_PORT = 40000;

// Loopback unless the server announces a public address: a development machine then never
// exposes media ports, and production behind NAT listens everywhere and announces the public IP.
export function mediaConfig(overrides: Partial<MediaConfig> = {}): MediaConfig {
  const announcedIp = overrides.announcedIp || undefined;
  return {
    workers: overrides.workers ?? availableParallelism(),
    mediaPort: overrides.mediaPort ?? DEFAULT_MEDIA_PORT,
    listenIp: overrides.listenIp ?? (announcedIp ? '0.0.0.0' : '127.0.0.1'),
    ...(announcedIp ? { announcedIp } : {}),
  };
}
