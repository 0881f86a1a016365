import { describe, expect, it } from 'vitest';
import { captionsVtt, vttText, vttTimestamp } from './webvtt.ts';

describe('captions as WebVTT', () => {
  it('writes timestamps as hh:mm:ss.ttt', () => {
    expect(vttTimestamp(0)).toBe('00:00:00.000');
    expect(vttTimestamp(61_005)).toBe('00:01:01.005');
    expect(vttTimestamp(3_723_450)).toBe('01:02:03.450');
  });

  it('escapes what WebVTT reads as markup and keeps a line on one line', () => {
    expect(vttText('<b>Tom & Jerry</b> --> ohi')).toBe('&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; --&gt; ohi');
    expect(vttText('  kaksi\n\nriviä\t yhdeksi ')).toBe('kaksi riviä yhdeksi');
    expect(vttText('&amp; jo valmiiksi')).toBe('&amp;amp; jo valmiiksi');
  });

  it('makes each line a cue lasting until the next, at most six seconds, and never past the end', () => {
    const vtt = captionsVtt(
      [
        { startSeconds: 12.5, text: 'Kolmas, pitkän tauon jälkeen.' },
        { startSeconds: 1.2344, text: 'Ensimmäinen.' },
        { startSeconds: 3, text: 'Toinen.' },
        { startSeconds: 14, text: 'Neljäs, lopussa.' },
        { startSeconds: 15, text: 'Jo tallennuksen jälkeen.' },
        { startSeconds: -0.2, text: 'Juuri ennen alkua.' },
      ],
      15,
    );
    expect(vtt).toBe(
      [
        'WEBVTT',
        '',
        '1',
        '00:00:00.000 --> 00:00:01.234',
        'Juuri ennen alkua.',
        '',
        '2',
        '00:00:01.234 --> 00:00:03.000',
        'Ensimmäinen.',
        '',
        '3',
        '00:00:03.000 --> 00:00:09.000',
        'Toinen.',
        '',
        '4',
        '00:00:12.500 --> 00:00:14.000',
        'Kolmas, pitkän tauon jälkeen.',
        '',
        '5',
        '00:00:14.000 --> 00:00:15.000',
        'Neljäs, lopussa.',
        '',
      ].join('\n'),
    );
  });

  it('lets lines posted at the same moment overlap instead of giving one no time at all', () => {
    const vtt = captionsVtt(
      [
        { startSeconds: 2, text: 'Yksi.' },
        { startSeconds: 2, text: 'Kaksi.' },
      ],
      5,
    );
    expect(vtt).toContain('00:00:02.000 --> 00:00:05.000\nYksi.');
    expect(vtt).toContain('00:00:02.000 --> 00:00:05.000\nKaksi.');
  });

  it('has no cues without lines', () => {
    expect(captionsVtt([], 10)).toBe('WEBVTT\n');
  });
});
