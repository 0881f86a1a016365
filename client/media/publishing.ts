import type { types } from 'mediasoup-client';

/**
 * Three VP8 simulcast layers for a camera: a viewer's server-side consumer forwards the one that
 * fits its tile (or the smallest on a weak line), and the sender encodes once for everyone.
 */
export const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

/** The simulcast layer for a tile drawn this wide (CSS pixels × device pixel ratio). */
export function layerForWidth(devicePixels: number): number {
  if (devicePixels >= 640) return 2;
  if (devicePixels >= 320) return 1;
  return 0;
}

/** Opens the chosen camera or microphone; `null` lets the browser pick. */
export async function openTrack(source: 'camera' | 'microphone', deviceId: string | null): Promise<MediaStreamTrack> {
  const constraint = deviceId ? { deviceId: { exact: deviceId } } : true;
  const stream = await navigator.mediaDevices.getUserMedia(source === 'camera' ? { video: constraint } : { audio: constraint });
  const [track] = stream.getTracks();
  if (!track) throw new Error(`no ${source} track`);
  return track;
}

export async function openScreen(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  const [track] = stream.getVideoTracks();
  if (!track) throw new Error('no screen track');
  return track;
}
