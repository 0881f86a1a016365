import { describe, expect, it } from 'vitest';
import type { ProducerInfo } from '../room/protocol.ts';
import { buildTiles, type RemoteTrack } from './media-tiles.ts';
import { layerForWidth } from './publishing.ts';

const track = (userId: string, source: ProducerInfo['source'], paused = false): RemoteTrack => ({
  info: { producerId: `${userId}-${source}`, userId, name: userId.toUpperCase(), kind: source === 'microphone' ? 'audio' : 'video', source, paused, pausedByModerator: false },
  stream: null,
});

describe('buildTiles', () => {
  it('gives each person one tile for camera and microphone, and a shared screen a tile of its own', () => {
    const tiles = buildTiles({
      remote: [track('a', 'camera'), track('a', 'microphone'), track('b', 'microphone', true), track('a', 'screen')],
      local: null,
      speakingUserId: 'a',
      audioOnly: false,
    });
    expect(tiles.map((t) => [t.id, t.name, t.speaking, t.audioMuted, t.isLocal])).toEqual([
      ['a:camera', 'A', true, false, false],
      ['a:screen', 'A', false, true, false],
      ['b:camera', 'B', false, true, false],
    ]);
  });

  it('puts one’s own camera first and marks video paused in audio-only mode', () => {
    const tiles = buildTiles({
      remote: [track('a', 'camera')],
      local: { userId: 'me', name: 'Me', camera: null, screen: null, microphoneOn: true },
      speakingUserId: null,
      audioOnly: true,
    });
    expect(tiles.map((t) => [t.id, t.isLocal, t.audioMuted, t.videoPaused])).toEqual([
      ['local:camera', true, false, false],
      ['a:camera', false, true, true],
    ]);
  });
});

describe('layerForWidth', () => {
  it('asks for the smallest simulcast layer for a thumbnail and the largest for a big tile', () => {
    expect([100, 319, 320, 639, 640, 1920].map(layerForWidth)).toEqual([0, 0, 1, 1, 2, 2]);
  });
});
