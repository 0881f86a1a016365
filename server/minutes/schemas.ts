import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { LocalizedText } from '../schemas.ts';
import { minutesStates } from './workflow.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Mode = Type.Enum(['hall', 'remote']);

export const RecordAttendee = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  /** Where they were last: in the hall (checked in) or remote. */
  mode: Mode,
  firstArrival: DateTime,
  /** Null while they are still present. */
  lastDeparture: Nullable(DateTime),
  secondsPresent: Type.Integer({ minimum: 0 }),
  minutesPresent: Type.Integer({ minimum: 0 }),
  intervals: Type.Array(Type.Object({ from: DateTime, to: Nullable(DateTime), mode: Mode })),
  removed: Type.Boolean(),
});

export const RecordTurn = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  itemIndex: Type.Integer({ minimum: 0 }),
  from: DateTime,
  seconds: Type.Integer({ minimum: 0 }),
  /** The turn still has the floor: its seconds are counted up to the record's time. */
  ongoing: Type.Boolean(),
});

export const RecordPoll = Type.Object({
  pollId: Type.String(),
  question: Type.String(),
  multiple: Type.Boolean(),
  status: Type.Enum(['open', 'closed']),
  options: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Type.String(),
      remote: Type.Integer({ minimum: 0 }),
      /** Null when no hall count was entered for the poll. */
      hall: Nullable(Type.Integer({ minimum: 0 })),
      total: Type.Integer({ minimum: 0 }),
    }),
  ),
  /** How many people voted remotely (each vote is secret: only the count is recorded). */
  voters: Type.Integer({ minimum: 0 }),
});

export const RecordQuestion = Type.Object({
  questionId: Type.String(),
  at: DateTime,
  text: Type.String(),
  /** Null for a question asked anonymously. */
  author: Nullable(Type.Object({ userId: Type.String(), name: Type.String() })),
  votes: Type.Integer({ minimum: 0 }),
});

export const MeetingRecord = Type.Object({
  generatedAt: DateTime,
  meeting: Type.Object({
    id: Type.String(),
    spaceSlug: Type.String(),
    title: LocalizedText,
    startsAt: DateTime,
    endsAt: DateTime,
    state: Type.String(),
    mode: Type.Enum(['meeting', 'broadcast']),
    place: Type.Enum(['hall', 'online', 'hybrid']),
    address: Nullable(Type.String()),
  }),
  agenda: Type.Array(
    Type.Object({
      index: Type.Integer({ minimum: 0 }),
      id: Type.String(),
      title: LocalizedText,
      presenter: Nullable(Type.String()),
      decisions: Type.Array(Type.String()),
    }),
  ),
  /** Decisions recorded under an item index the agenda no longer has (the agenda was edited afterwards). */
  unplacedDecisions: Type.Array(Type.Object({ itemIndex: Type.Integer({ minimum: 0 }), text: Type.String() })),
  attendance: Type.Array(RecordAttendee),
  speakers: Type.Object({
    turns: Type.Array(RecordTurn),
    totals: Type.Array(Type.Object({ userId: Type.String(), name: Type.String(), turns: Type.Integer({ minimum: 0 }), seconds: Type.Integer({ minimum: 0 }) })),
  }),
  polls: Type.Array(RecordPoll),
  questions: Type.Object({
    answeredLive: Type.Array(RecordQuestion),
    toAnswerInWriting: Type.Array(RecordQuestion),
  }),
});
export type MeetingRecord = Static<typeof MeetingRecord>;

// ---------------------------------------------------------------------------------------------
// The minutes' workflow and their published versions

export const MinutesVersionSummary = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  title: Type.String(),
  publishedAt: DateTime,
  publishedBy: Nullable(Type.String()),
  /** The permanent address; `.html`, `.md` and `.json` after it give the three formats. */
  url: Type.String(),
});

export const MinutesStatus = Type.Object({
  meetingId: Type.String(),
  meetingState: Type.String(),
  state: Type.Enum([...minutesStates]),
  /** The chair's comment on returning the minutes; only for those who may read the draft. */
  comment: Nullable(Type.String()),
  changedAt: Nullable(DateTime),
  changedBy: Nullable(Type.String()),
  /** The live draft, for those who may read it: the Yjs document and its rich-text fragment. */
  draft: Nullable(Type.Object({ documentName: Type.String(), fragment: Type.String(), writable: Type.Boolean() })),
  /** The moves this person may make now (role, the minutes' state and the meeting's). */
  can: Type.Object({ submit: Type.Boolean(), return: Type.Boolean(), approve: Type.Boolean(), publish: Type.Boolean() }),
  versions: Type.Array(MinutesVersionSummary),
});

export const MinutesVersion = Type.Object({
  ...MinutesVersionSummary.properties,
  meetingId: Type.String(),
  /** The version as an HTML fragment (an `<article>`), sanitized. */
  html: Type.String(),
  /** Its text alone, headings one level down, for showing under a page's own section heading. */
  bodyHtml: Type.String(),
  markdown: Type.String(),
  /** The open-data document, as at `.json`. */
  content: Type.Unknown(),
});

const DiffKind = Type.Enum(['same', 'added', 'removed']);
export const MinutesDiff = Type.Object({
  from: Type.Integer({ minimum: 1 }),
  to: Type.Integer({ minimum: 1 }),
  summary: Type.Object({ added: Type.Integer(), removed: Type.Integer(), changed: Type.Integer() }),
  lines: Type.Array(
    Type.Union([
      Type.Object({ kind: DiffKind, text: Type.String() }),
      Type.Object({ kind: Type.Literal('changed'), parts: Type.Array(Type.Object({ kind: DiffKind, text: Type.String() })) }),
    ]),
  ),
});
