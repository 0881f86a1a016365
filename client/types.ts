/** Shapes of the server's JSON responses (see the API contract). */
import type { LocalizedText } from './i18n/i18n.svelte.ts';

export type User = { id: string; email: string; displayName: string; isAdmin: boolean };

export type AuthSession = {
  id: string;
  createdAt: string;
  expiresAt: string;
  userAgent: string | null;
  current: boolean;
};

export type SpaceKind = 'forum' | 'jury' | 'townhall';
export const SPACE_KINDS: readonly SpaceKind[] = ['forum', 'jury', 'townhall'];

export type Space = {
  id: string;
  slug: string;
  kind: SpaceKind;
  name: LocalizedText;
  description: LocalizedText;
  visibility: 'public' | 'members';
};

export type MeetingSummary = {
  id: string;
  spaceSlug: string;
  spaceName: LocalizedText;
  title: LocalizedText;
  startsAt: string;
  endsAt: string;
  mode: 'meeting' | 'broadcast';
  state: 'scheduled' | 'live' | 'ended' | 'cancelled';
};

export type SpaceRole = 'member' | 'juror' | 'moderator' | 'secretary' | 'chair';
export const SPACE_ROLES: readonly SpaceRole[] = ['member', 'juror', 'moderator', 'secretary', 'chair'];

/** What the signed-in user may do in a space (from `GET /api/spaces/:slug`). */
export type SpacePermissions = {
  readThreads: boolean;
  createThread: boolean;
  join: boolean;
  leave: boolean;
  moderate: boolean;
  manageMembers: boolean;
  appointStaff: boolean;
  update: boolean;
  manageMeetings: boolean;
  signOff: boolean;
  freezeStatement: boolean;
};

export type SpaceDetail = Space & { permissions?: SpacePermissions; myRoles?: string[] };

export type Person = { id: string; displayName: string };

export type Thread = {
  id: string;
  spaceId: string;
  title: string;
  author: Person;
  createdAt: string;
  lastPostAt: string;
  postCount: number;
  locked: { reason: string; lockedAt: string } | null;
};

export type ActiveThread = Thread & { spaceSlug: string };

export type ReactionKind = 'like' | 'agree' | 'insightful' | 'thanks';
export const REACTION_KINDS: readonly ReactionKind[] = ['like', 'agree', 'insightful', 'thanks'];

/** A post's author, with the staff roles they hold where the post is (`admin` for a site admin). */
export type Author = Person & { staffRoles: string[] };

export type Post = {
  id: string;
  seq: string;
  threadId: string;
  author: Author;
  /** Server-rendered, sanitised HTML; null when hidden from this reader. */
  bodyHtml: string | null;
  /** Only for those who may edit or restore it. */
  bodyMarkdown?: string;
  createdAt: string;
  editedAt: string | null;
  hidden: { reason: string; hiddenAt: string } | null;
  reactions: Record<string, number>;
  myReactions: string[];
};

export type PostRevision = { revision: number; bodyMarkdown: string; createdAt: string };

export type ThreadReply = { thread: Thread; space: { slug: string; kind: string }; canPost: boolean; canModerate: boolean };

export type Place = 'hall' | 'online' | 'hybrid';
export type Attendance = 'hall' | 'remote';

export type MeetingListItem = MeetingSummary & {
  place?: Place;
  address?: string | null;
  cancelReason?: string | null;
};

export type AgendaItem = {
  id: string;
  position: number;
  title: LocalizedText;
  presenter: string | null;
  durationMinutes: number | null;
};

export type Needs = { interpretation: boolean; inductionLoop: boolean; signLanguage: boolean; other: string | null };

export type Registration = {
  attendance: Attendance;
  status: 'registered' | 'waitlisted';
  waitlistPosition: number | null;
  needs: Needs;
  registeredAt: string;
};

export type RegistrationCounts = { hallRegistered: number; hallWaitlisted: number; remote: number };

export type MeetingDetail = MeetingSummary & {
  place: Place;
  address: string | null;
  cancelReason: string | null;
  spaceKind: string;
  description: LocalizedText;
  capacity: number | null;
  agenda: AgendaItem[];
  counts: RegistrationCounts;
  myRegistration: Registration | null;
  viewer: { canManage: boolean; canRegister: boolean; canReadRegistrations: boolean };
};

export type MeetingRegistration = Registration & { user: Person };

export type Report = { id: string; reason: string; reporter: Person; createdAt: string };
export type ReportedPost = { post: Post; thread: { id: string; title: string }; reports: Report[] };

export type Mute = { user: Person; mutedUntil: string; reason: string; createdAt: string };

export type AuditEntry = {
  id: string;
  action: string;
  actor: Person | null;
  targetType: string;
  targetId: string;
  reason: string | null;
  details: Record<string, unknown>;
  createdAt: string;
  spaceSlug: string | null;
};

export type SpacePerson = { user: Person & { email?: string }; roles: SpaceRole[] };

export type SearchResultType = 'space' | 'thread' | 'post' | 'meeting' | 'minutes';
export const SEARCH_RESULT_TYPES: readonly SearchResultType[] = ['space', 'thread', 'meeting', 'minutes', 'post'];
export type SearchResult = { type: SearchResultType; id: string; title: string; snippet: string; url: string };

/** A keyset page: the items and where the next page starts (null at the end). */
export type Page<T> = { items: T[]; nextCursor: string | null };
