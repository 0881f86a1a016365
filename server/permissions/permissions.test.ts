import { describe, expect, it } from 'vitest';
import { actions, can, canAppoint, spaceRoles, type Action, type Actor, type SpaceContext, type SpaceRole } from './permissions.ts';

// One column per standing: anonymous, signed-in user, member, juror, moderator, secretary, chair, site admin.
const standings = ['anonymous', 'user', 'member', 'juror', 'moderator', 'secretary', 'chair', 'admin'] as const;

function actorOf(standing: (typeof standings)[number]): Actor {
  if (standing === 'anonymous') return { userId: null, isAdmin: false, roles: new Set() };
  if (standing === 'user') return { userId: 'u', isAdmin: false, roles: new Set() };
  if (standing === 'admin') return { userId: 'u', isAdmin: true, roles: new Set() };
  return { userId: 'u', isAdmin: false, roles: new Set<SpaceRole>([standing]) };
}

const contexts = {
  publicForum: { kind: 'forum', visibility: 'public' },
  membersForum: { kind: 'forum', visibility: 'members' },
  jury: { kind: 'jury', visibility: 'members' },
  publicJury: { kind: 'jury', visibility: 'public' },
} satisfies Record<string, SpaceContext>;

const all = 'xxxxxxxx';
const signedIn = '.xxxxxxx';
const inSpace = '..xxxxxx';
const same = (row: string) => ({ publicForum: row, membersForum: row, jury: row, publicJury: row });
const visibleTo = (publicRow: string, privateRow: string) => ({ publicForum: publicRow, membersForum: privateRow, jury: privateRow, publicJury: publicRow });
const juryOnly = (row: string) => ({ publicForum: '........', membersForum: '........', jury: row, publicJury: row });
// A jury listed publicly shows its page and schedule to all, but its sessions only to its people.
const outsideJuries = (publicRow: string, privateRow: string) => ({ publicForum: publicRow, membersForum: privateRow, jury: privateRow, publicJury: privateRow });

// x = allowed, . = refused; columns as in `standings`.
const expected: Record<Action, Record<keyof typeof contexts, string>> = {
  'space.view': visibleTo(all, inSpace),
  'space.create': same('.......x'),
  'space.update': same('......xx'),
  'space.appointStaff': same('.......x'),
  'space.manageMembers': same('......xx'),
  'space.join': { publicForum: signedIn, membersForum: '........', jury: '........', publicJury: '........' },
  'space.listPeople': same(inSpace),
  'thread.read': outsideJuries(all, inSpace),
  'thread.create': same(inSpace),
  'post.create': same(inSpace),
  'post.react': outsideJuries(signedIn, inSpace),
  'post.report': outsideJuries(signedIn, inSpace),
  'post.hide': same('....x.xx'),
  'thread.lock': same('....x.xx'),
  'user.mute': same('....x.xx'),
  'moderation.read': same('....x.xx'),
  'meeting.view': visibleTo(all, inSpace),
  'meeting.manage': same('.....xxx'),
  'meeting.register': outsideJuries(signedIn, inSpace),
  'meeting.readRegistrations': same('....xxxx'),
  'room.watch': outsideJuries(all, inSpace),
  'room.participate': outsideJuries(signedIn, inSpace),
  'room.moderate': same('....x.xx'),
  'room.chair': same('......xx'),
  'poll.addHallVotes': same('.....xxx'),
  'room.caption': same('....xxxx'),
  'notes.write': same(inSpace),
  'recommendations.read': juryOnly('...x..x.'),
  'recommendations.write': juryOnly('...x..x.'),
  'recommendations.signOff': juryOnly('...x....'),
  'statement.freeze': juryOnly('......x.'),
  'minutes.readDraft': same(inSpace),
  'minutes.write': same('.....xxx'),
  'minutes.submit': same('.....xxx'),
  'minutes.approve': same('......xx'),
  'minutes.publish': same('.....xxx'),
};

describe('the permission table', () => {
  it('lists every action the permission module knows, and no other', () => {
    expect(Object.keys(expected).sort()).toEqual([...actions].sort());
  });

  for (const action of actions) {
    for (const [contextName, context] of Object.entries(contexts) as [keyof typeof contexts, SpaceContext][]) {
      it(`${action} in a ${contextName}`, () => {
        const row = standings.map((standing) => (can(actorOf(standing), action, context) ? 'x' : '.')).join('');
        expect(row).toBe(expected[action][contextName]);
      });
    }
  }
});

describe('roles kept apart', () => {
  const holding = (...roles: SpaceRole[]): Actor => ({ userId: 'u', isAdmin: false, roles: new Set(roles) });
  const admin = (...roles: SpaceRole[]): Actor => ({ userId: 'u', isAdmin: true, roles: new Set(roles) });

  it('refuses a chair the sign-off whatever else they hold, in every jury', () => {
    for (const jury of [contexts.jury, contexts.publicJury]) {
      expect(can(holding('juror'), 'recommendations.signOff', jury)).toBe(true);
      expect(can(holding('chair', 'juror'), 'recommendations.signOff', jury)).toBe(false);
      expect(can(admin('chair', 'juror', 'member'), 'recommendations.signOff', jury)).toBe(false);
      // The chair still freezes the statement.
      expect(can(holding('chair', 'juror'), 'statement.freeze', jury)).toBe(true);
    }
  });

  it('refuses appointing yourself to a role kept apart from one you hold, and lets others be appointed', () => {
    const jury = contexts.jury;
    expect(canAppoint(holding('chair'), 'juror', jury, 'self')).toBe(false);
    expect(canAppoint(holding('chair'), 'juror', jury, 'other')).toBe(true);
    expect(canAppoint(holding('chair'), 'member', jury, 'self')).toBe(true);
    // A site admin who is a juror there may not make themself chair; one who holds nothing may.
    expect(canAppoint(admin('juror'), 'chair', jury, 'self')).toBe(false);
    expect(canAppoint(admin(), 'juror', jury, 'self')).toBe(true);
    // Appointing needs the right to appoint in the first place.
    for (const role of spaceRoles) expect(canAppoint(holding('juror'), role, jury, 'other')).toBe(false);
  });
});
