export interface Chapter {
  title: string;
  startSeconds: number;
}

export const VIDEO_PAYLOAD_TYPE = 96;
export const AUDIO_PAYLOAD_TYPE = 111;

/** What ffmpeg listens to: one VP8 stream, then one Opus stream per audio slot, in this order. */
export function recordingSdp({ videoPort, audioPorts }: { videoPort: number; audioPorts: number[] }): string {
  const lines = [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=Aukio recording',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=video ${videoPort} RTP/AVP ${VIDEO_PAYLOAD_TYPE}`,
    `a=rtpmap:${VIDEO_PAYLOAD_TYPE} VP8/90000`,
    'a=recvonly',
    ...audioPorts.flatMap((port) => [`m=audio ${port} RTP/AVP ${AUDIO_PAYLOAD_TYPE}`, `a=rtpmap:${AUDIO_PAYLOAD_TYPE} opus/48000/2`, 'a=recvonly']),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The live pass: VP8 copied as it comes (no video encoding on a machine that also forwards the
 * meeting), the audio slots mixed at full level and encoded once to Opus.
 */
export function recordingArgs({ sdpFile, output, audioSlots }: { sdpFile: string; output: string; audioSlots: number }): string[] {
  const inputs = Array.from({ length: audioSlots }, (_, i) => `[0:a:${i}]`).join('');
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // Loopback only, with a buffer for keyframe bursts. The SDP describes the streams and the first
    // packet (a keyframe) gives the picture size, so half a second of probing is plenty.
    '-protocol_whitelist', 'file,udp,rtp', '-localaddr', '127.0.0.1', '-buffer_size', '1048576',
    '-analyzeduration', '500000', '-f', 'sdp', '-i', sdpFile,
    '-map', '0:v:0', '-c:v', 'copy',
    '-filter_complex', `${inputs}amix=inputs=${audioSlots}:duration=longest:dropout_transition=0:normalize=0[mix]`,
    '-map', '[mix]', '-c:a', 'libopus', '-b:a', '96k',
    // Written out at least every second, so a killed ffmpeg leaves all but the last second.
    '-cluster_time_limit', '1000', '-flush_packets', '1',
    '-f', 'webm', '-y', output,
  ];
}

/** Chapters for ffmpeg's metadata file: each one runs until the next, the last until the end. */
export function chapterMetadata(chapters: Chapter[], endSeconds: number): string {
  const lines = [';FFMETADATA1'];
  const sorted = [...chapters].sort((a, b) => a.startSeconds - b.startSeconds);
  sorted.forEach((chapter, i) => {
    const start = Math.round(chapter.startSeconds * 1000);
    const end = Math.max(start, Math.round((sorted[i + 1]?.startSeconds ?? endSeconds) * 1000));
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${start}`, `END=${end}`, `title=${escapeMetadata(chapter.title)}`);
  });
  return `${lines.join('\n')}\n`;
}

// ffmetadata gives '=', ';', '#', '\' and line breaks a meaning; a backslash makes them literal.
function escapeMetadata(value: string): string {
  return value.replace(/[=;#\\\n]/g, (character) => `\\${character}`).replace(/\r/g, '');
}

/** The final pass: the live file copied with its chapters, which also writes a proper duration and index. */
export function finalizeArgs({ raw, metadataFile, output }: { raw: string; metadataFile: string; output: string }): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-i', raw, '-f', 'ffmetadata', '-i', metadataFile,
    '-map', '0', '-map_metadata', '1', '-map_chapters', '1', '-c', 'copy',
    '-f', 'webm', '-y', output,
  ];
}
