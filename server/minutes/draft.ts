/**
 * The minutes draft filled in from the meeting itself: its details and agenda once the meeting has
 * started, its record once it has ended. The server writes them into the live document on the
 * writers' path (stored, then shown to everyone editing), once each: a flag in the document's
 * `meta` map says a section was written, so it is never written twice and whatever the secretary
 * changed or deleted stays as they left it.
 */
import type { FastifyBaseLogger } from 'fastify';
import * as Y from 'yjs';
import type { Sql } from '../../db/connection.ts';
import { parseDocumentName } from '../collab/access.ts';
import type { DocumentRegistry } from '../collab/registry.ts';
import { withFallback } from '../meetings/localized.ts';
import type { MeetingRow } from '../meetings/store.ts';
import { detailsSections, insertBlocks, recordSections, type Block } from './draft-sections.ts';
import { recordOf } from './meeting-record.ts';

/** The XML fragment of the minutes document the editor binds to. */
export const MINUTES_FRAGMENT = 'minutes';
export const MINUTES_META = 'meta';

export const minutesDocumentName = (meetingId: string) => `meeting:${meetingId}:minutes`;

type Section = 'details' | 'record';

/** What the meeting's state calls for in its draft. */
function dueSections(meeting: MeetingRow): Section[] {
  if (meeting.state === 'live') return ['details'];
  if (meeting.state === 'ended') return ['details', 'record'];
  return [];
}

export class MinutesDrafts {
  /** One fill at a time per meeting on this process, so a section is checked and written as one step. */
  private readonly running = new Map<string, Promise<Section[]>>();

  constructor(
    private readonly sql: Sql,
    private readonly registry: DocumentRegistry,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Writes the sections the draft is due and lacks; resolves with those written. */
  fill(meeting: MeetingRow): Promise<Section[]> {
    const previous = this.running.get(meeting.id) ?? Promise.resolve([]);
    const next = previous.catch(() => []).then(() => this.fillNow(meeting));
    this.running.set(meeting.id, next);
    void next.finally(() => {
      if (this.running.get(meeting.id) === next) this.running.delete(meeting.id);
    }).catch(() => undefined);
    return next;
  }

  /** `fill`, with a failure logged instead of thrown: the meeting's own action has already succeeded. */
  async fillQuietly(meeting: MeetingRow): Promise<void> {
    try {
      await this.fill(meeting);
    } catch (error) {
      this.log.error({ err: error, meetingId: meeting.id }, 'the minutes draft could not be filled in');
    }
  }

  private async fillNow(meeting: MeetingRow): Promise<Section[]> {
    const due = dueSections(meeting);
    if (due.length === 0) return [];
    const [row] = await this.sql<{ details: Date | null; record: Date | null }[]>`
      select details_filled_at as details, record_filled_at as record from minutes where meeting_id = ${meeting.id}`;
    if (due.every((section) => row?.[section])) return [];

    const name = parseDocumentName(minutesDocumentName(meeting.id))!;
    const shared = await this.registry.open(name, { spaceId: meeting.spaceId, meetingId: meeting.id });
    try {
      const meta = shared.doc.getMap(MINUTES_META);
      const missing = due.filter((section) => !meta.get(section));
      if (missing.length > 0) {
        const record = await recordOf(this.sql, meeting);
        const sections = { details: detailsSections(record, withFallback(meeting.spaceName).fi), record: recordSections(record) };
        await shared.applyFromServer(additions(shared.doc, missing, sections));
      }
      await this.markFilled(meeting.id, due);
      return missing;
    } finally {
      this.registry.release(shared);
    }
  }

  private async markFilled(meetingId: string, sections: Section[]): Promise<void> {
    const details = sections.includes('details');
    const record = sections.includes('record');
    await this.sql`
      insert into minutes (meeting_id, details_filled_at, record_filled_at)
      values (${meetingId}, case when ${details} then now() end, case when ${record} then now() end)
      on conflict (meeting_id) do update set
        details_filled_at = coalesce(minutes.details_filled_at, excluded.details_filled_at),
        record_filled_at = coalesce(minutes.record_filled_at, excluded.record_filled_at)`;
  }
}

/**
 * The update that adds the sections to the document as it stands: the details at the top (above
 * anything written before the meeting), the record at the end, each with its flag.
 */
function additions(doc: Y.Doc, sections: Section[], blocks: Record<Section, Block[]>): Uint8Array {
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(copy);
    copy.transact(() => {
      const fragment = copy.getXmlFragment(MINUTES_FRAGMENT);
      const meta = copy.getMap(MINUTES_META);
      const at = new Date().toISOString();
      if (sections.includes('details')) {
        insertBlocks(fragment, 0, blocks.details);
        meta.set('details', at);
      }
      if (sections.includes('record')) {
        insertBlocks(fragment, fragment.length, blocks.record);
        meta.set('record', at);
      }
    });
    return Y.encodeStateAsUpdate(copy, before);
  } finally {
    copy.destroy();
  }
}
