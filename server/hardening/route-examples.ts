/**
 * One valid request per API route (or a few, where a route serves more than one row of the
 * permission table), and the row of the table that decides who may make it. The permission walk
 * sends each as every walker in every space of the walk and compares the answer with `can()`.
 *
 * A route missing here fails the walk: add its example, naming the action the route checks.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { DEMO_PASSWORD, demoAccounts } from '../../db/demo-town.ts';
import { newLinkToken, storePasswordReset, storeSignup } from '../auth/account-tokens.ts';
import { unsubscribeKey, unsubscribeToken } from '../mail/unsubscribe.ts';
import { can, canAppoint, type Action, type Actor, type SpaceKind, type SpaceRole } from '../permissions/permissions.ts';
import { extraSession, type SpaceInfo, type Town, type Walker } from './town.ts';
import type { WalkFixtures } from './walk-fixtures.ts';

/** A space of the walk with the things in it every example may use (made once, never changed by the walk). */
export interface Place {
  space: SpaceInfo;
  threadId: string;
  postId: string;
  /** A recommendation in a jury's document; null elsewhere. */
  recommendationId: string | null;
  /** A frozen statement of a jury; null elsewhere. */
  statementId: string | null;
  /** A meeting whose minutes are published as version 1. */
  publishedMeetingId: string;
  /** A recording of the space's meeting, with its file. */
  recordingId: string;
}

export interface WalkCall {
  town: Town;
  fx: WalkFixtures;
  who: Walker;
  userId: string | null;
  cookie: string | undefined;
  /** As `can()` sees the walker: in the place's space, or outside any space for site-wide routes. */
  actor: Actor;
  place: Place | null;
  /** An account with no roles anywhere, for role, mute and membership routes to act on. */
  target: { id: string; email: string };
}

export interface ExampleRequest {
  params?: Record<string, string>;
  query?: [string, string][];
  payload?: unknown;
  /** Sent instead of the walker's own session (for routes that end a session). */
  cookie?: string | undefined;
}

/** Who may make the call: a row of the permission table, or, for site-wide routes outside it, a standing. */
export type Allowed = Action | 'anyone' | 'signedIn' | 'siteAdmin' | { rule: string; decide: (call: WalkCall) => boolean };

export interface Example {
  /** Tells variants of one route apart in failure reports. */
  label?: string;
  scope: 'space' | 'site';
  allowed: Allowed;
  /** Kinds of space the route has something to act on (a jury's statements); other kinds are skipped. */
  kinds?: SpaceKind[];
  request(call: WalkCall): ExampleRequest | Promise<ExampleRequest>;
  /** More to check in an allowed answer (what a list shows, what the client is told it may do). */
  check?(response: LightMyRequestResponse, call: WalkCall): void | Promise<void>;
  /** Puts back what an allowed call changed that later calls rely on (roles, mutes). */
  after?(call: WalkCall): Promise<void>;
}

const space = (call: WalkCall) => call.place!.space;
const slug = (call: WalkCall) => ({ slug: space(call).slug });
const reason = { reason: 'Hardening walk' };
const meetingBody = (startsInDays = 30) => {
  const startsAt = new Date(Date.now() + startsInDays * 86_400_000);
  return { title: { fi: 'Lisäkokous' }, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), mode: 'meeting', place: 'online' };
};
const can_ = (call: WalkCall, action: Action) => can(call.actor, action, space(call));

/** The slugs a list may show the walker (where the table allows `action`), among the spaces of the walk, and those it must not. */
async function visibility(call: WalkCall, action: Action = 'space.view'): Promise<{ shown: Set<string>; hidden: Set<string> }> {
  const shown = new Set<string>();
  const hidden = new Set<string>();
  for (const s of call.town.spaces) (can(await call.town.actorIn(call.who, s.id), action, s) ? shown : hidden).add(s.slug);
  return { shown, hidden };
}

async function expectOnlyVisible(call: WalkCall, slugs: string[], action: Action = 'space.view'): Promise<void> {
  const { hidden } = await visibility(call, action);
  expect(slugs.filter((s) => hidden.has(s)), `spaces where the walker may not ${action}, listed anyway`).toEqual([]);
}

const restoreRoles = (userOf: (call: WalkCall) => string | null) => {
  const saved = new Map<string, SpaceRole[]>();
  return {
    async before(call: WalkCall) {
      const userId = userOf(call);
      if (userId) saved.set(`${space(call).id}/${userId}`, await call.fx.rolesOf(space(call).id, userId));
    },
    async after(call: WalkCall) {
      const userId = userOf(call);
      const roles = userId ? saved.get(`${space(call).id}/${userId}`) : undefined;
      if (userId && roles) await call.fx.setRoles(space(call).id, userId, roles);
    },
  };
};

const ownRoles = restoreRoles((call) => call.userId);
const targetRoles = restoreRoles((call) => call.target.id);
/** Joining and leaving change the caller's own roles, which the walk puts back. */
const joinOrLeave: Example = {
  scope: 'space',
  allowed: 'space.join',
  async request(call) {
    await ownRoles.before(call);
    return { params: slug(call) };
  },
  after: (call) => ownRoles.after(call),
};

const peopleVariants = (method: 'POST' | 'DELETE') =>
  (
    [
      ['member', 'space.manageMembers'],
      ['moderator', 'space.appointStaff'],
    ] as const
  ).map(
    ([role, action]): Example => ({
      label: role,
      scope: 'space',
      allowed: action,
      async request(call) {
        await targetRoles.before(call);
        if (method === 'POST') return { params: slug(call), payload: { email: call.target.email, role } };
        await call.fx.setRoles(space(call).id, call.target.id, [role]);
        return { params: { ...slug(call), userId: call.target.id, role } };
      },
      after: (call) => targetRoles.after(call),
    }),
  );

/** The walker appointing themself a juror: refused to whoever holds a role kept apart from it (the chair). */
const selfAppointment: Example = {
  label: 'juror, themself',
  scope: 'space',
  kinds: ['jury'],
  allowed: { rule: "canAppoint(juror, 'self')", decide: (call) => canAppoint(call.actor, 'juror', space(call), 'self') },
  async request(call) {
    await ownRoles.before(call);
    const email = demoAccounts.find((a) => a.key === call.who)?.email ?? call.target.email;
    return { params: slug(call), payload: { email, role: 'juror' } };
  },
  after: (call) => ownRoles.after(call),
};

/** The walker signing off while holding a juror's role besides their own: the chair is refused whatever they hold. */
const withJuror = (actor: Actor): Actor => ({ ...actor, roles: new Set([...actor.roles, 'juror']) });
const signOffAlsoJuror: Example = {
  label: 'also a juror',
  scope: 'space',
  kinds: ['jury'],
  allowed: { rule: 'recommendations.signOff, holding juror too', decide: (call) => call.userId !== null && can(withJuror(call.actor), 'recommendations.signOff', space(call)) },
  async request(call) {
    await ownRoles.before(call);
    if (call.userId) await call.fx.setRoles(space(call).id, call.userId, [...withJuror(call.actor).roles]);
    return { params: { ...slug(call), recommendationId: call.place!.recommendationId! }, payload: { stance: 'agree' } };
  },
  after: (call) => ownRoles.after(call),
};

const documentVariants: Example[] = (
  [
    ['notes', 'room.watch', 'notes.write', undefined],
    ['minutes', 'minutes.readDraft', 'minutes.write', undefined],
    ['recommendations', 'recommendations.read', 'recommendations.write', ['jury']],
  ] as const
).map(([kind, read, write, kinds]) => ({
  label: kind,
  scope: 'space',
  allowed: read,
  ...(kinds ? { kinds: [...kinds] } : {}),
  request: (call) => ({ params: { docName: kind === 'recommendations' ? `space:${space(call).id}:recommendations` : `meeting:${space(call).meetingId}:${kind}` } }),
  check(response, call) {
    expect((response.json() as { access: string }).access).toBe(can_(call, write) ? 'write' : 'read');
  },
}));

export const routeExamples: Record<string, Example[]> = {
  'GET /healthz': [{ scope: 'site', allowed: 'anyone', request: () => ({}) }],

  // ---- Accounts and sessions
  'POST /api/auth/signup': [
    { scope: 'site', allowed: 'anyone', request: () => ({ payload: { email: `walk-${randomUUID()}@example.org`, password: 'pitkä salasana 123', displayName: 'Kävijä' } }) },
  ],
  'POST /api/auth/verify': [
    {
      scope: 'site',
      // The mailed link makes the account of whoever holds it, signed in or not.
      allowed: 'anyone',
      async request(call) {
        const token = newLinkToken();
        const email = `walk-${randomUUID()}@example.org`;
        await storeSignup(call.town.sql, token, { email, emailKey: email, displayName: 'Kävijä', passwordHash: 'walk', language: 'fi' });
        return { payload: { token } };
      },
    },
  ],
  'POST /api/auth/password-reset': [{ scope: 'site', allowed: 'anyone', request: (call) => ({ payload: { email: call.target.email } }) }],
  'POST /api/auth/password-reset/confirm': [
    {
      scope: 'site',
      allowed: 'anyone',
      // The target account's link, setting the password it had: the walk's own sessions stay.
      async request(call) {
        const token = newLinkToken();
        await storePasswordReset(call.town.sql, token, call.target.id);
        return { payload: { token, password: 'kohteen salasana' } };
      },
    },
  ],
  'POST /api/auth/signin': [{ scope: 'site', allowed: 'anyone', request: () => ({ payload: { email: 'asukas@pihlajalahti.example', password: DEMO_PASSWORD } }) }],
  'POST /api/auth/signout': [
    {
      scope: 'site',
      allowed: 'anyone',
      // Signs out a session of its own, so the walker's stays valid.
      request: async (call) => ({ cookie: call.userId ? (await extraSession(call.town.sql, call.userId)).cookie : undefined }),
    },
  ],
  'GET /api/auth/me': [
    {
      scope: 'site',
      allowed: 'anyone',
      request: () => ({}),
      check: (response, call) => expect((response.json() as { user: { id: string } | null }).user?.id ?? null).toBe(call.userId),
    },
  ],
  'GET /api/auth/sessions': [{ scope: 'site', allowed: 'signedIn', request: () => ({}) }],
  'DELETE /api/auth/sessions/{id}': [
    {
      scope: 'site',
      allowed: 'signedIn',
      request: async (call) => ({ params: { id: call.userId ? (await extraSession(call.town.sql, call.userId)).sessionId : 'a'.repeat(64) } }),
    },
  ],

  // ---- Mail
  'POST /api/mail/unsubscribe/{token}': [
    {
      scope: 'site',
      // The link in a mail works for whoever holds it, signed in or not: it names the person itself.
      allowed: 'anyone',
      request: async (call) => ({ params: { token: unsubscribeToken(await unsubscribeKey(call.town.sql), call.target.id, 'walk-notices') }, payload: {} }),
    },
  ],

  // ---- Spaces and people
  'GET /api/spaces': [
    {
      scope: 'site',
      allowed: 'anyone',
      request: () => ({}),
      async check(response, call) {
        const listed = (response.json() as { spaces: { slug: string }[] }).spaces.map((s) => s.slug);
        await expectOnlyVisible(call, listed);
        const { shown } = await visibility(call);
        expect([...shown].filter((s) => !listed.includes(s)), 'visible spaces left out').toEqual([]);
      },
    },
  ],
  'POST /api/spaces': [
    {
      scope: 'site',
      allowed: { rule: 'space.create, outside any space', decide: (call) => can(call.actor, 'space.create', { kind: 'forum', visibility: 'public' }) },
      request: () => ({
        payload: { slug: `walk-${randomUUID().slice(0, 8)}`, kind: 'forum', visibility: 'public', name: { fi: 'Kävelyfoorumi' }, description: { fi: 'Testi' } },
      }),
    },
  ],
  'GET /api/spaces/{slug}': [
    {
      scope: 'space',
      allowed: 'space.view',
      request: (call) => ({ params: slug(call) }),
      check(response, call) {
        const { permissions } = (response.json() as { space: { permissions: Record<string, boolean> } }).space;
        expect(permissions).toMatchObject({
          readThreads: can_(call, 'thread.read'),
          createThread: can_(call, 'thread.create'),
          moderate: can_(call, 'moderation.read'),
          manageMembers: can_(call, 'space.manageMembers'),
          appointStaff: can_(call, 'space.appointStaff'),
          update: can_(call, 'space.update'),
          manageMeetings: can_(call, 'meeting.manage'),
          signOff: can_(call, 'recommendations.signOff'),
          freezeStatement: can_(call, 'statement.freeze'),
        });
      },
    },
  ],
  'PATCH /api/spaces/{slug}': [
    { scope: 'space', allowed: 'space.update', request: async (call) => ({ params: slug(call), payload: { description: await call.fx.description(space(call).id) } }) },
  ],
  'POST /api/spaces/{slug}/join': [joinOrLeave],
  'POST /api/spaces/{slug}/leave': [joinOrLeave],
  'GET /api/spaces/{slug}/people': [
    {
      scope: 'space',
      allowed: 'space.listPeople',
      request: (call) => ({ params: slug(call) }),
      check(response, call) {
        const people = (response.json() as { people: { user: { email?: string } }[] }).people;
        expect(people.some((p) => p.user.email !== undefined)).toBe(can_(call, 'space.manageMembers'));
      },
    },
  ],
  'POST /api/spaces/{slug}/people': [...peopleVariants('POST'), selfAppointment],
  'DELETE /api/spaces/{slug}/people/{userId}/roles/{role}': peopleVariants('DELETE'),

  // ---- Threads and posts
  'GET /api/threads/active': [
    {
      scope: 'site',
      allowed: 'anyone',
      request: () => ({ query: [['limit', '50']] }),
      check: (response, call) => expectOnlyVisible(call, (response.json() as { threads: { spaceSlug: string }[] }).threads.map((t) => t.spaceSlug), 'thread.read'),
    },
  ],
  'GET /api/spaces/{slug}/threads': [{ scope: 'space', allowed: 'thread.read', request: (call) => ({ params: slug(call) }) }],
  'POST /api/spaces/{slug}/threads': [{ scope: 'space', allowed: 'thread.create', request: (call) => ({ params: slug(call), payload: { title: 'Uusi ketju', body: 'Aloitus' } }) }],
  'GET /api/threads/{id}': [
    {
      scope: 'space',
      allowed: 'thread.read',
      request: (call) => ({ params: { id: call.place!.threadId } }),
      check(response, call) {
        const body = response.json() as { canPost: boolean; canModerate: boolean };
        expect({ canPost: body.canPost, canModerate: body.canModerate }).toEqual({ canPost: can_(call, 'post.create'), canModerate: can_(call, 'thread.lock') });
      },
    },
  ],
  'GET /api/threads/{id}/posts': [{ scope: 'space', allowed: 'thread.read', request: (call) => ({ params: { id: call.place!.threadId } }) }],
  'POST /api/threads/{id}/posts': [{ scope: 'space', allowed: 'post.create', request: (call) => ({ params: { id: call.place!.threadId }, payload: { body: 'Vastaus' } }) }],
  'PATCH /api/posts/{id}': [
    {
      scope: 'space',
      allowed: 'post.create',
      // The walker's own post (written as if from before they lost any right to post): editing needs the right still.
      request: async (call) => ({ params: { id: await call.fx.post(call.place!.threadId, call.userId ?? call.town.userIds.admin) }, payload: { body: 'Korjattu' } }),
    },
  ],
  'GET /api/posts/{id}/revisions': [
    // Someone else's post (the admin's): its earlier versions are for moderators.
    { scope: 'space', allowed: 'post.hide', request: (call) => ({ params: { id: call.place!.postId } }) },
  ],
  'PUT /api/posts/{id}/reactions/{kind}': [{ scope: 'space', allowed: 'post.react', request: (call) => ({ params: { id: call.place!.postId, kind: 'like' } }) }],
  'DELETE /api/posts/{id}/reactions/{kind}': [{ scope: 'space', allowed: 'post.react', request: (call) => ({ params: { id: call.place!.postId, kind: 'like' } }) }],

  // ---- Moderation
  'POST /api/posts/{id}/reports': [
    { scope: 'space', allowed: 'post.report', request: async (call) => ({ params: { id: await call.fx.post(call.place!.threadId, call.town.userIds.admin) }, payload: reason }) },
  ],
  'GET /api/spaces/{slug}/moderation/reports': [{ scope: 'space', allowed: 'moderation.read', request: (call) => ({ params: slug(call) }) }],
  'POST /api/posts/{id}/hide': [
    { scope: 'space', allowed: 'post.hide', request: async (call) => ({ params: { id: await call.fx.post(call.place!.threadId, call.town.userIds.admin) }, payload: reason }) },
  ],
  'POST /api/posts/{id}/restore': [
    { scope: 'space', allowed: 'post.hide', request: async (call) => ({ params: { id: await call.fx.post(call.place!.threadId, call.town.userIds.admin) }, payload: reason }) },
  ],
  'POST /api/posts/{id}/reports/dismiss': [
    {
      scope: 'space',
      allowed: 'post.hide',
      async request(call) {
        const postId = await call.fx.post(call.place!.threadId, call.town.userIds.admin);
        await call.fx.report(postId, call.target.id);
        return { params: { id: postId }, payload: reason };
      },
    },
  ],
  'POST /api/threads/{id}/lock': [
    { scope: 'space', allowed: 'thread.lock', request: async (call) => ({ params: { id: (await call.fx.thread(space(call).id, call.town.userIds.admin)).threadId }, payload: reason }) },
  ],
  'POST /api/threads/{id}/unlock': [
    { scope: 'space', allowed: 'thread.lock', request: async (call) => ({ params: { id: (await call.fx.thread(space(call).id, call.town.userIds.admin)).threadId }, payload: reason }) },
  ],
  'GET /api/spaces/{slug}/mutes': [{ scope: 'space', allowed: 'moderation.read', request: (call) => ({ params: slug(call) }) }],
  'PUT /api/spaces/{slug}/mutes/{userId}': [
    {
      scope: 'space',
      allowed: 'user.mute',
      request: (call) => ({ params: { ...slug(call), userId: call.target.id }, payload: { minutes: 5, ...reason } }),
      after: (call) => call.fx.unmute(space(call).id, call.target.id),
    },
  ],
  'POST /api/spaces/{slug}/mutes/{userId}/lift': [
    {
      scope: 'space',
      allowed: 'user.mute',
      async request(call) {
        await call.fx.mute(space(call).id, call.target.id);
        return { params: { ...slug(call), userId: call.target.id }, payload: reason };
      },
      after: (call) => call.fx.unmute(space(call).id, call.target.id),
    },
  ],
  'GET /api/spaces/{slug}/audit': [{ scope: 'space', allowed: 'moderation.read', request: (call) => ({ params: slug(call) }) }],
  'GET /api/audit': [{ scope: 'site', allowed: 'siteAdmin', request: () => ({}) }],
  'GET /api/search': [
    {
      scope: 'site',
      allowed: 'anyone',
      request: () => ({ query: [['q', 'penkit']] }),
      async check(response, call) {
        const results = (response.json() as { results: { type: string; spaceSlug: string }[] }).results;
        await expectOnlyVisible(call, results.map((r) => r.spaceSlug));
        const inThreads = results.filter((r) => r.type === 'thread' || r.type === 'post');
        expect(inThreads.length, 'the search finds the walk’s threads at all').toBeGreaterThan(0);
        await expectOnlyVisible(call, inThreads.map((r) => r.spaceSlug), 'thread.read');
      },
    },
  ],

  // ---- Meetings
  'GET /api/meetings/upcoming': [
    {
      scope: 'site',
      allowed: 'anyone',
      request: () => ({ query: [['limit', '100']] }),
      check: (response, call) => expectOnlyVisible(call, (response.json() as { meetings: { spaceSlug: string }[] }).meetings.map((m) => m.spaceSlug)),
    },
  ],
  'GET /api/meetings/open-data': [
    {
      scope: 'site',
      allowed: 'anyone',
      request: () => ({ query: [['limit', '500']] }),
      check(response, call) {
        const members = new Set(call.town.spaces.filter((s) => s.visibility !== 'public').map((s) => s.slug));
        expect((response.json() as { meetings: { spaceSlug: string }[] }).meetings.filter((m) => members.has(m.spaceSlug))).toEqual([]);
      },
    },
  ],
  'GET /api/meetings/calendar.ics': [
    {
      scope: 'site',
      allowed: 'anyone',
      request: () => ({}),
      async check(response, call) {
        const { hidden } = await visibility(call);
        const hiddenMeetings = call.town.spaces.filter((s) => hidden.has(s.slug)).map((s) => s.meetingId);
        expect(hiddenMeetings.filter((id) => response.body.includes(id)), 'meetings of spaces the walker may not see').toEqual([]);
      },
    },
  ],
  'GET /api/spaces/{slug}/calendar.ics': [{ scope: 'space', allowed: 'meeting.view', request: (call) => ({ params: slug(call) }) }],
  'GET /api/spaces/{slug}/meetings': [{ scope: 'space', allowed: 'meeting.view', request: (call) => ({ params: slug(call) }) }],
  'POST /api/spaces/{slug}/meetings': [{ scope: 'space', allowed: 'meeting.manage', request: (call) => ({ params: slug(call), payload: meetingBody() }) }],
  'GET /api/meetings/{id}': [
    {
      scope: 'space',
      allowed: 'meeting.view',
      request: (call) => ({ params: { id: space(call).meetingId } }),
      check(response, call) {
        const { viewer } = (response.json() as { meeting: { viewer: Record<string, boolean> } }).meeting;
        expect(viewer).toEqual({ canManage: can_(call, 'meeting.manage'), canRegister: can_(call, 'meeting.register'), canReadRegistrations: can_(call, 'meeting.readRegistrations') });
      },
    },
  ],
  'PATCH /api/meetings/{id}': [
    { scope: 'space', allowed: 'meeting.manage', request: async (call) => ({ params: { id: await call.fx.meeting(space(call).id, 'scheduled') }, payload: { mode: 'broadcast' } }) },
  ],
  'POST /api/meetings/{id}/start': [{ scope: 'space', allowed: 'meeting.manage', request: async (call) => ({ params: { id: await call.fx.meeting(space(call).id, 'scheduled') } }) }],
  'POST /api/meetings/{id}/end': [{ scope: 'space', allowed: 'meeting.manage', request: async (call) => ({ params: { id: await call.fx.meeting(space(call).id, 'live') } }) }],
  'POST /api/meetings/{id}/cancel': [
    { scope: 'space', allowed: 'meeting.manage', request: async (call) => ({ params: { id: await call.fx.meeting(space(call).id, 'scheduled') }, payload: { reason: 'Sairastapaus' } }) },
  ],
  'PUT /api/meetings/{id}/agenda': [
    {
      scope: 'space',
      allowed: 'meeting.manage',
      request: async (call) => ({ params: { id: await call.fx.meeting(space(call).id, 'scheduled') }, payload: { items: [{ title: { fi: 'Avaus' } }] } }),
    },
  ],
  'PUT /api/meetings/{id}/registration': [{ scope: 'space', allowed: 'meeting.register', request: (call) => ({ params: { id: space(call).meetingId }, payload: { attendance: 'remote' } }) }],
  'DELETE /api/meetings/{id}/registration': [
    {
      scope: 'space',
      allowed: 'meeting.register',
      async request(call) {
        if (call.userId) await call.fx.registration(space(call).meetingId, call.userId);
        return { params: { id: space(call).meetingId } };
      },
    },
  ],
  'GET /api/meetings/{id}/registrations': [{ scope: 'space', allowed: 'meeting.readRegistrations', request: (call) => ({ params: { id: space(call).meetingId } }) }],
  'GET /api/meetings/{id}/check-in.svg': [{ scope: 'space', allowed: 'room.chair', request: (call) => ({ params: { id: space(call).meetingId } }) }],
  'GET /api/meetings/{id}/notes': [{ scope: 'space', allowed: 'room.watch', request: (call) => ({ params: { id: space(call).meetingId } }) }],
  'PUT /api/meetings/{id}/notes/read-only': [{ scope: 'space', allowed: 'room.chair', request: (call) => ({ params: { id: space(call).meetingId }, payload: { readOnly: false } }) }],
  'GET /api/documents/{docName}/access': documentVariants,
  'GET /api/meetings/{id}/recordings': [{ scope: 'space', allowed: 'room.watch', request: (call) => ({ params: { id: space(call).meetingId } }) }],
  'GET /api/recordings/{id}': [{ scope: 'space', allowed: 'room.watch', request: (call) => ({ params: { id: call.place!.recordingId } }) }],
  'GET /api/recordings/{id}/captions.vtt': [{ scope: 'space', allowed: 'room.watch', request: (call) => ({ params: { id: call.place!.recordingId } }) }],

  // ---- Minutes
  'GET /api/meetings/{id}/record': [{ scope: 'space', allowed: 'minutes.readDraft', request: (call) => ({ params: { id: space(call).meetingId } }) }],
  'GET /api/meetings/{id}/minutes': [
    {
      scope: 'space',
      allowed: 'meeting.view',
      request: (call) => ({ params: { id: call.place!.publishedMeetingId } }),
      check(response, call) {
        const { draft } = response.json() as { draft: { writable: boolean } | null };
        expect(draft && { writable: draft.writable }).toEqual(can_(call, 'minutes.readDraft') ? { writable: can_(call, 'minutes.write') } : null);
      },
    },
  ],
  'POST /api/meetings/{id}/minutes/submit': [{ scope: 'space', allowed: 'minutes.submit', request: async (call) => ({ params: { id: await call.fx.meeting(space(call).id, 'ended') } }) }],
  'POST /api/meetings/{id}/minutes/return': [
    { scope: 'space', allowed: 'minutes.approve', request: async (call) => ({ params: { id: await call.fx.minutes(space(call).id, 'in_review') }, payload: { comment: 'Korjaa kohta 2' } }) },
  ],
  'POST /api/meetings/{id}/minutes/approve': [{ scope: 'space', allowed: 'minutes.approve', request: async (call) => ({ params: { id: await call.fx.minutes(space(call).id, 'in_review') } }) }],
  'POST /api/meetings/{id}/minutes/publish': [{ scope: 'space', allowed: 'minutes.publish', request: async (call) => ({ params: { id: await call.fx.minutes(space(call).id, 'approved') } }) }],
  'GET /api/minutes/{meetingId}/versions': [{ scope: 'space', allowed: 'meeting.view', request: (call) => ({ params: { meetingId: call.place!.publishedMeetingId } }) }],
  'GET /api/minutes/{meetingId}/versions/{ref}': [{ scope: 'space', allowed: 'meeting.view', request: (call) => ({ params: { meetingId: call.place!.publishedMeetingId, ref: '1' } }) }],
  'GET /api/minutes/{meetingId}/diff': [
    { scope: 'space', allowed: 'meeting.view', request: (call) => ({ params: { meetingId: call.place!.publishedMeetingId }, query: [['from', '1'], ['to', '1']] }) },
  ],

  // ---- Juries
  'GET /api/spaces/{slug}/recommendations/sign-offs': [{ scope: 'space', allowed: 'recommendations.read', request: (call) => ({ params: slug(call) }) }],
  'PUT /api/spaces/{slug}/recommendations/{recommendationId}/sign-off': [
    {
      scope: 'space',
      allowed: 'recommendations.signOff',
      request: (call) => ({ params: { ...slug(call), recommendationId: call.place!.recommendationId ?? 'r-none' }, payload: { stance: 'agree' } }),
    },
    signOffAlsoJuror,
  ],
  'DELETE /api/spaces/{slug}/recommendations/{recommendationId}/sign-off': [
    {
      scope: 'space',
      allowed: 'recommendations.signOff',
      async request(call) {
        const recommendationId = call.place!.recommendationId ?? 'r-none';
        if (call.userId) await call.fx.signOff(space(call).id, recommendationId, call.userId);
        return { params: { ...slug(call), recommendationId } };
      },
    },
  ],
  'POST /api/spaces/{slug}/statements': [{ scope: 'space', allowed: 'statement.freeze', request: (call) => ({ params: slug(call), payload: { title: 'Kannanotto' } }) }],
  'GET /api/spaces/{slug}/statements': [{ scope: 'space', allowed: 'space.view', request: (call) => ({ params: slug(call) }) }],
  'GET /api/spaces/{slug}/statements/{version}': [{ scope: 'space', allowed: 'space.view', kinds: ['jury'], request: (call) => ({ params: { ...slug(call), version: '1' } }) }],
  'GET /api/statements/': [
    {
      scope: 'space',
      // A frozen statement is public whatever the space's visibility (see server/jury/routes.ts).
      allowed: { rule: 'anyone once the space has a statement, else space.view', decide: (call) => call.place!.statementId !== null || can_(call, 'space.view') },
      request: (call) => ({ query: [['space', space(call).slug]] }),
    },
  ],
  'GET /api/statements/{ref}': [{ scope: 'space', allowed: 'anyone', kinds: ['jury'], request: (call) => ({ params: { ref: call.place!.statementId! } }) }],
};
