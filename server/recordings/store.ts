import { basename } from 'node:path';
import type { Queries } from '../../db/connection.ts';
import type { Chapter } from '../../media/recording/session-files.ts';

export type RecordingStatus = 'complete' | 'partial';

export interface RecordingRow {
  id: string;
  meetingId: string;
  fileName: string;
  /** The WebVTT captions beside the file, when anyone captioned while it was recorded. */
  captionsFileName: string | null;
  status: RecordingStatus;
  durationSeconds: number;
  chapters: Chapter[];
  startedAt: Date;
  stoppedAt: Date;
}

/**
 * Attaches a finished recording (MeetingRecorder.stop()'s result) to its meeting. Only the file's
 * name is kept: the file stays in the recordings directory, wherever that is configured.
 * `partial`: the recording failed and this is what was saved of it. `captionsFile`: its WebVTT
 * captions, written beside it.
 */
export async function saveRecording(
  sql: Queries,
  recording: {
    meetingId: string;
    file: string;
    captionsFile?: string | null;
    durationSeconds: number;
    chapters: Chapter[];
    startedAt: Date;
    stoppedAt: Date;
    status?: RecordingStatus;
  },
): Promise<RecordingRow> {
  const chapters = [...recording.chapters].sort((a, b) => a.startSeconds - b.startSeconds);
  const [row] = await sql<RecordingRow[]>`
    insert into meeting_recordings (meeting_id, file_name, captions_file_name, status, duration_seconds, chapters, started_at, stopped_at)
    values (${recording.meetingId}, ${basename(recording.file)}, ${recording.captionsFile ? basename(recording.captionsFile) : null},
            ${recording.status ?? 'complete'}, ${recording.durationSeconds},
            ${sql.json(chapters.map(({ title, startSeconds }) => ({ title, startSeconds })))}, ${recording.startedAt}, ${recording.stoppedAt})
    returning ${columns(sql)}`;
  if (!row) throw new Error('the recording was not saved');
  return row;
}

export async function recordingsOf(sql: Queries, meetingId: string): Promise<RecordingRow[]> {
  return sql<RecordingRow[]>`select ${columns(sql)} from meeting_recordings where meeting_id = ${meetingId} order by started_at, id`;
}

export async function findRecording(sql: Queries, id: string): Promise<RecordingRow | undefined> {
  const [row] = await sql<RecordingRow[]>`select ${columns(sql)} from meeting_recordings where id = ${id}`;
  return row;
}

function columns(sql: Queries) {
  return sql`id, meeting_id as "meetingId", file_name as "fileName", captions_file_name as "captionsFileName", status, duration_seconds as "durationSeconds",
    chapters, started_at as "startedAt", stopped_at as "stoppedAt"`;
}
