/**
 * The room socket's messages: one table shared by the server (which validates every incoming
 * frame against these schemas) and the client (which imports only the types).
 */
import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import type { types as mediasoup } from 'mediasoup';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Uuid = Type.String({ format: 'uuid' });
const Reason = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });
export const CHAT_MAX_LENGTH = 1000;

// mediasoup's own objects (capabilities, DTLS and RTP parameters) are checked by mediasoup itself;
// here they are only held to a bounded shape, so a frame cannot smuggle in anything large or odd.
const MediaEntry = Type.Object({}, { additionalProperties: true, maxProperties: 24 });
const MediaList = (maxItems: number) => Type.Array(MediaEntry, { maxItems });
const RtpCapabilities = Type.Object(
  { codecs: Type.Optional(MediaList(64)), headerExtensions: Type.Optional(MediaList(64)) },
  { additionalProperties: false },
);
const DtlsParameters = Type.Object(
  {
    role: Type.Optional(Type.Enum(['auto', 'client', 'server'])),
    fingerprints: Type.Array(Type.Object({ algorithm: Type.String({ maxLength: 32 }), value: Type.String({ maxLength: 256 }) }), { minItems: 1, maxItems: 8 }),
  },
  { additionalProperties: false },
);
const RtpParameters = Type.Object(
  {
    mid: Type.Optional(Type.String({ maxLength: 32 })),
    codecs: MediaList(16),
    headerExtensions: Type.Optional(MediaList(32)),
    encodings: Type.Optional(MediaList(8)),
    rtcp: Type.Optional(MediaEntry),
    msid: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
/** What a producer carries: its kind follows from the source. */
export const mediaSources = ['camera', 'microphone', 'screen'] as const;
export type MediaSource = (typeof mediaSources)[number];
export const QUESTION_MAX_LENGTH = 500;
/** A caption line: about two lines of text over the video. */
export const CAPTION_MAX_LENGTH = 300;

/** What a participant may send. Each message may carry a `requestId` that the answer (ack or error) repeats. */
export const clientMessages = {
  'chat.send': { text: Type.String({ minLength: 1, maxLength: CHAT_MAX_LENGTH, pattern: '\\S' }) },
  'chat.hide': { messageId: Id, reason: Reason },
  'chat.release': { messageId: Id },
  'question.ask': { text: Type.String({ minLength: 1, maxLength: QUESTION_MAX_LENGTH, pattern: '\\S' }), anonymous: Type.Boolean() },
  'question.vote': { questionId: Id, up: Type.Boolean() },
  'question.approve': { questionId: Id },
  'question.hide': { questionId: Id, reason: Reason },
  'question.merge': { questionId: Id, intoId: Id },
  'question.answer': { questionId: Id, how: Type.Enum(['live', 'written']) },
  'queue.raise': { pointOfOrder: Type.Boolean() },
  'queue.lower': {},
  'queue.remove': { userId: Uuid, reason: Reason },
  'floor.give': { userId: Uuid },
  'floor.next': { preferNotYetSpoken: Type.Boolean() },
  'floor.take': {},
  'poll.open': {
    question: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
    options: Type.Array(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }), { minItems: 2, maxItems: 12 }),
    multiple: Type.Boolean(),
    resultsWhile: Type.Enum(['open', 'closed']),
  },
  'poll.vote': { pollId: Id, optionIds: Type.Array(Id, { minItems: 1, maxItems: 12, uniqueItems: true }) },
  'poll.close': { pollId: Id },
  'poll.hallCount': { pollId: Id, counts: Type.Record(Id, Type.Integer({ minimum: 0, maximum: 100_000 })) },
  'agenda.goto': { index: Type.Integer({ minimum: 0, maximum: 500 }) },
  'decision.record': { itemIndex: Type.Integer({ minimum: 0, maximum: 500 }), text: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }) },
  'participant.mute': { userId: Uuid, minutes: Type.Integer({ minimum: 1, maximum: 600 }), reason: Reason },
  'participant.unmute': { userId: Uuid },
  'participant.remove': { userId: Uuid, reason: Reason },
  'room.settings': {
    slowModeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 600 })),
    wordFilter: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 60 }), { maxItems: 200 })),
    premoderation: Type.Optional(Type.Boolean()),
  },
  'presence.checkIn': { code: Type.String({ minLength: 4, maxLength: 64 }) },
  /**
   * A captioner's line: `final: false` while it is being typed (relayed to the room, never stored),
   * `final: true` when it is done (stored as `caption.posted`, and saved with a recording).
   */
  'caption.send': { text: Type.String({ minLength: 1, maxLength: CAPTION_MAX_LENGTH, pattern: '\\S' }), final: Type.Boolean() },
  // ---- Video: answered with a `reply` (data) or an `ack`; never stored in the room's log ----
  'media.capabilities': {},
  /** Joins the room's media with this device's capabilities; the reply lists what is being sent. */
  'media.join': { rtpCapabilities: RtpCapabilities },
  'media.transport.create': { direction: Type.Enum(['send', 'recv']) },
  'media.transport.connect': { transportId: Id, dtlsParameters: DtlsParameters },
  'media.produce': { transportId: Id, kind: Type.Enum(['audio', 'video']), source: Type.Enum([...mediaSources]), rtpParameters: RtpParameters },
  'media.producer.close': { producerId: Id },
  'media.producer.pause': { producerId: Id },
  'media.producer.resume': { producerId: Id },
  /** A moderator pauses or resumes anyone's producer; its owner cannot resume a moderator's pause. */
  'media.producer.moderate': { producerId: Id, paused: Type.Boolean() },
  /** Consumers are created paused: the client resumes each once it is ready to play it. */
  'media.consume': { transportId: Id, producerId: Id },
  'media.consumer.resume': { consumerId: Id },
  'media.consumer.pause': { consumerId: Id },
  /** The simulcast layer a viewer wants (from its tile size): 0 is the smallest. */
  'media.consumer.layers': { consumerId: Id, spatialLayer: Type.Integer({ minimum: 0, maximum: 2 }), temporalLayer: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })) },
  'recording.start': {},
  'recording.stop': {},
} as const satisfies Record<string, Record<string, TSchema>>;

export type ClientMessageType = keyof typeof clientMessages;

type Fields<K extends ClientMessageType> = Static<ReturnType<typeof Type.Object<(typeof clientMessages)[K]>>>;
export type ClientMessage = { [K in ClientMessageType]: { type: K; requestId?: string } & Fields<K> }[ClientMessageType];
export type ClientMessageOf<K extends ClientMessageType> = Extract<ClientMessage, { type: K }>;
/** Video and recording: handled by the room's media, not decided into the room's log. */
export type MediaMessage = Extract<ClientMessage, { type: `media.${string}` | `recording.${string}` }>;
/** Everything else: decided against the room's state and recorded as events. */
export type RoomCommand = Exclude<ClientMessage, MediaMessage>;
export const isMediaMessage = (message: ClientMessage): message is MediaMessage =>
  message.type.startsWith('media.') || message.type.startsWith('recording.');

/** One schema for any incoming frame: a union discriminated by `type`. */
export const ClientMessageSchema = Type.Union(
  (Object.keys(clientMessages) as ClientMessageType[]).map((type) =>
    Type.Object(
      { type: Type.Literal(type), requestId: Type.Optional(Id), ...clientMessages[type] },
      { additionalProperties: false },
    ),
  ),
);

// ---- What the server sends ----

export interface Person {
  userId: string;
  name: string;
}

/** Room events as a viewer sees them; stored events may carry more (e.g. who voted for what). */
export type RoomEvent =
  | { type: 'presence.joined'; userId: string; name: string; roles: string[]; mode: 'hall' | 'remote' }
  | { type: 'presence.left'; userId: string }
  | { type: 'presence.checkedIn'; userId: string }
  | { type: 'chat.posted'; messageId: string; userId: string; name: string; text: string; held: boolean }
  | { type: 'chat.released'; messageId: string }
  | { type: 'chat.hidden'; messageId: string; reason: string }
  | { type: 'participant.muted'; userId: string; until: string; reason: string }
  | { type: 'participant.unmuted'; userId: string }
  | { type: 'participant.removed'; userId: string; reason: string }
  | { type: 'settings.changed'; slowModeSeconds: number; wordFilter: string[]; premoderation: boolean }
  | { type: 'question.asked'; questionId: string; userId: string | null; name: string | null; anonymous: boolean; text: string; pending: boolean }
  | { type: 'question.voted'; questionId: string; userId: string; up: boolean }
  | { type: 'question.approved'; questionId: string }
  | { type: 'question.hidden'; questionId: string; reason: string }
  /** `intoVotes`: the merged-into question's new count (views add it; stored events leave it out). */
  | { type: 'question.merged'; questionId: string; intoId: string; intoVotes?: number }
  | { type: 'question.answered'; questionId: string; how: 'live' | 'written' }
  | { type: 'queue.raised'; userId: string; name: string; pointOfOrder: boolean }
  | { type: 'queue.lowered'; userId: string; reason: string | null }
  | { type: 'floor.given'; userId: string; name: string }
  | { type: 'floor.ended'; userId: string; seconds: number }
  | { type: 'poll.opened'; pollId: string; question: string; options: { id: string; label: string }[]; multiple: boolean; resultsWhile: 'open' | 'closed' }
  | { type: 'poll.voted'; pollId: string; userId: string; optionIds: string[] }
  /** `results`: the final totals, for everyone (views add them; stored events leave them out). */
  | { type: 'poll.closed'; pollId: string; results?: { remote: Record<string, number>; hall: Record<string, number> | null; voters: number } }
  | { type: 'poll.hallCounted'; pollId: string; counts: Record<string, number> }
  | { type: 'agenda.moved'; index: number }
  | { type: 'decision.recorded'; itemIndex: number; text: string }
  | { type: 'caption.posted'; text: string }
  | { type: 'recording.started' }
  | { type: 'recording.stopped'; durationSeconds: number }
  | { type: 'recording.failed'; reason: string };

export type RoomEventType = RoomEvent['type'];

export interface StampedEvent {
  seq: number;
  at: string;
  actorId: string | null;
  event: RoomEvent;
}

export type ServerMessage =
  /** `state` is null when resuming: the missed events follow instead. */
  | { type: 'welcome'; you: RoomSelf; state: RoomSnapshot | null; checkInCode: string | null; now: string }
  | { type: 'event'; seq: number; at: string; event: RoomEvent | PollTally | QuestionTally }
  | { type: 'ack'; requestId: string; seq: number | null }
  | { type: 'error'; requestId: string | null; code: string; message: string; details?: RoomErrorDetails }
  | { type: 'viewers'; count: number }
  /** The answer to a media request that returns something. */
  | { type: 'reply'; requestId: string; data: MediaReply }
  /** A caption line as the captioner is typing it: replaces the previous one until a `caption.posted` ends it. Never stored. */
  | { type: 'caption.interim'; text: string }
  | MediaNotice;

/** Someone's track in the room's media. */
export interface ProducerInfo {
  producerId: string;
  userId: string;
  name: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
  /** Paused by a moderator: only a moderator resumes it. */
  pausedByModerator: boolean;
}

export interface TransportInfo {
  id: string;
  iceParameters: mediasoup.IceParameters;
  iceCandidates: mediasoup.IceCandidate[];
  dtlsParameters: mediasoup.DtlsParameters;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: mediasoup.RtpParameters;
}

/** What each media request that returns something returns. */
export interface MediaReplies {
  'media.capabilities': { rtpCapabilities: mediasoup.RtpCapabilities };
  'media.join': { producers: ProducerInfo[] };
  'media.transport.create': { transport: TransportInfo };
  'media.produce': { producerId: string };
  'media.consume': { consumer: ConsumerInfo };
}
export type MediaReply = MediaReplies[keyof MediaReplies];

/** Live media news, sent to the sockets that joined the media and never stored. */
export type MediaNotice =
  | { type: 'media.producerAdded'; producer: ProducerInfo }
  | { type: 'media.producerClosed'; producer: ProducerInfo }
  | { type: 'media.producerPaused'; producer: ProducerInfo }
  | { type: 'media.producerResumed'; producer: ProducerInfo }
  /** The media server behind the room failed and the room was rebuilt: join again. */
  | { type: 'media.restart' }
  | { type: 'media.activeSpeaker'; userId: string }
  /** Loudness in dBov (-127 silence … 0 loudest) of those making sound, at most once a second. */
  | { type: 'media.audioLevels'; levels: { userId: string; volume: number }[] };

/** What a viewer sees instead of each vote: the running totals, when the chair shows them. */
export interface PollTally {
  type: 'poll.tally';
  pollId: string;
  remote: Record<string, number>;
  voters: number;
  /** The viewer's own choice, sent to the voter only; null means unchanged. */
  mine: string[] | null;
}

/** Instead of each upvote: the question's count, and whether it is the viewer's. */
export interface QuestionTally {
  type: 'question.tally';
  questionId: string;
  votes: number;
  /** Sent to the voter only; null means unchanged. */
  mine: boolean | null;
}

export interface RoomSelf {
  userId: string | null;
  name: string | null;
  roles: string[];
  canParticipate: boolean;
  canModerate: boolean;
  canChair: boolean;
  canCountHall: boolean;
  canCaption: boolean;
}

export interface ChatView {
  messageId: string;
  seq: number;
  at: string;
  /** Null, with `name`, on a hidden line for those who are neither its author nor staff. */
  userId: string | null;
  name: string | null;
  /** Null on a hidden line for all but the staff. */
  text: string | null;
  held: boolean;
  hidden: { reason: string } | null;
}

export interface QuestionView {
  questionId: string;
  seq: number;
  at: string;
  userId: string | null;
  name: string | null;
  anonymous: boolean;
  text: string;
  status: 'pending' | 'approved' | 'hidden' | 'merged' | 'answered';
  answeredHow: 'live' | 'written' | null;
  hiddenReason: string | null;
  mergedInto: string | null;
  votes: number;
  mine: boolean;
}

export interface PollView {
  pollId: string;
  question: string;
  options: { id: string; label: string }[];
  multiple: boolean;
  resultsWhile: 'open' | 'closed';
  status: 'open' | 'closed';
  /** Null while results are hidden from this viewer. */
  results: { remote: Record<string, number>; hall: Record<string, number> | null; voters: number } | null;
  mine: string[] | null;
}

export interface ParticipantView {
  userId: string;
  name: string;
  roles: string[];
  mode: 'hall' | 'remote';
  present: boolean;
  /** Open sockets of this person (two tabs count twice), so leaving one keeps them present. */
  connections: number;
  /** Shown to staff and to the muted person. */
  mutedUntil: string | null;
  muteReason: string | null;
}

/** Machine-readable parts of an error, so the client can say it in the reader's language. */
export interface RoomErrorDetails {
  until?: string;
  reason?: string;
  retryAfterSeconds?: number;
}

export interface RoomSnapshot {
  meetingId: string;
  seq: number;
  mode: 'meeting' | 'broadcast';
  settings: { slowModeSeconds: number; wordFilter: string[] | null; premoderation: boolean };
  participants: ParticipantView[];
  viewers: number;
  chat: ChatView[];
  questions: QuestionView[];
  queue: { userId: string; name: string; pointOfOrder: boolean; raisedAt: string }[];
  floor: { userId: string; name: string; since: string } | null;
  speakingSeconds: Record<string, number>;
  polls: PollView[];
  agenda: { index: number; title: { fi: string; sv: string; en: string }; presenter: string | null; decisions: string[] }[];
  currentItem: number;
  /** Whether the meeting is being recorded, and since when. */
  recording: { since: string } | null;
  /** The latest caption lines (a few, oldest first): what is over the video now. */
  captions: CaptionLine[];
}

export interface CaptionLine {
  seq: number;
  at: string;
  text: string;
}

/**
 * Close codes the room and document sockets use, so a client can tell the person what happened.
 * They mirror HTTP statuses; y-websocket (the document client) gives up on 4400–4499 and retries
 * on the others.
 */
export const closeCodes = {
  /** The person's rights changed while the socket was open: reconnect afresh (no resuming) to get the view they allow now, or the refusal. */
  accessChanged: 4205,
  signInRequired: 4401,
  forbidden: 4403,
  notFound: 4404,
  abuse: 4408,
  removed: 4409,
  /** The person has as many sockets open in this room as one may (server/rooms/room.ts). */
  tooManyConnections: 4429,
  /** The session the socket was opened with ended (signed out, ended from another device, a password reset): the person is signed out. */
  sessionEnded: 4440,
  serverShutdown: 4503,
} as const;
