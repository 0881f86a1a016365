/**
 * The room socket's message types, shared with the server. Only types come from the server
 * module (it pulls in the schema library at run time); the few constants the client needs are
 * repeated here and checked against the server's at compile time.
 */
import type {
  ClientMessage,
  ServerMessage,
  closeCodes as serverCloseCodes,
  CHAT_MAX_LENGTH as SERVER_CHAT_MAX,
  QUESTION_MAX_LENGTH as SERVER_QUESTION_MAX,
  CAPTION_MAX_LENGTH as SERVER_CAPTION_MAX,
} from '../../server/protocol/room-messages.ts';

export type {
  CaptionLine,
  ChatView,
  ClientMessage,
  ConsumerInfo,
  MediaNotice,
  MediaReplies,
  MediaSource,
  ProducerInfo,
  ParticipantView,
  PollTally,
  PollView,
  QuestionTally,
  QuestionView,
  RoomErrorDetails,
  RoomEvent,
  RoomSelf,
  RoomSnapshot,
  ServerMessage,
} from '../../server/protocol/room-messages.ts';

export const closeCodes = {
  accessChanged: 4205,
  signInRequired: 4401,
  forbidden: 4403,
  notFound: 4404,
  abuse: 4408,
  removed: 4409,
  tooManyConnections: 4429,
  sessionEnded: 4440,
  serverShutdown: 4503,
} as const satisfies typeof serverCloseCodes;

export const CHAT_MAX_LENGTH: typeof SERVER_CHAT_MAX = 1000;
export const QUESTION_MAX_LENGTH: typeof SERVER_QUESTION_MAX = 500;
export const CAPTION_MAX_LENGTH: typeof SERVER_CAPTION_MAX = 300;
/** Caption lines shown over the video at once (the server's snapshot holds as many). */
export const CAPTIONS_SHOWN = 3;

/** A message as the page hands it to the connection, which adds the `requestId`. */
export type Sendable = ClientMessage extends infer M ? (M extends { type: string } ? Omit<M, 'requestId'> : never) : never;

/** The payload of an `event` frame: a room event or one of the per-viewer summaries. */
export type EventPayload = Extract<ServerMessage, { type: 'event' }>['event'];
