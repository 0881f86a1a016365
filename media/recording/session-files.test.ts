import { describe, expect, it } from 'vitest';
import { chapterMetadata, recordingSdp } from './session-files.ts';

describe('recording session files', () => {
  it('lists one video and the audio slots in the SDP, in the order ffmpeg maps them', () => {
    const sdp = recordingSdp({ videoPort: 5000, audioPorts: [5002, 5004] });
    expect(sdp.match(/^m=.*$/gm)).toEqual(['m=video 5000 RTP/AVP 96', 'm=audio 5002 RTP/AVP 111', 'm=audio 5004 RTP/AVP 111']);
    expect(sdp).toContain('a=rtpmap:96 VP8/90000');
    expect(sdp).toContain('a=rtpmap:111 opus/48000/2');
  });

  it('writes chapters in time order, each until the next, with ffmetadata’s special characters escaped', () => {
    const text = chapterMetadata(
      [
        { title: 'Kohta 2; talous = "rahat" #1\\', startSeconds: 62.5 },
        { title: 'Avaus', startSeconds: 0.25 },
      ],
      120,
    );
    expect(text).toBe(
      [
        ';FFMETADATA1',
        '[CHAPTER]', 'TIMEBASE=1/1000', 'START=250', 'END=62500', 'title=Avaus',
        '[CHAPTER]', 'TIMEBASE=1/1000', 'START=62500', 'END=120000', 'title=Kohta 2\\; talous \\= "rahat" \\#1\\\\',
        '',
      ].join('\n'),
    );
  });
});
