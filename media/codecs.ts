import type { types } from 'mediasoup';

// Every router of every room offers the same codecs, so a producer piped between routers (and
// between workers) is always consumable on the far side.
export const mediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    // Browsers otherwise start at ~300 kbps and take seconds to ramp up to a readable picture.
    parameters: { 'x-google-start-bitrate': 1000 },
  },
  {
    // Constrained baseline: the H264 profile Safari and hardware encoders always have.
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 1000,
    },
  },
];
