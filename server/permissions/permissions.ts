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
}

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

  'thread.create': { who: 'inSpace' },
  'post.create': { who: 'inSpace' },
  'post.react': { who: 'signedIn' },
  'post.report': { who: 'signedIn' },
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
  'recommendations.signOff': { who: only('juror'), when: isJury },
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
  const who = (isJury(space) && rule.inJury) || rule.who;
  if (who === 'viewer') return canView(actor, space);
  if (actor.userId === null) return false;
  if (who === 'signedIn') return canView(actor, space);
  if (who === 'inSpace') return actor.roles.size > 0 || actor.isAdmin;
  return (who.admin && actor.isAdmin) || who.roles.some((role) => actor.roles.has(role));
}
