/**
 * One valid frame per room socket message (two where the message serves two rules), the things it
 * needs made first, and the row of the permission table that decides who may send it. The socket
 * walk sends each as every walker who can enter the room, in the room of every space of the walk.
 *
 * A message type missing here fails the walk: add its example, naming the rule it is checked by.
 */
import { can, type Action, type Actor } from '../permissions/permissions.ts';
import type { RoomEvent } from '../protocol/room-messages.ts';
import type { RoomTestClient } from '../rooms/test-client.ts';
import type { RoomSeat } from './room-sockets.ts';
import type { SpaceInfo, Walker } from './town.ts';

/** What a room owner made on a socket of its own, for the ownership rules: ids nobody else may use. */
export interface OwnedMedia {
  sendTransportId: string;
  recvTransportId: string;
  producerId: string;
  consumerId: string;
}

export interface RoomCall {
  who: Walker;
  actor: Actor;
  space: SpaceInfo;
  mode: 'meeting' | 'broadcast';
  /** The walker's seat in the room. */
  seat: RoomSeat;
  /** Someone with every right in the room (the admin, or the chair when the admin walks) who makes what the frame acts on. */
  staff: RoomSeat;
  /** A participant without staff rights, for held chat, pending questions and the speakers' queue. */
  plain: RoomSeat;
  plainId: string;
  /** A participant to mute, unmute and remove. */
  victimId: string;
  checkInCode: string;
  /** The staff member's own transports, producer and consumer. */
  owned: OwnedMedia;
}

/** Who may send it: a row of the table, a rule built on rows, or only whoever owns what it names. */
export type SocketAllowed = Action | { rule: string; decide: (call: RoomCall) => boolean } | 'owner';

export interface SocketExample {
  label?: string;
  allowed: SocketAllowed;
  /**
   * `carried`: allowed means an ack or a reply. `admitted`: allowed means only that the answer is not a
   * refusal (the action itself needs what a test server lacks, e.g. a recorder).
   */
  outcome?: 'carried' | 'admitted';
  /** The frame (without its request id), made after whatever it acts on. */
  frame(call: RoomCall): Promise<object> | object;
  after?(call: RoomCall): Promise<void>;
}

/** Has `seat` send the message and returns the event it caused (the answer's sequence number), as seen on `seen`. */
export async function caused(seat: RoomSeat, message: object, seen: RoomSeat = seat): Promise<RoomEvent> {
  const { answer } = await seat.ask(message);
  if (answer.type !== 'ack' || answer.seq === null) throw new Error(`${JSON.stringify(message)} made nothing: ${JSON.stringify(answer)}`);
  const seq = answer.seq;
  // The socket in use after the message (a seat may have moved to a fresh one to send it).
  const watcher: RoomTestClient = await seen.socket(0);
  const stamped = await watcher.waitFor((m) => m.type === 'event' && m.seq === seq);
  return (stamped as Extract<typeof stamped, { type: 'event' }>).event as RoomEvent;
}

async function must(seat: RoomSeat, message: object): Promise<void> {
  const { answer } = await seat.ask(message);
  if (answer.type === 'error') throw new Error(`${JSON.stringify(message)}: ${JSON.stringify(answer)}`);
}

const asked = async (call: RoomCall, by: RoomSeat = call.staff) =>
  ((await caused(by, { type: 'question.ask', text: 'Paljonko maksaa?', anonymous: false }, call.staff)) as Extract<RoomEvent, { type: 'question.asked' }>).questionId;

const pollOpened = async (call: RoomCall) =>
  (await caused(call.staff, { type: 'poll.open', question: 'Kumpi?', options: ['Tämä', 'Tuo'], multiple: false, resultsWhile: 'open' })) as Extract<
    RoomEvent,
    { type: 'poll.opened' }
  >;

/** Nobody holds the floor: a walker holding it could neither raise a hand nor is it who the broadcast rule lets publish. */
const floorFree = (call: RoomCall) => must(call.staff, { type: 'floor.take' });

/** The walker's own media membership, on the socket the frame will go out on. */
async function joinedMedia(call: RoomCall): Promise<void> {
  const socket = await call.seat.socket(3);
  const capabilities = await socket.answerTo({ type: 'media.capabilities' });
  if (capabilities.type !== 'reply') return;
  await socket.answerTo({ type: 'media.join', rtpCapabilities: (capabilities.data as { rtpCapabilities: never }).rtpCapabilities });
}

const reason = 'Hardening walk';
const participate: Action = 'room.participate';
const canIn = (call: RoomCall, action: Action) => can(call.actor, action, call.space);

/** Sending sound or video: a participant not muted, and in a broadcast only the stage (those who chair) or whoever has the floor. */
const publisher = {
  rule: 'room.participate; in a broadcast also room.chair (the floor is free)',
  decide: (call: RoomCall) => canIn(call, participate) && (call.mode === 'meeting' || canIn(call, 'room.chair')),
};

export const socketExamples: Record<string, SocketExample[]> = {
  'chat.send': [{ allowed: participate, frame: () => ({ type: 'chat.send', text: 'Hyvää iltaa' }) }],
  'chat.hide': [
    {
      allowed: 'room.moderate',
      frame: async (call) => ({
        type: 'chat.hide',
        messageId: ((await caused(call.staff, { type: 'chat.send', text: 'Piilotettava' })) as Extract<RoomEvent, { type: 'chat.posted' }>).messageId,
        reason,
      }),
    },
  ],
  'chat.release': [
    {
      allowed: 'room.moderate',
      async frame(call) {
        await must(call.staff, { type: 'room.settings', wordFilter: ['kielletty'] });
        const posted = (await caused(call.plain, { type: 'chat.send', text: 'kielletty sana' }, call.staff)) as Extract<RoomEvent, { type: 'chat.posted' }>;
        await must(call.staff, { type: 'room.settings', wordFilter: [] });
        return { type: 'chat.release', messageId: posted.messageId };
      },
    },
  ],
  'question.ask': [{ allowed: participate, frame: () => ({ type: 'question.ask', text: 'Milloin?', anonymous: true }) }],
  'question.vote': [{ allowed: participate, frame: async (call) => ({ type: 'question.vote', questionId: await asked(call), up: true }) }],
  'question.approve': [
    {
      allowed: 'room.moderate',
      async frame(call) {
        await must(call.staff, { type: 'room.settings', premoderation: true });
        const questionId = await asked(call, call.plain);
        await must(call.staff, { type: 'room.settings', premoderation: false });
        return { type: 'question.approve', questionId };
      },
    },
  ],
  'question.hide': [{ allowed: 'room.moderate', frame: async (call) => ({ type: 'question.hide', questionId: await asked(call), reason }) }],
  'question.merge': [{ allowed: 'room.moderate', frame: async (call) => ({ type: 'question.merge', questionId: await asked(call), intoId: await asked(call) }) }],
  'question.answer': [{ allowed: 'room.moderate', frame: async (call) => ({ type: 'question.answer', questionId: await asked(call), how: 'live' }) }],
  'queue.raise': [
    {
      allowed: participate,
      async frame(call) {
        await floorFree(call);
        return { type: 'queue.raise', pointOfOrder: false };
      },
    },
  ],
  'queue.lower': [{ allowed: participate, frame: () => ({ type: 'queue.lower' }) }],
  'queue.remove': [
    {
      allowed: 'room.chair',
      async frame(call) {
        await floorFree(call);
        await must(call.plain, { type: 'queue.raise', pointOfOrder: false });
        return { type: 'queue.remove', userId: call.plainId, reason };
      },
    },
  ],
  'floor.give': [
    {
      allowed: 'room.chair',
      async frame(call) {
        await call.plain.socket(0);
        return { type: 'floor.give', userId: call.plainId };
      },
      after: floorFree,
    },
  ],
  'floor.next': [
    {
      allowed: 'room.chair',
      async frame(call) {
        await floorFree(call);
        await must(call.plain, { type: 'queue.raise', pointOfOrder: false });
        return { type: 'floor.next', preferNotYetSpoken: false };
      },
      after: floorFree,
    },
  ],
  'floor.take': [{ allowed: 'room.chair', frame: () => ({ type: 'floor.take' }) }],
  'poll.open': [{ allowed: 'room.chair', frame: () => ({ type: 'poll.open', question: 'Jatketaanko?', options: ['Kyllä', 'Ei'], multiple: false, resultsWhile: 'closed' }) }],
  'poll.vote': [
    {
      allowed: participate,
      async frame(call) {
        const poll = await pollOpened(call);
        return { type: 'poll.vote', pollId: poll.pollId, optionIds: [poll.options[0]!.id] };
      },
    },
  ],
  'poll.close': [{ allowed: 'room.chair', frame: async (call) => ({ type: 'poll.close', pollId: (await pollOpened(call)).pollId }) }],
  'poll.hallCount': [
    {
      allowed: 'poll.addHallVotes',
      async frame(call) {
        const poll = await pollOpened(call);
        return { type: 'poll.hallCount', pollId: poll.pollId, counts: { [poll.options[0]!.id]: 12 } };
      },
    },
  ],
  'agenda.goto': [{ allowed: 'room.chair', frame: () => ({ type: 'agenda.goto', index: 1 }), after: (call) => must(call.staff, { type: 'agenda.goto', index: 0 }) }],
  'decision.record': [{ allowed: 'room.chair', frame: () => ({ type: 'decision.record', itemIndex: 0, text: 'Hyväksyttiin' }) }],
  'participant.mute': [
    {
      allowed: 'room.moderate',
      frame: (call) => ({ type: 'participant.mute', userId: call.victimId, minutes: 1, reason }),
      after: (call) => must(call.staff, { type: 'participant.unmute', userId: call.victimId }),
    },
  ],
  'participant.unmute': [
    {
      allowed: 'room.moderate',
      async frame(call) {
        await must(call.staff, { type: 'participant.mute', userId: call.victimId, minutes: 1, reason });
        return { type: 'participant.unmute', userId: call.victimId };
      },
      after: (call) => must(call.staff, { type: 'participant.unmute', userId: call.victimId }),
    },
  ],
  'room.settings': [{ allowed: 'room.moderate', frame: () => ({ type: 'room.settings', slowModeSeconds: 0, wordFilter: [], premoderation: false }) }],
  'presence.checkIn': [{ allowed: participate, frame: (call) => ({ type: 'presence.checkIn', code: call.checkInCode }) }],
  'caption.send': [
    { label: 'typing', allowed: 'room.caption', frame: () => ({ type: 'caption.send', text: 'Puheenjohtaja avaa', final: false }) },
    { label: 'done', allowed: 'room.caption', frame: () => ({ type: 'caption.send', text: 'Puheenjohtaja avaa kokouksen.', final: true }) },
  ],

  // ---- Video: joining and receiving are for everyone in the room; sending follows the publishing rule;
  // transports, producers and consumers are their owner's alone (the walker is never their owner).
  'media.capabilities': [{ allowed: 'room.watch', frame: () => ({ type: 'media.capabilities' }) }],
  'media.join': [
    {
      allowed: 'room.watch',
      async frame(call) {
        const capabilities = await (await call.seat.socket(2)).answerTo({ type: 'media.capabilities' });
        return { type: 'media.join', rtpCapabilities: capabilities.type === 'reply' ? (capabilities.data as { rtpCapabilities: object }).rtpCapabilities : {} };
      },
    },
  ],
  'media.transport.create': [
    {
      label: 'recv',
      allowed: 'room.watch',
      async frame(call) {
        await joinedMedia(call);
        return { type: 'media.transport.create', direction: 'recv' };
      },
    },
    {
      label: 'send',
      allowed: publisher,
      async frame(call) {
        await floorFree(call);
        await joinedMedia(call);
        return { type: 'media.transport.create', direction: 'send' };
      },
    },
  ],
  'media.transport.connect': [
    {
      allowed: 'owner',
      frame: (call) => ({
        type: 'media.transport.connect',
        transportId: call.owned.recvTransportId,
        dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AA:BB' }] },
      }),
    },
  ],
  'media.produce': [
    {
      allowed: 'owner',
      async frame(call) {
        await joinedMedia(call);
        return {
          type: 'media.produce',
          transportId: call.owned.sendTransportId,
          kind: 'audio',
          source: 'microphone',
          rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 4242 }] },
        };
      },
    },
  ],
  'media.producer.close': [{ allowed: 'owner', frame: (call) => ({ type: 'media.producer.close', producerId: call.owned.producerId }) }],
  'media.producer.pause': [{ allowed: 'owner', frame: (call) => ({ type: 'media.producer.pause', producerId: call.owned.producerId }) }],
  'media.producer.resume': [{ allowed: 'owner', frame: (call) => ({ type: 'media.producer.resume', producerId: call.owned.producerId }) }],
  'media.producer.moderate': [{ allowed: 'room.moderate', frame: (call) => ({ type: 'media.producer.moderate', producerId: call.owned.producerId, paused: false }) }],
  'media.consume': [
    {
      allowed: 'owner',
      async frame(call) {
        await joinedMedia(call);
        return { type: 'media.consume', transportId: call.owned.recvTransportId, producerId: call.owned.producerId };
      },
    },
  ],
  'media.consumer.resume': [{ allowed: 'owner', frame: (call) => ({ type: 'media.consumer.resume', consumerId: call.owned.consumerId }) }],
  'media.consumer.pause': [{ allowed: 'owner', frame: (call) => ({ type: 'media.consumer.pause', consumerId: call.owned.consumerId }) }],
  'media.consumer.layers': [{ allowed: 'owner', frame: (call) => ({ type: 'media.consumer.layers', consumerId: call.owned.consumerId, spatialLayer: 0 }) }],
  // A test server has no recorder: passing the chair's check is all there is to see.
  'recording.start': [{ allowed: 'room.chair', outcome: 'admitted', frame: () => ({ type: 'recording.start' }) }],
  'recording.stop': [{ allowed: 'room.chair', outcome: 'admitted', frame: () => ({ type: 'recording.stop' }) }],

  // Last: a removal is for good, and the same person is removed again by each walker allowed to.
  'participant.remove': [{ allowed: 'room.moderate', frame: (call) => ({ type: 'participant.remove', userId: call.victimId, reason }) }],
};
