import { Type, type Static } from '@fastify/type-provider-typebox';
import { ErrorReply, LocalizedText } from '../schemas.ts';

export { ErrorReply };

export const meetingStates = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type MeetingState = (typeof meetingStates)[number];
export const meetingModes = ['meeting', 'broadcast'] as const;
export type MeetingMode = (typeof meetingModes)[number];
export const places = ['hall', 'online', 'hybrid'] as const;
export type Place = (typeof places)[number];
export const attendances = ['hall', 'remote'] as const;
export type Attendance = (typeof attendances)[number];


const NonBlank = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

/** What a client sends: Finnish is required, Swedish and English fall back to it. */
export const LocalizedInput = (maxLength: number) =>
  Type.Object(
    { fi: NonBlank(maxLength), sv: Type.Optional(Type.String({ maxLength })), en: Type.Optional(Type.String({ maxLength })) },
    { additionalProperties: false },
  );
export type LocalizedInputValue = { fi: string; sv?: string | undefined; en?: string | undefined };

export const MeetingId = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const SpaceSlug = Type.Object({ slug: Type.String({ pattern: '^[a-z0-9-]{1,80}$' }) });
export const DateTime = Type.String({ format: 'date-time' });

export const AgendaItemInput = Type.Object(
  {
    /** Present for an item that stays on the agenda, so its id (referred to by the room and the minutes) is kept. */
    id: Type.Optional(Type.String({ format: 'uuid' })),
    title: LocalizedInput(300),
    presenter: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    durationMinutes: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1440 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type AgendaItemInputValue = Static<typeof AgendaItemInput>;
export const AgendaInput = Type.Array(AgendaItemInput, { maxItems: 100 });

export const AgendaItem = Type.Object({
  id: Type.String(),
  position: Type.Integer(),
  title: LocalizedText,
  presenter: Type.Union([Type.String(), Type.Null()]),
  durationMinutes: Type.Union([Type.Integer(), Type.Null()]),
});

const Address = Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' });
const Capacity = Type.Integer({ minimum: 1, maximum: 100_000 });

export const MeetingFields = {
  title: LocalizedInput(200),
  description: Type.Optional(LocalizedInput(10_000)),
  startsAt: DateTime,
  endsAt: DateTime,
  mode: Type.Enum(meetingModes),
  place: Type.Enum(places),
  address: Type.Optional(Type.Union([Address, Type.Null()])),
  capacity: Type.Optional(Type.Union([Capacity, Type.Null()])),
};
export const CreateMeeting = Type.Object({ ...MeetingFields, agenda: Type.Optional(AgendaInput) }, { additionalProperties: false });
export const UpdateMeeting = Type.Object(
  {
    title: Type.Optional(MeetingFields.title),
    description: MeetingFields.description,
    startsAt: Type.Optional(DateTime),
    endsAt: Type.Optional(DateTime),
    mode: Type.Optional(MeetingFields.mode),
    place: Type.Optional(MeetingFields.place),
    address: MeetingFields.address,
    capacity: MeetingFields.capacity,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CreateMeetingBody = Static<typeof CreateMeeting>;
export type UpdateMeetingBody = Static<typeof UpdateMeeting>;

export const MeetingSummary = Type.Object({
  id: Type.String(),
  spaceSlug: Type.String(),
  spaceName: LocalizedText,
  title: LocalizedText,
  startsAt: DateTime,
  endsAt: DateTime,
  mode: Type.Enum(meetingModes),
  state: Type.Enum(meetingStates),
  place: Type.Enum(places),
  address: Type.Union([Type.String(), Type.Null()]),
  cancelReason: Type.Union([Type.String(), Type.Null()]),
});

export const Needs = Type.Object(
  {
    interpretation: Type.Boolean({ default: false }),
    inductionLoop: Type.Boolean({ default: false }),
    signLanguage: Type.Boolean({ default: false }),
    other: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], { default: null }),
  },
  { additionalProperties: false },
);
export type NeedsValue = Static<typeof Needs>;

export const Registration = Type.Object({
  attendance: Type.Enum(attendances),
  status: Type.Enum(['registered', 'waitlisted']),
  /** 1 for the next to get a seat; null unless waitlisted. */
  waitlistPosition: Type.Union([Type.Integer(), Type.Null()]),
  needs: Needs,
  registeredAt: DateTime,
});

export const Counts = Type.Object({
  hallRegistered: Type.Integer(),
  hallWaitlisted: Type.Integer(),
  remote: Type.Integer(),
});

export const MeetingDetail = Type.Object({
  ...MeetingSummary.properties,
  spaceKind: Type.String(),
  description: LocalizedText,
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  sequence: Type.Integer(),
  updatedAt: DateTime,
  agenda: Type.Array(AgendaItem),
  counts: Counts,
  myRegistration: Type.Union([Registration, Type.Null()]),
  /** What the caller may do here, so a client shows only the buttons that work. */
  viewer: Type.Object({ canManage: Type.Boolean(), canRegister: Type.Boolean(), canReadRegistrations: Type.Boolean() }),
});

export const MeetingReply = Type.Object({ meeting: MeetingDetail });

export const Page = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
});
