import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { HttpError, notFound } from '../errors.ts';
import { requireCan, visibleMeeting } from '../meetings/access.ts';
import { ErrorReply, IdParams } from '../schemas.ts';
import { byteRange } from './byte-range.ts';
import { CaptionsFile, RangeHeaders, RecordingList, VideoFile } from './schemas.ts';
import { findRecording, recordingsOf, type RecordingRow } from './store.ts';

/**
 * A meeting's recordings (under `/api`): `GET /meetings/:id/recordings` lists them,
 * `GET /recordings/:id` streams one (Range requests, for seeking in a video player) and
 * `GET /recordings/:id/captions.vtt` gives its captions. A recording is
 * for those who could watch the meeting's room: a meeting the user cannot see is missing (404), a
 * jury's deliberation is refused to those outside the jury (401/403), as its room is.
 */
export const recordingRoutes: FastifyPluginAsyncTypebox<{ sql: Sql; directory: string | undefined }> = async (app, { sql, directory }) => {
  const mayWatch = async (user: SessionUser | null, meetingId: string) => {
    const { meeting, actor } = await visibleMeeting(sql, user, meetingId);
    requireCan(actor, 'room.watch', meeting);
  };

  /** The recording, if this user may watch it: the recording of a meeting they cannot see is as missing as the meeting. */
  const watchable = async (user: SessionUser | null, id: string): Promise<RecordingRow> => {
    const recording = await findRecording(sql, id);
    if (!recording) throw notFound('Recording');
    try {
      await mayWatch(user, recording.meetingId);
    } catch (error) {
      throw error instanceof HttpError && error.statusCode === 404 ? notFound('Recording') : error;
    }
    return recording;
  };

  /** A file of the recordings directory, or null when it is gone (or there is no directory). */
  const storedFile = async (fileName: string) => {
    const path = directory && join(directory, fileName);
    const file = path ? await stat(path).catch(() => null) : null;
    return path && file?.isFile() ? { path, size: file.size } : null;
  };

  app.get(
    '/meetings/:id/recordings',
    {
      schema: {
        tags: ['meetings'],
        params: IdParams,
        response: { 200: RecordingList, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      await mayWatch(request.user, request.params.id);
      return { recordings: (await recordingsOf(sql, request.params.id)).map(toRecording) };
    },
  );

  app.get(
    '/recordings/:id',
    {
      schema: {
        tags: ['meetings'],
        params: IdParams,
        headers: RangeHeaders,
        response: { 200: VideoFile, 206: VideoFile, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 416: ErrorReply },
      },
    },
    async (request, reply) => {
      const recording = await watchable(request.user, request.params.id);
      const file = await storedFile(recording.fileName);
      if (!file) throw notFound('Recording file');
      reply
        .header('content-type', 'video/webm')
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, no-cache')
        .header('content-disposition', `inline; filename="${recording.fileName}"`);
      const range = byteRange(request.headers.range, file.size);
      if (range === 'unsatisfiable') {
        reply.header('content-range', `bytes */${file.size}`);
        throw new HttpError(416, 'The requested range is outside the recording', 'range_not_satisfiable');
      }
      if (!range) return reply.header('content-length', file.size).send(createReadStream(file.path));
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
        .header('content-length', range.end - range.start + 1)
        .send(createReadStream(file.path, { start: range.start, end: range.end }));
    },
  );

  app.get(
    '/recordings/:id/captions.vtt',
    {
      schema: {
        tags: ['meetings'],
        params: IdParams,
        response: { 200: CaptionsFile, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const recording = await watchable(request.user, request.params.id);
      const file = recording.captionsFileName ? await storedFile(recording.captionsFileName) : null;
      if (!file) throw notFound('Captions');
      return reply
        .header('content-type', 'text/vtt; charset=utf-8')
        .header('cache-control', 'private, no-cache')
        .header('content-length', file.size)
        .send(createReadStream(file.path));
    },
  );
};

function toRecording(row: RecordingRow) {
  return {
    id: row.id,
    meetingId: row.meetingId,
    status: row.status,
    durationSeconds: row.durationSeconds,
    chapters: row.chapters,
    startedAt: row.startedAt.toISOString(),
    stoppedAt: row.stoppedAt.toISOString(),
    url: `/api/recordings/${row.id}`,
    captionsUrl: row.captionsFileName ? `/api/recordings/${row.id}/captions.vtt` : null,
  };
}
