/** The minutes' workflow and published versions, as the server's /api/meetings/:id/minutes and /api/minutes/… give them. */
import { api } from '../../api.ts';

/** The draft's map where the server flags the sections it has written (server/minutes/draft.ts). */
export const DRAFT_META = 'meta';

export type MinutesState = 'draft' | 'in_review' | 'approved' | 'published';
export type MinutesMove = 'submit' | 'return' | 'approve' | 'publish';

export interface VersionSummary {
  version: number;
  title: string;
  publishedAt: string;
  publishedBy: string | null;
  /** The permanent address; `.html`, `.md` and `.json` after it give the three formats. */
  url: string;
}

export interface MinutesStatus {
  meetingId: string;
  meetingState: string;
  state: MinutesState;
  comment: string | null;
  changedAt: string | null;
  changedBy: string | null;
  draft: { documentName: string; fragment: string; writable: boolean } | null;
  can: Record<MinutesMove, boolean>;
  versions: VersionSummary[];
}

export interface VersionDetail extends VersionSummary {
  meetingId: string;
  /** The version's text, sanitized by the server, headings one level below a section's heading. */
  bodyHtml: string;
}

export type DiffKind = 'same' | 'added' | 'removed';
export type DiffLine = { kind: DiffKind; text: string } | { kind: 'changed'; parts: { kind: DiffKind; text: string }[] };
export interface MinutesDiff {
  from: number;
  to: number;
  summary: { added: number; removed: number; changed: number };
  lines: DiffLine[];
}

export const fetchMinutes = (meetingId: string) => api.get<MinutesStatus>(`/api/meetings/${encodeURIComponent(meetingId)}/minutes`);

export const fetchVersion = (summary: VersionSummary) => api.get<VersionDetail>(summary.url);

export const fetchDiff = (meetingId: string, from: number, to: number) =>
  api.get<MinutesDiff>(`/api/minutes/${encodeURIComponent(meetingId)}/diff?from=${from}&to=${to}`);

export function moveMinutes(meetingId: string, move: MinutesMove, comment?: string): Promise<MinutesStatus> {
  return api.post<MinutesStatus>(`/api/meetings/${encodeURIComponent(meetingId)}/minutes/${move}`, comment === undefined ? {} : { comment });
}
