/**
 * The permission walk over the sockets: the room socket (who may enter each room, with which rights,
 * and every message of the socket's message table as every walker who got in) and the document
 * socket (who may open each shared document, and whether to write), in every space of the walk,
 * compared with `can()`. Video is on, so media messages reach their real checks.
 *
 * Room door: allowed (room.watch) → a welcome whose rights (canParticipate, canModerate, canChair,
 * canCountHall, canCaption, the check-in code) are the table's; refused → closed exactly as a meeting
 * that does not exist (4404, its reason) when the walker may not see the space, signed in or not,
 * else 4401 anonymous / 4403. A signed-in walker holds at most MAX_SOCKETS_PER_PERSON sockets in a
 * room (the next is closed with 4429); guests are not counted.
 * What the room sends: after the message walk, every walker resuming anywhere in each room's log is
 * sent nothing beyond their fresh snapshot, and folds what they are sent into it (room-visibility.ts).
 * Messages (socket-examples.ts): allowed → an ack or a reply; refused → an error frame `forbidden`
 * (or `sign_in_required` for anonymous); the socket stays open. "owner" messages name another
 * person's transport, producer or consumer and must be refused to every walker.
 * Documents: allowed (the read action) → the document opens, as a writer (the server asks for the
 * client's state first) exactly when the write action allows; refused → the close codes above.
 *
 * Reading a failure: one line per disagreement, e.g.
 *   resident @ kuntalaisfoorumi (townhall/public, roles: none) poll.open: table refuses (room.chair) → got ack
 * says who, where, what the table says under which rule, and what the socket answered. Fix the
 * handler that checks the wrong right, or the example that names the wrong rule, or the table.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeMediaPorts } from '../../media/testing/ports.ts';
import { ensureWorkerForTests } from '../../media/testing/worker.ts';
import { can, canView, type Action, type Actor } from '../permissions/permissions.ts';
import { clientMessages, type RoomSelf } from '../protocol/room-messages.ts';
import { MAX_SOCKETS_PER_PERSON } from '../rooms/room.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { RoomSeat, type Answer } from './room-sockets.ts';
import { MeetingLog, resumeViewer, visibilityProblems } from './room-visibility.ts';
import { socketExamples, type OwnedMedia, type RoomCall, type SocketExample } from './socket-examples.ts';
import { openTown, walkers, type SpaceInfo, type Town, type Walker } from './town.ts';

interface Room {
  space: SpaceInfo;
  mode: 'meeting' | 'broadcast';
  staff: { admin: RoomSeat; chair: RoomSeat };
  owned: { admin: OwnedMedia; chair: OwnedMedia };
  plain: RoomSeat;
  plainId: string;
  checkInCode: string;
  /** The walkers who got in, with their seats. */
  seats: Map<Walker, RoomSeat>;
}

let t: TestApp;
let baseUrl: string;
let town: Town;
const rooms: Room[] = [];
const ownerSockets: RoomTestClient[] = [];

// Liikuntafoorumi stands exactly as kulttuurifoorumi does (a public forum where the resident has no role).
const walked = (space: SpaceInfo) => space.slug !== 'liikuntafoorumi';

beforeAll(async () => {
  await ensureWorkerForTests();
  t = await startTestApp({ demo: true, media: { workers: 1, mediaPort: await freeMediaPorts(1) } });
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  town = await openTown(t.app);
  // The victim of mutes and removals takes part in every room, the members-only forum too.
  const membersForum = town.spaces.find((s) => s.visibility === 'members' && s.kind === 'forum')!;
  await town.sql`insert into space_roles (space_id, user_id, role) values (${membersForum.id}, ${town.userIds.juror3}, 'member')`;
  for (const space of town.spaces.filter(walked)) {
    const [meeting] = await town.sql<{ mode: 'meeting' | 'broadcast' }[]>`select mode from meetings where id = ${space.meetingId}`;
    const seat = (cookie: string) => new RoomSeat(baseUrl, space.meetingId, cookie);
    const plainKey = space.kind !== 'jury' ? 'resident' : (await town.actorIn('juror', space.id)).roles.has('juror') ? 'juror' : 'juror2';
    const staff = { admin: seat(town.cookies.admin), chair: seat(town.cookies.chair) };
    const welcome = await (await staff.admin.socket(0)).welcome();
    await staff.chair.socket(0);
    const plain = seat(town.cookies[plainKey]);
    await plain.socket(0);
    await seat(town.cookies.juror3).socket(0);
    rooms.push({
      space,
      mode: meeting!.mode,
      staff,
      owned: { admin: await ownMedia(space.meetingId, town.cookies.admin), chair: await ownMedia(space.meetingId, town.cookies.chair) },
      plain,
      plainId: town.userIds[plainKey],
      checkInCode: welcome.checkInCode!,
      seats: new Map(),
    });
  }
}, 240_000);

afterAll(async () => {
  for (const socket of ownerSockets) await socket.close();
  await t?.close();
});

/** A socket of the staff member's own with media they send and receive: ids for the ownership rules. */
async function ownMedia(meetingId: string, cookie: string): Promise<OwnedMedia> {
  const owner = await RoomTestClient.connect(baseUrl, meetingId, { cookie });
  ownerSockets.push(owner);
  await owner.welcome();
  const { rtpCapabilities } = await owner.ask({ type: 'media.capabilities' });
  await owner.ask({ type: 'media.join', rtpCapabilities });
  const sendTransportId = (await owner.ask({ type: 'media.transport.create', direction: 'send' })).transport.id;
  const recvTransportId = (await owner.ask({ type: 'media.transport.create', direction: 'recv' })).transport.id;
  const rtpParameters = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1111 }] };
  const { producerId } = await owner.ask({ type: 'media.produce', transportId: sendTransportId, kind: 'audio', source: 'microphone', rtpParameters: rtpParameters as never });
  const consumerId = (await owner.ask({ type: 'media.consume', transportId: recvTransportId, producerId })).consumer.id;
  return { sendTransportId, recvTransportId, producerId, consumerId };
}

function where(who: Walker, space: SpaceInfo, actor: Actor): string {
  const roles = [...actor.roles, ...(actor.isAdmin ? ['site admin'] : [])].join(', ') || 'none';
  return `${who} @ ${space.slug} (${space.kind}/${space.visibility}, roles: ${roles})`;
}

/** Close codes for a refusal at a socket's door (routes.ts of rooms and collab). */
function doorRefusals(actor: Actor, space: SpaceInfo): number[] {
  if (!canView(actor, space)) return actor.userId ? [4404] : [4401, 4404];
  return actor.userId ? [4403] : [4401];
}

/**
 * The room's door: a meeting in a space the walker may not see is closed exactly as one that does
 * not exist (code and reason), signed in or not; one they may see but not enter asks them to sign in, or refuses.
 */
function roomDoorRefusal(actor: Actor, space: SpaceInfo): [number, string | null] {
  if (!canView(actor, space)) return [4404, 'No such meeting'];
  return actor.userId ? [4403, null] : [4401, null];
}

describe('the room socket door', () => {
  it('lets in whom room.watch lets in, with the rights the table gives, and turns the others away', async () => {
    const found: string[] = [];
    for (const room of rooms) {
      for (const who of walkers) {
        const actor = await town.actorIn(who, room.space.id);
        const cookie = town.cookieOf(who);
        const client = await RoomTestClient.connect(baseUrl, room.space.meetingId, cookie ? { cookie } : {});
        const outcome = await Promise.race([client.welcome(), client.closed()]);
        const label = where(who, room.space, actor);
        if (!can(actor, 'room.watch', room.space)) {
          const [code, reason] = roomDoorRefusal(actor, room.space);
          if (outcome !== code || (reason !== null && client.closeReason !== reason)) {
            found.push(`${label}: table refuses (room.watch${code === 4404 ? ', and space.view' : ''}) → expected ${code}${reason ? ` "${reason}"` : ''}, got ${JSON.stringify(outcome).slice(0, 120)} "${client.closeReason}"`);
          }
          continue;
        }
        if (typeof outcome === 'number') {
          found.push(`${label}: table allows (room.watch) → closed ${outcome}`);
          continue;
        }
        const rights = (action: Action) => can(actor, action, room.space);
        const expected: Partial<RoomSelf> = {
          canParticipate: rights('room.participate'),
          canModerate: rights('room.moderate'),
          canChair: rights('room.chair'),
          canCountHall: rights('poll.addHallVotes'),
          canCaption: rights('room.caption'),
        };
        const { canParticipate, canModerate, canChair, canCountHall, canCaption } = outcome.you;
        const got = { canParticipate, canModerate, canChair, canCountHall, canCaption };
        if (JSON.stringify(got) !== JSON.stringify(expected)) found.push(`${label}: rights ${JSON.stringify(got)}, table says ${JSON.stringify(expected)}`);
        if ((outcome.checkInCode !== null) !== rights('room.chair')) found.push(`${label}: check-in code ${outcome.checkInCode === null ? 'withheld' : 'given'}, table says room.chair ${rights('room.chair')}`);
        await client.close();
        room.seats.set(who, new RoomSeat(baseUrl, room.space.meetingId, cookie));
      }
    }
    expect(found).toEqual([]);
  });

  it('closes a meeting id that does not exist exactly as a meeting the walker may not see, whoever asks', async () => {
    for (const who of walkers) {
      const cookie = town.cookieOf(who);
      const client = await RoomTestClient.connect(baseUrl, randomUUID(), cookie ? { cookie } : {});
      expect([who, await client.closed(), client.closeReason]).toEqual([who, 4404, 'No such meeting']);
    }
  });
});

const permissionRefusals = (actor: Actor) => (actor.userId ? ['forbidden'] : ['sign_in_required', 'forbidden']);
// Naming someone else's transport, producer or consumer: it is not found among the sender's own (or they have no media at all).
const ownerRefusals = ['not_found', 'conflict', 'forbidden', 'sign_in_required'];

function judge(example: SocketExample, call: RoomCall, answer: Answer): string | null {
  const allowed = example.allowed;
  const decided =
    allowed === 'owner'
      ? { allowed: false, rule: 'owner only' }
      : typeof allowed === 'object'
        ? { allowed: allowed.decide(call), rule: allowed.rule }
        : { allowed: can(call.actor, allowed, call.space), rule: allowed };
  const code = answer.type === 'error' ? answer.code : answer.type;
  const refused = answer.type === 'error' && (allowed === 'owner' ? ownerRefusals : permissionRefusals(call.actor)).includes(answer.code);
  const ok = decided.allowed ? (example.outcome === 'admitted' ? !(answer.type === 'error' && permissionRefusals(call.actor).includes(answer.code)) : answer.type !== 'error') : refused;
  if (ok) return null;
  const message = answer.type === 'error' ? ` (${answer.message.slice(0, 100)})` : '';
  return `table ${decided.allowed ? 'allows' : 'refuses'} (${decided.rule}) → got ${code}${message}`;
}

async function walkMessage(type: string, examples: SocketExample[]): Promise<string[]> {
  const perRoom = await Promise.all(
    rooms.map(async (room) => {
      const found: string[] = [];
      for (const [who, seat] of room.seats) {
        const actor = await town.actorIn(who, room.space.id);
        const staffKey = who === 'admin' ? 'chair' : 'admin';
        for (const example of examples) {
          const call: RoomCall = {
            who,
            actor,
            space: room.space,
            mode: room.mode,
            seat,
            staff: room.staff[staffKey],
            plain: room.plain,
            plainId: room.plainId,
            victimId: town.userIds.juror3,
            checkInCode: room.checkInCode,
            owned: room.owned[staffKey],
          };
          const label = `${where(who, room.space, actor)} ${type}${example.label ? ` [${example.label}]` : ''}`;
          const { answer, client } = await seat.ask(await example.frame(call));
          const verdict = judge(example, call, answer);
          if (verdict) found.push(`${label}: ${verdict}`);
          if (client.closeCode !== null) found.push(`${label}: the socket closed (${client.closeCode})`);
          await example.after?.(call);
        }
      }
      return found;
    }),
  );
  return perRoom.flat();
}

describe('the room socket messages', () => {
  it('has an example for every message of the socket, and none for a message that is gone', () => {
    const types = Object.keys(clientMessages);
    expect(types.filter((type) => !socketExamples[type]).map((type) => `no example: ${type}`)).toEqual([]);
    expect(Object.keys(socketExamples).filter((type) => !types.includes(type)).map((type) => `example for a message not in the table: ${type}`)).toEqual([]);
  });

  for (const [type, examples] of Object.entries(socketExamples)) {
    it(`${type} answers each walker in each room as the table says`, async () => {
      expect(await walkMessage(type, examples)).toEqual([]);
    });
  }
});

describe('what the room socket sends each walker', () => {
  it('never shows a walker resuming anywhere in a walked room more than a fresh load, and folds into what a fresh load shows', async () => {
    // The walk has posted, held, released and hidden, asked, approved, merged and hidden, voted, removed…
    const found: string[] = [];
    for (const room of rooms) {
      const { lastSeq } = await MeetingLog.read(town.sql, room.space.meetingId);
      for (const who of room.seats.keys()) {
        for (const since of new Set([0, Math.floor(lastSeq / 2)])) {
          const resumed = await resumeViewer(baseUrl, town.sql, room.space.meetingId, town.cookieOf(who), since);
          if (!resumed) {
            found.push(`${who} @ ${room.space.slug} since ${since}: turned away`);
            continue;
          }
          for (const line of await visibilityProblems(town.sql, room.space.meetingId, resumed.fold)) found.push(`${who} @ ${room.space.slug} since ${since}: ${line}`);
          await resumed.client.close();
        }
      }
    }
    expect(found).toEqual([]);
  });
});

const guest: RoomSelf = { userId: null, name: null, roles: [], canParticipate: false, canModerate: false, canChair: false, canCountHall: false, canCaption: false };

describe('sockets per person at the room door', () => {
  it(`lets each signed-in walker hold ${MAX_SOCKETS_PER_PERSON} sockets in a room and closes the next with 4429; guests are not counted`, async () => {
    const found: string[] = [];
    for (const room of rooms) {
      for (const who of room.seats.keys()) {
        const actor = await town.actorIn(who, room.space.id);
        const cookie = town.cookieOf(who);
        // Their sockets in the room on every process, as the log counts them.
        const connections = async () => {
          const log = await MeetingLog.read(town.sql, room.space.meetingId);
          return log.snapshot(log.lastSeq, guest).participants.find((p) => p.userId === actor.userId)?.connections ?? 0;
        };
        const held = await connections();
        const label = where(who, room.space, actor);
        const opened: RoomTestClient[] = [];
        const capped = actor.userId !== null;
        // Up to the cap, and one more.
        const tries = (capped ? MAX_SOCKETS_PER_PERSON - held : MAX_SOCKETS_PER_PERSON) + 1;
        for (let i = 0; i < tries; i += 1) {
          const client = await RoomTestClient.connect(baseUrl, room.space.meetingId, cookie ? { cookie } : {});
          opened.push(client);
          const outcome = await Promise.race([client.welcome().then(() => 'welcomed'), client.closed()]);
          const expected = capped && i === tries - 1 ? 4429 : 'welcomed';
          if (outcome !== expected) found.push(`${label}, holding ${held + i} sockets: expected ${expected}, got ${outcome}`);
        }
        for (const client of opened) await client.close();
        // Their departures are logged after the closes: wait, so the next walker's count starts from the truth.
        const deadline = Date.now() + 10_000;
        while (capped && (await connections()) !== held && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(found).toEqual([]);
  });
});

// ---- The document socket

type DocumentKind = 'notes' | 'minutes' | 'recommendations';
const documentActions: Record<DocumentKind, { read: Action; write: Action }> = {
  notes: { read: 'room.watch', write: 'notes.write' },
  minutes: { read: 'minutes.readDraft', write: 'minutes.write' },
  recommendations: { read: 'recommendations.read', write: 'recommendations.write' },
};

/** Opens a document as the stock client would (sync step 1 first): how it was refused, or whether the server asked for our state (a writer). */
function openDocument(name: string, cookie: string | undefined): Promise<{ closed: number } | { writer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/collab/${encodeURIComponent(name)}`, { headers: cookie ? { cookie } : {} });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`${name}: neither opened nor closed`));
    }, 10_000);
    const done = (result: { closed: number } | { writer: boolean }) => {
      clearTimeout(timer);
      resolve(result);
    };
    socket.on('open', () => socket.send(new Uint8Array([0, 0, 1, 0])));
    socket.on('message', (data: Buffer) => {
      // A sync message: step 1 from the server means it takes edits from us; step 2 alone means read only.
      if (data[0] !== 0) return;
      done({ writer: data[1] === 0 });
      socket.close();
    });
    socket.on('close', (code) => done({ closed: code }));
    socket.on('error', () => {});
  });
}

describe('the document socket', () => {
  it('opens each document to whom its read action allows, as a writer exactly when its write action allows', async () => {
    const found: string[] = [];
    for (const { space } of rooms) {
      const names: [DocumentKind, string][] = [
        ['notes', `meeting:${space.meetingId}:notes`],
        ['minutes', `meeting:${space.meetingId}:minutes`],
        ...(space.kind === 'jury' ? ([['recommendations', `space:${space.id}:recommendations`]] as [DocumentKind, string][]) : []),
      ];
      for (const who of walkers) {
        const actor = await town.actorIn(who, space.id);
        for (const [kind, name] of names) {
          const { read, write } = documentActions[kind];
          const outcome = await openDocument(name, town.cookieOf(who));
          const label = `${where(who, space, actor)} ${kind}`;
          if (!can(actor, read, space)) {
            // A document in a space the walker may not see is answered as one that does not exist.
            const codes = canView(actor, space) ? doorRefusals(actor, space) : [4404];
            if (!('closed' in outcome) || !codes.includes(outcome.closed)) found.push(`${label}: table refuses (${read}) → ${JSON.stringify(outcome)}`);
          } else if (!('writer' in outcome) || outcome.writer !== can(actor, write, space)) {
            found.push(`${label}: table allows reading (${read}), writing ${can(actor, write, space)} (${write}) → ${JSON.stringify(outcome)}`);
          }
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('refuses a name that is not a document of this town, whoever asks', async () => {
    for (const who of walkers) {
      const outcome = await openDocument(`meeting:${randomUUID()}:minutes`, town.cookieOf(who));
      expect([who, outcome]).toEqual([who, { closed: 4404 }]);
    }
  });
});
