import { Type } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';

export const Chapter = Type.Object({ title: Type.String(), startSeconds: Type.Number() });

export const Recording = Type.Object({
  id: Type.String(),
  meetingId: Type.String(),
  status: Type.Enum(['complete', 'partial']),
  durationSeconds: Type.Number(),
  chapters: Type.Array(Chapter),
  startedAt: Type.String({ format: 'date-time' }),
  stoppedAt: Type.String({ format: 'date-time' }),
  /** Where the WebM file is streamed from (supports Range requests). */
  url: Type.String(),
  /** Where its WebVTT captions are, or null when nobody captioned while it was recorded. */
  captionsUrl: Type.Union([Type.String(), Type.Null()]),
});

export const RecordingList = Type.Object({ recordings: Type.Array(Recording) });

export const RangeHeaders = Type.Object({ range: Type.Optional(Type.String({ maxLength: 200 })) });

/** A recording's captions: the WebVTT file as written. */
export const CaptionsFile = Type.Unsafe<Readable>({ type: 'string', description: 'text/vtt' });

/** The WebM file, or the requested part of it: streamed as is, never serialized. */
export const VideoFile = Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'video/webm' });
