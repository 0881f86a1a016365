import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';

/** A finished caption line at its moment in a recording (seconds from the file's 0 s). */
export interface TimedCaption {
  startSeconds: number;
  text: string;
}

/** A cue stays until the next line, but no longer than this: an old line must not linger over the video. */
export const MAX_CUE_SECONDS = 6;

/** `hh:mm:ss.ttt` from milliseconds, the one timestamp form every WebVTT reader accepts. */
export function vttTimestamp(ms: number): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/**
 * Cue text is markup in WebVTT: `&` and `<` start entities and tags, and `-->` or a blank line
 * would end the cue. A caption is plain text on one line.
 */
export function vttText(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The captions of a recording as a WebVTT file: one cue per line, in time order, each lasting
 * until the next begins or MAX_CUE_SECONDS, and never past the end of the recording.
 */
export function captionsVtt(captions: TimedCaption[], durationSeconds: number): string {
  const endMs = Math.round(durationSeconds * 1000);
  const lines = captions
    .map((c) => ({ startMs: Math.max(0, Math.round(c.startSeconds * 1000)), text: vttText(c.text) }))
    .filter((c) => c.text !== '' && c.startMs < endMs)
    .sort((a, b) => a.startMs - b.startMs);
  const cues = lines.map((line, i) => {
    const next = lines[i + 1];
    let end = Math.min(line.startMs + MAX_CUE_SECONDS * 1000, endMs);
    // Two lines posted at the same moment overlap rather than one vanishing at once.
    if (next && next.startMs > line.startMs) end = Math.min(end, next.startMs);
    return `${i + 1}\n${vttTimestamp(line.startMs)} --> ${vttTimestamp(end)}\n${line.text}\n`;
  });
  return ['WEBVTT\n', ...cues].join('\n');
}

/**
 * Writes the captions beside the recording's WebM (same name, `.vtt`) and returns the file's
 * name; null when no line falls within the recording.
 */
export async function writeCaptionsBeside(webmFile: string, captions: TimedCaption[], durationSeconds: number): Promise<string | null> {
  const vtt = captionsVtt(captions, durationSeconds);
  if (!vtt.includes('-->')) return null;
  const file = webmFile.replace(/\.webm$/, '.vtt');
  await writeFile(file, vtt, 'utf8');
  return basename(file);
}
