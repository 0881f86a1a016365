/**
 * The one place that answers "may this actor do this?". HTTP routes, room socket messages
 * and document connections all ask `can()`; nothing else decides a permission.
 */

export const spaceRoles = ['member', 'juror', 'moderator', 'secretary', 'chair'] as const;
export type SpaceRole = (typeof spaceRoles)[number];

export const spaceKinds = ['forum', 'jury', 'townhall'] as const;
export type SpaceKind = (typeof spaceKinds)[number];

export const visibilities = ['public', 'members'] as const;
export type Visibility = (typeof visibilities)[number];

export interface Actor {
  userId: string | null;
  isAdmin: boolean;
  /** The actor's roles in the space the action concerns. */
  roles: ReadonlySet<SpaceRole>;
}

export interface SpaceContext {
  kind: SpaceKind;
  visibility: Visibility;
}

/**
 * Who an action is for:
 * - `viewer`: anyone who can see the space (everyone for a public space, its people otherwise);
 * - `signedIn`: a signed-in viewer;
 * - `inSpace`: anyone holding a role in the space;
 * - a list of roles, optionally with the site admin.
 * `when` narrows it to some kinds of space.
 */
type Audience = 'viewer' | 'signedIn' | 'inSpace' | { roles: readonly SpaceRole[]; admin: boolean };

interface Rule {
  who: Audience;
  when?: (space: SpaceContext) => boolean;
  /** Who it is for in a jury, when that differs: a jury deliberates among its own people even when it is listed publicly. */
  inJury?: Audience;
  /** Refused to anyone holding one of these roles, whatever else they hold: a duty kept apart from theirs (`separatedRoles`). */
  notFor?: readonly SpaceRole[];
}

/**
 * Roles kept apart: no one takes one of a pair by their own hand while holding the other, and a
 * rule may refuse the holder of one what the other allows (`notFor`). The chair freezes the
 * statement the jurors sign off: a chair's own stance would be counted into what they publish.
 */
const separatedRoles: readonly (readonly [SpaceRole, SpaceRole])[] = [['chair', 'juror']];
const separatedFrom = (role: SpaceRole): SpaceRole[] => separatedRoles.flatMap(([a, b]) => (a === role ? [b] : b === role ? [a] : []));

const staff = (...roles: SpaceRole[]): Audience => ({ roles, admin: true });
const only = (...roles: SpaceRole[]): Audience => ({ roles, admin: false });
const isJury = (space: SpaceContext) => space.kind === 'jury';
const isOpenForum = (space: SpaceContext) => space.kind !== 'jury' && space.visibility === 'public';

const rules = {
  'space.view': { who: 'viewer' },
  'space.create': { who: staff() },
  'space.update': { who: staff('chair') },
  'space.appointStaff': { who: staff() },
  'space.manageMembers': { who: staff('chair') },
  'space.join': { who: 'signedIn', when: isOpenForum },
  'space.listPeople': { who: 'inSpace' },

  /** A listed jury shows its page, schedule and statements to all, but its threads are its deliberation, like its sessions. */
  'thread.read': { who: 'viewer', inJury: 'inSpace' },
  'thread.create': { who: 'inSpace' },
  'post.create': { who: 'inSpace' },
  'post.react': { who: 'signedIn', inJury: 'inSpace' },
  'post.report': { who: 'signedIn', inJury: 'inSpace' },
  'post.hide': { who: staff('moderator', 'chair') },
  'thread.lock': { who: staff('moderator', 'chair') },
  'user.mute': { who: staff('moderator', 'chair') },
  'moderation.read': { who: staff('moderator', 'chair') },

  'meeting.view': { who: 'viewer' },
  'meeting.manage': { who: staff('chair', 'secretary') },
  'meeting.register': { who: 'signedIn', inJury: 'inSpace' },
  'meeting.readRegistrations': { who: staff('chair', 'secretary', 'moderator') },

  'room.watch': { who: 'viewer', inJury: 'inSpace' },
  'room.participate': { who: 'signedIn', inJury: 'inSpace' },
  'room.moderate': { who: staff('moderator', 'chair') },
  'room.chair': { who: staff('chair') },
  'poll.addHallVotes': { who: staff('secretary', 'chair') },
  /** Typing the live captions shown over the video (and saved with the recording). */
  'room.caption': { who: staff('chair', 'secretary', 'moderator') },

  'notes.write': { who: 'inSpace' },
  'recommendations.read': { who: only('juror', 'chair'), when: isJury },
  'recommendations.write': { who: only('juror', 'chair'), when: isJury },
  'recommendations.signOff': { who: only('juror'), when: isJury, notFor: separatedFrom('juror') },
  'statement.freeze': { who: only('chair'), when: isJury },

  'minutes.readDraft': { who: 'inSpace' },
  'minutes.write': { who: staff('secretary', 'chair') },
  'minutes.submit': { who: staff('secretary', 'chair') },
  'minutes.approve': { who: staff('chair') },
  'minutes.publish': { who: staff('secretary', 'chair') },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof rules;
export const actions = Object.keys(rules) as Action[];

export function canView(actor: Actor, space: SpaceContext): boolean {
  return space.visibility === 'public' || actor.isAdmin || actor.roles.size > 0;
}

export function can(actor: Actor, action: Action, space: SpaceContext): boolean {
  const rule: Rule = rules[action];
  if (rule.when && !rule.when(space)) return false;
  if (rule.notFor?.some((role) => actor.roles.has(role))) return false;
  const who = (isJury(space) && rule.inJury) || rule.who;
  if (who === 'viewer') return canView(actor, space);
  if (actor.userId === null) return false;
  if (who === 'signedIn') return canView(actor, space);
  if (who === 'inSpace') return actor.roles.size > 0 || actor.isAdmin;
  return (who.admin && actor.isAdmin) || who.roles.some((role) => actor.roles.has(role));
}

/** The roles that speak for the town (and a site admin): an admin appoints them, and their names are theirs alone. */
export const staffRoles: readonly SpaceRole[] = ['chair', 'secretary', 'moderator'];

/** Chairs, secretaries and moderators are appointed by an admin; members and jurors by the space's chair. */
export const appointAction = (role: SpaceRole): Action => (staffRoles.includes(role) ? 'space.appointStaff' : 'space.manageMembers');

/**
 * May the actor give `role` to someone? Others: whoever the table lets appoint it (and the audit
 * log records it). Themself: only to a role not kept apart from one they hold, so a chair cannot
 * make themself a juror (the chair would then be refused a juror's sign-off anyway).
 */
export function canAppoint(actor: Actor, role: SpaceRole, space: SpaceContext, whom: 'self' | 'other'): boolean {
  if (!can(actor, appointAction(role), space)) return false;
  return whom === 'other' || !separatedFrom(role).some((held) => actor.roles.has(held));
}
