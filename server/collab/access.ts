/**
 * Which document a name means and who may read or write it. A name carries its owner
 * (`meeting:<id>:notes`, `meeting:<id>:minutes`, `space:<id>:recommendations`); the decision is
 * `can()`'s, asked with the actor as they stand in the owning space.
 */
import type { Sql } from '../../db/connection.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { actorInSpace } from '../permissions/actor.ts';
import { can, canView, type Action, type SpaceKind, type Visibility } from '../permissions/permissions.ts';
import { closeCodes } from '../protocol/room-messages.ts';
import type { DocumentOwner } from './document-store.ts';

export type DocumentKind = 'notes' | 'minutes' | 'recommendations';

export interface DocumentName {
  /** Canonical (lower-case ids), the key the document is stored and shared under. */
  name: string;
  kind: DocumentKind;
  /** The meeting or the space the id names. */
  ownerId: string;
}

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const namePattern = new RegExp(`^(?:meeting:(${uuid}):(notes|minutes)|space:(${uuid}):recommendations)$`);

export function parseDocumentName(raw: string): DocumentName | null {
  const name = raw.toLowerCase();
  const match = namePattern.exec(name);
  if (!match) return null;
  if (match[1]) return { name, kind: match[2] as 'notes' | 'minutes', ownerId: match[1] };
  return { name, kind: 'recommendations', ownerId: match[3]! };
}

export const notesDocumentName = (meetingId: string) => `meeting:${meetingId}:notes`;

/** The table's actions that open each kind of document for reading and for writing. */
export const documentActions: Record<DocumentKind, { read: Action; write: Action }> = {
  notes: { read: 'room.watch', write: 'notes.write' },
  minutes: { read: 'minutes.readDraft', write: 'minutes.write' },
  recommendations: { read: 'recommendations.read', write: 'recommendations.write' },
};

export type AccessLevel = 'read' | 'write';

export type Authentication =
  | { ok: true; level: AccessLevel; owner: DocumentOwner }
  | { ok: false; code: number; reason: string };

interface OwnerRow {
  spaceId: string;
  meetingId: string | null;
  kind: SpaceKind;
  visibility: Visibility;
}

async function findOwner(sql: Sql, doc: DocumentName): Promise<OwnerRow | undefined> {
  if (doc.kind === 'recommendations') {
    const [row] = await sql<OwnerRow[]>`
      select id as "spaceId", null as "meetingId", kind, visibility from spaces where id = ${doc.ownerId}`;
    return row;
  }
  const [row] = await sql<OwnerRow[]>`
    select s.id as "spaceId", m.id as "meetingId", s.kind, s.visibility
    from meetings m join spaces s on s.id = m.space_id where m.id = ${doc.ownerId}`;
  return row;
}

const noSuchDocument: Authentication = { ok: false, code: closeCodes.notFound, reason: 'No such document' };

/**
 * The user's access to a document: `write`, `read`, or a refusal with its close code
 * (4401 sign in first, 4403 not allowed, 4404 no such document, or one in a space the user may not see). Write is the permission; a
 * chair's read-only switch on meeting notes is the document's own state (see SharedDoc).
 */
export async function authenticate(sql: Sql, user: SessionUser | null, doc: DocumentName): Promise<Authentication> {
  const owner = await findOwner(sql, doc);
  // Recommendations exist only in a jury.
  if (!owner || (doc.kind === 'recommendations' && owner.kind !== 'jury')) return noSuchDocument;
  const actor = await actorInSpace(sql, user, owner.spaceId);
  const space = { kind: owner.kind, visibility: owner.visibility };
  // A members-only space is invisible to outsiders, as it is on every other route: its ids are not
  // confirmed by a refusal that differs from the answer for an id that names nothing.
  if (!canView(actor, space)) return noSuchDocument;
  const actions = documentActions[doc.kind];
  if (!can(actor, actions.read, space)) {
    return user
      ? { ok: false, code: closeCodes.forbidden, reason: 'You may not open this document' }
      : { ok: false, code: closeCodes.signInRequired, reason: 'Sign in to open this document' };
  }
  return { ok: true, level: can(actor, actions.write, space) ? 'write' : 'read', owner: { spaceId: owner.spaceId, meetingId: owner.meetingId } };
}
