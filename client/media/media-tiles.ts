import type { ProducerInfo } from '../room/protocol.ts';
import type { MediaTile } from './tiles.ts';

/** Someone else's track as this viewer receives it. */
export interface RemoteTrack {
  info: ProducerInfo;
  /** The received track in a stream of its own, once consumed. */
  stream: MediaStream | null;
}

/** What this device sends. */
export interface LocalMedia {
  userId: string;
  name: string;
  camera: MediaStream | null;
  screen: MediaStream | null;
  microphoneOn: boolean;
}

/**
 * One tile per person with a camera or microphone (sound only shows their initials) and one per
 * shared screen; the local person's own tiles come first.
 */
export function buildTiles({
  remote,
  local,
  speakingUserId,
  audioOnly,
}: {
  remote: readonly RemoteTrack[];
  local: LocalMedia | null;
  speakingUserId: string | null;
  audioOnly: boolean;
}): MediaTile[] {
  const tiles: MediaTile[] = [];
  if (local && (local.camera || local.microphoneOn)) {
    tiles.push({
      id: 'local:camera',
      userId: local.userId,
      name: local.name,
      source: 'camera',
      stream: local.camera,
      speaking: speakingUserId === local.userId,
      audioMuted: !local.microphoneOn,
      videoPaused: false,
      isLocal: true,
    });
  }
  if (local?.screen) {
    tiles.push({ id: 'local:screen', userId: local.userId, name: local.name, source: 'screen', stream: local.screen, speaking: false, audioMuted: true, videoPaused: false, isLocal: true });
  }
  const people = new Map<string, RemoteTrack[]>();
  for (const track of remote) people.set(track.info.userId, [...(people.get(track.info.userId) ?? []), track]);
  for (const [userId, tracks] of people) {
    const of = (source: ProducerInfo['source']) => tracks.find((track) => track.info.source === source);
    const camera = of('camera');
    const microphone = of('microphone');
    const screen = of('screen');
    const name = tracks[0]!.info.name;
    if (camera || microphone) {
      tiles.push({
        id: `${userId}:camera`,
        userId,
        name,
        source: 'camera',
        stream: camera?.stream ?? null,
        speaking: speakingUserId === userId,
        audioMuted: !microphone || microphone.info.paused,
        videoPaused: Boolean(camera && (camera.info.paused || audioOnly)),
        isLocal: false,
      });
    }
    if (screen) {
      tiles.push({ id: `${userId}:screen`, userId, name, source: 'screen', stream: screen.stream, speaking: false, audioMuted: true, videoPaused: screen.info.paused || audioOnly, isLocal: false });
    }
  }
  return tiles;
}
