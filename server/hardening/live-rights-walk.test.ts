/**
 * The permission walk over time: sockets already open when a right changes. For every role change
 * the permission table can express (each role granted and revoked, in each space of the walk) and
 * every change of a space's visibility, the sockets are opened first (the room socket and each
 * shared document of the space), the change is made over HTTP, and within the second after it each
 * socket must stand as `can()` now answers:
 *
 * - a socket whose rights the table changed is closed with 4205 (accessChanged) by then; one whose
 *   rights stand stays open (closing it would cut a person's video for nothing);
 * - an edit a document socket sends right after the change is stored exactly when the table still
 *   lets it write (an edit from a writer that was held during the recheck is asked for again);
 * - reconnecting gives the rights the table gives now, or the refusal.
 *
 * Reading a failure: one line per socket, e.g.
 *   grant moderator @ kulttuurifoorumi (forum/public): room: rights {"canModerate":false} → {"canModerate":true} → still open after 1 s
 * says which change, where, which socket, the rights by the table before and after, and what the
 * socket did. Look at what fires the notice for that change (server/access-changes/) and at the
 * socket's recheck (rooms/routes.ts, collab/routes.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentActions, type DocumentKind } from '../collab/access.ts';
import { eventually, storedDoc } from '../collab/test-helpers.ts';
import { can, spaceRoles, type Actor, type SpaceRole } from '../permissions/permissions.ts';
import { closeCodes, type RoomSelf } from '../protocol/room-messages.ts';
import { roomRights } from '../rooms/admission.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { roleFitsSpace } from '../spaces/people.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { DocumentSocket } from './document-socket.ts';
import { openTown, walkers, type SpaceInfo, type Town } from './town.ts';
import { WalkFixtures } from './walk-fixtures.ts';

let t: TestApp;
let baseUrl: string;
let town: Town;
let fx: WalkFixtures;

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  town = await openTown(t.app);
  fx = new WalkFixtures(t.app, town.sql, town.cookies.chair);
}, 240_000);

afterAll(async () => {
  await t?.close();
});

/** What a socket may do, by the table: the room's rights (null: not let in), a document's level. */
type Standing = Record<string, boolean> | null;
type Level = 'none' | 'read' | 'write';

function roomStanding(actor: Actor, space: SpaceInfo): Standing {
  if (!can(actor, 'room.watch', space)) return null;
  return Object.fromEntries(Object.entries(roomRights).map(([right, action]) => [right, can(actor, action, space)]));
}

function documentLevel(actor: Actor, space: SpaceInfo, kind: DocumentKind): Level {
  const { read, write } = documentActions[kind];
  return !can(actor, read, space) ? 'none' : can(actor, write, space) ? 'write' : 'read';
}

function documentsOf(space: SpaceInfo): [DocumentKind, string][] {
  return [
    ['notes', `meeting:${space.meetingId}:notes`],
    ['minutes', `meeting:${space.meetingId}:minutes`],
    ...(space.kind === 'jury' ? ([['recommendations', `space:${space.id}:recommendations`]] as [DocumentKind, string][]) : []),
  ];
}

const roomRightsOf = (you: RoomSelf): Standing => Object.fromEntries((Object.keys(roomRights) as (keyof typeof roomRights)[]).map((right) => [right, you[right]]));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface Person {
  label: string;
  cookie: string | undefined;
  actor(): Promise<Actor>;
}

let markers = 0;
/** What the walk saw happen, so a walk that met no change (or only changes) shows up. */
const seen = { closed: 0, keptOpen: 0, editsDropped: 0, editsKept: 0 };

/**
 * Opens every socket of the space as each person, makes the change, and reports each socket that
 * does not stand, within the second, as the table now says.
 */
async function walkChange(place: SpaceInfo, people: Person[], change: string, makeChange: () => Promise<void>): Promise<string[]> {
  const found: string[] = [];
  let space = await asStored(place);
  const where = `${change} @ ${space.slug} (${space.kind}/${space.visibility})`;
  const opened: { person: Person; room: RoomTestClient | null; roomBefore: Standing; documents: { kind: DocumentKind; name: string; socket: DocumentSocket; before: Level }[] }[] = [];
  for (const person of people) {
    const actor = await person.actor();
    const roomBefore = roomStanding(actor, space);
    let room: RoomTestClient | null = null;
    if (roomBefore) {
      room = await RoomTestClient.connect(baseUrl, space.meetingId, person.cookie ? { cookie: person.cookie } : {});
      const welcome = await Promise.race([room.welcome(), room.closed()]);
      if (typeof welcome === 'number') found.push(`${where}: ${person.label}: room: the table lets them in before the change → closed ${welcome}`);
      else if (!same(roomRightsOf(welcome.you), roomBefore)) found.push(`${where}: ${person.label}: room: opened with ${JSON.stringify(welcome.you)}, table says ${JSON.stringify(roomBefore)}`);
    }
    const documents: (typeof opened)[number]['documents'] = [];
    for (const [kind, name] of documentsOf(space)) {
      const before = documentLevel(actor, space, kind);
      if (before === 'none') continue;
      const socket = await DocumentSocket.open(baseUrl, name, person.cookie);
      if ('refused' in socket) found.push(`${where}: ${person.label}: ${kind}: the table lets them read before the change → refused ${socket.refused}`);
      else documents.push({ kind, name, socket, before });
    }
    opened.push({ person, room, roomBefore, documents });
  }

  await makeChange();
  const deadline = Date.now() + 1000;
  space = await asStored(place);
  // Sent right after the change, before any recheck can have finished.
  const sent = new Map<DocumentSocket, string>();
  for (const { documents } of opened) {
    for (const { socket, before } of documents) {
      if (before !== 'write') continue;
      markers += 1;
      const marker = `walk-${markers} `;
      socket.write(marker);
      sent.set(socket, marker);
    }
  }
  await sleep(Math.max(0, deadline - Date.now()));

  for (const { person, room, roomBefore, documents } of opened) {
    const actor = await person.actor();
    const label = `${where}: ${person.label}`;
    if (room) {
      const now = roomStanding(actor, space);
      const verdict = judge(room.closeCode, !same(now, roomBefore));
      if (verdict) found.push(`${label}: room: rights ${JSON.stringify(roomBefore)} → ${JSON.stringify(now)} → ${verdict}`);
      if (room.closeCode !== null) {
        const again = await RoomTestClient.connect(baseUrl, space.meetingId, person.cookie ? { cookie: person.cookie } : {});
        const outcome = await Promise.race([again.welcome(), again.closed()]);
        const got = typeof outcome === 'number' ? null : roomRightsOf(outcome.you);
        if (!same(got, now)) found.push(`${label}: room: reconnected with ${typeof outcome === 'number' ? `close ${outcome}` : JSON.stringify(got)}, table says ${JSON.stringify(now)}`);
        await again.close();
      }
      await room.close();
    }
    for (const { kind, name, socket, before } of documents) {
      const now = documentLevel(actor, space, kind);
      const verdict = judge(socket.closeCode, now !== before);
      if (verdict) found.push(`${label}: ${kind}: ${before} → ${now} → ${verdict}`);
      const marker = sent.get(socket);
      if (marker) {
        const stored = () => storedDoc(town.sql, name).then((doc) => doc.getText('walk').toString().includes(marker));
        if (now === 'write' && socket.closeCode === null) {
          seen.editsKept += 1;
          await eventually(stored, 5000, 'stored').catch(() => found.push(`${label}: ${kind}: still a writer, but its edit sent during the recheck was lost`));
        } else {
          seen.editsDropped += 1;
          if (await stored()) found.push(`${label}: ${kind}: ${before} → ${now}, but its edit sent after the change was stored`);
        }
      }
      if (socket.closeCode !== null) {
        const again = await DocumentSocket.open(baseUrl, name, person.cookie);
        const got: Level = 'refused' in again ? 'none' : again.writer ? 'write' : 'read';
        if (got !== now) found.push(`${label}: ${kind}: reconnected as ${got}${'refused' in again ? ` (${again.refused})` : ''}, table says ${now}`);
        if (!('refused' in again)) await again.close();
      }
      await socket.close();
    }
  }
  return found;
}

/** What a socket did within the second, against whether the table changed its rights; null when that is right. */
function judge(closeCode: number | null, changed: boolean): string | null {
  seen[closeCode === null ? 'keptOpen' : 'closed'] += 1;
  if (changed && closeCode === null) return 'still open after 1 s';
  if (changed && closeCode !== closeCodes.accessChanged) return `closed ${closeCode}, expected ${closeCodes.accessChanged} (accessChanged)`;
  if (!changed && closeCode !== null) return `closed ${closeCode}, though the table answers as before`;
  return null;
}

async function asAdmin(method: 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object): Promise<void> {
  const response = await t.app.inject({ method, url, headers: { cookie: town.cookies.admin }, ...(payload ? { payload } : {}) });
  if (response.statusCode >= 300) throw new Error(`${method} ${url} as the admin: ${response.statusCode} ${response.body}`);
}

describe('sockets open while rights change', () => {
  it('lose, within the second, each right a role grant or revocation takes away, and keep the rest', async () => {
    let changes = 0;
    // Spaces in parallel: each has a person of its own, and a notice reaches only the sockets of that person in that space.
    const perSpace = await Promise.all(
      town.spaces.map(async (space) => {
        const subject = await fx.person(`Kohde ${space.slug}`);
        const person: Person = { label: 'the person changed', cookie: subject.cookie, actor: () => actorOf(subject.id, space) };
        const found: string[] = [];
        for (const role of spaceRoles.filter((r) => roleFitsSpace(r, space.kind))) {
          for (const grant of [true, false]) {
            await fx.setRoles(space.id, subject.id, grant ? [] : [role]);
            changes += 1;
            found.push(
              ...(await walkChange(space, [person], `${grant ? 'grant' : 'revoke'} ${role}`, () =>
                grant
                  ? asAdmin('POST', `/api/spaces/${space.slug}/people`, { email: subject.email, role })
                  : asAdmin('DELETE', `/api/spaces/${space.slug}/people/${subject.id}/roles/${role}`),
              )),
            );
          }
        }
        return found;
      }),
    );
    expect(perSpace.flat()).toEqual([]);
    // Every role in every space it fits, both ways: a walk that silently skipped its work would show here.
    expect(changes).toBe(town.spaces.reduce((n, space) => n + 2 * spaceRoles.filter((r) => roleFitsSpace(r, space.kind)).length, 0));
  }, 240_000);

  it('lose, within the second, what a change of the space’s visibility takes away from each walker, and keep the rest', async () => {
    const found: string[] = [];
    // One space at a time: every walker has sockets in it, and few at once.
    for (const space of town.spaces) {
      const people = walkers.map((who): Person => ({ label: who, cookie: town.cookieOf(who), actor: () => town.actorIn(who, space.id) }));
      const other = space.visibility === 'public' ? 'members' : 'public';
      for (const visibility of [other, space.visibility]) {
        found.push(...(await walkChange(space, people, `visibility → ${visibility}`, () => asAdmin('PATCH', `/api/spaces/${space.slug}`, { visibility }))));
      }
    }
    expect(found).toEqual([]);
  }, 240_000);

  it('met both outcomes, for sockets and for edits', () => {
    // A walk where nothing closed, or nothing stayed open, proved nothing either way.
    expect(Object.entries(seen).filter(([, n]) => n === 0).map(([what]) => `never seen: ${what}`)).toEqual([]);
  });
});

/** The space with its visibility as stored now. */
async function asStored(space: SpaceInfo): Promise<SpaceInfo> {
  const [row] = await town.sql<{ visibility: SpaceInfo['visibility'] }[]>`select visibility from spaces where id = ${space.id}`;
  return { ...space, visibility: row!.visibility };
}

async function actorOf(userId: string, space: SpaceInfo): Promise<Actor> {
  return { userId, isAdmin: false, roles: new Set<SpaceRole>(await fx.rolesOf(space.id, userId)) };
}
