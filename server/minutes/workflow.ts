/**
 * The minutes' way to publication: draft → in review (the secretary or the chair submits what the
 * draft says now) → approved (the chair), or back to draft with the chair's comment → published (a
 * new immutable version). A correction is the same way again, ending in version N+1. Every move is
 * decided under a lock on the meeting's minutes row and written to the audit log with it.
 */
import type { Queries } from '../../db/connection.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { conflict } from '../errors.ts';
import type { MeetingRow } from '../meetings/store.ts';
import type { Action } from '../permissions/permissions.ts';
import { bodyMarkdown, bodyOf, insertVersion, type VersionRow } from './versions.ts';

export const minutesStates = ['draft', 'in_review', 'approved', 'published'] as const;
export type MinutesState = (typeof minutesStates)[number];
export type Move = 'submit' | 'return' | 'approve' | 'publish';

interface MoveRule {
  from: MinutesState[];
  to: MinutesState;
  /** Who may make it (see server/permissions). */
  action: Action;
  done: string;
}

export const moves: Record<Move, MoveRule> = {
  // Published minutes are submitted again as a correction.
  submit: { from: ['draft', 'published'], to: 'in_review', action: 'minutes.submit', done: 'submitted' },
  return: { from: ['in_review', 'approved'], to: 'draft', action: 'minutes.approve', done: 'returned' },
  approve: { from: ['in_review'], to: 'approved', action: 'minutes.approve', done: 'approved' },
  publish: { from: ['approved'], to: 'published', action: 'minutes.publish', done: 'published' },
};

const described: Record<MinutesState, string> = { draft: 'a draft', in_review: 'in review', approved: 'approved', published: 'published' };

/** Throws 409 with what the minutes are and what the move needs. */
export function checkMove(move: Move, state: MinutesState): void {
  const rule = moves[move];
  if (rule.from.includes(state)) return;
  const needed = rule.from.map((s) => described[s]).join(' or ');
  throw conflict(`Minutes that are ${described[state]} cannot be ${rule.done}; only minutes that are ${needed} can`, 'minutes_state');
}

export interface MinutesRow {
  state: MinutesState;
  comment: string | null;
  submittedState: Uint8Array | null;
  approvedBy: string | null;
  changedAt: Date;
  changedByName: string | null;
}

export async function readMinutes(sql: Queries, meetingId: string): Promise<MinutesRow> {
  const [row] = await sql<MinutesRow[]>`
    select m.state, m.comment, m.submitted_state as "submittedState", m.approved_by as "approvedBy",
           m.changed_at as "changedAt", u.display_name as "changedByName"
    from minutes m left join users u on u.id = m.changed_by where m.meeting_id = ${meetingId}`;
  return row ?? { state: 'draft', comment: null, submittedState: null, approvedBy: null, changedAt: new Date(0), changedByName: null };
}

async function lockMinutes(tx: Queries, meetingId: string): Promise<MinutesRow> {
  await tx`insert into minutes (meeting_id) values (${meetingId}) on conflict (meeting_id) do nothing`;
  await tx`select 1 from minutes where meeting_id = ${meetingId} for update`;
  return readMinutes(tx, meetingId);
}

interface MoveArgs {
  meeting: MeetingRow;
  actorId: string;
}

function audit(tx: Queries, { meeting, actorId }: MoveArgs, move: Move, from: MinutesState, extra: { reason?: string; version?: number } = {}) {
  return recordAudit(tx, {
    spaceId: meeting.spaceId,
    actorId,
    action: `minutes.${move}`,
    targetType: 'meeting',
    targetId: meeting.id,
    reason: extra.reason ?? null,
    details: { from, to: moves[move].to, ...(extra.version ? { version: extra.version } : {}) },
  });
}

async function setState(tx: Queries, meetingId: string, actorId: string, fields: { state: MinutesState; comment?: string | null; submittedState?: Uint8Array | null; approvedBy?: string | null }) {
  const bytes = fields.submittedState ? Buffer.from(fields.submittedState.buffer, fields.submittedState.byteOffset, fields.submittedState.byteLength) : null;
  await tx`
    update minutes set state = ${fields.state}, comment = ${fields.comment ?? null}, submitted_state = ${bytes},
      approved_by = ${fields.approvedBy ?? null}, changed_by = ${actorId}, changed_at = now()
    where meeting_id = ${meetingId}`;
}

/**
 * Submits the draft's state (read by the caller, outside the transaction). Refuses an empty draft,
 * and a correction that changes nothing in the latest version.
 */
export async function submitMinutes(tx: Queries, args: MoveArgs & { draft: Uint8Array; latest: VersionRow | undefined }): Promise<void> {
  const row = await lockMinutes(tx, args.meeting.id);
  checkMove('submit', row.state);
  const body = bodyOf(args.draft);
  if (!body.content.some(hasText)) throw conflict('The minutes are empty: write them before submitting', 'minutes_empty');
  // Compared as Markdown: the stored JSON comes back with its keys in jsonb's order.
  if (args.latest && bodyMarkdown(args.latest.content.body) === bodyMarkdown(body)) {
    throw conflict(`Nothing has changed since version ${args.latest.version} was published`, 'minutes_unchanged');
  }
  await setState(tx, args.meeting.id, args.actorId, { state: 'in_review', submittedState: args.draft });
  await audit(tx, args, 'submit', row.state);
}

export async function returnMinutes(tx: Queries, args: MoveArgs & { comment: string }): Promise<void> {
  const row = await lockMinutes(tx, args.meeting.id);
  checkMove('return', row.state);
  await setState(tx, args.meeting.id, args.actorId, { state: 'draft', comment: args.comment });
  await audit(tx, args, 'return', row.state, { reason: args.comment });
}

export async function approveMinutes(tx: Queries, args: MoveArgs): Promise<void> {
  const row = await lockMinutes(tx, args.meeting.id);
  checkMove('approve', row.state);
  await setState(tx, args.meeting.id, args.actorId, { state: 'approved', submittedState: row.submittedState, approvedBy: args.actorId });
  await audit(tx, args, 'approve', row.state);
}

/** Publishes what was approved as the next version. */
export async function publishMinutes(tx: Queries, args: MoveArgs): Promise<VersionRow> {
  const row = await lockMinutes(tx, args.meeting.id);
  checkMove('publish', row.state);
  const version = await insertVersion(tx, { meeting: args.meeting, body: bodyOf(row.submittedState!), publisherId: args.actorId, approverId: row.approvedBy });
  await setState(tx, args.meeting.id, args.actorId, { state: 'published' });
  await audit(tx, args, 'publish', row.state, { version: version.version });
  return version;
}

function hasText(node: { type: string; text?: string; content?: unknown[] }): boolean {
  if (node.type === 'text') return (node.text ?? '').trim() !== '';
  return (node.content ?? []).some((child) => hasText(child as { type: string }));
}
