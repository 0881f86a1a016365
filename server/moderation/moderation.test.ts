import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestApp({ demo: true });
  for (const who of ['asukas', 'raati', 'moderaattori', 'puheenjohtaja', 'yllapito', 'sihteeri']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookies[who]! } });
    ids[who] = me.json().user.id;
  }
});
afterAll(() => t.close());

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, who?: string, payload?: object) =>
  t.app.inject({ method, url, headers: who ? { cookie: cookies[who]! } : {}, ...(payload ? { payload } : {}) });

async function postInForum(body = 'Penkit ovat rikki') {
  const response = await call('POST', '/api/spaces/ymparistofoorumi/threads', 'asukas', { title: 'Penkit', body });
  return response.json() as { thread: { id: string }; post: { id: string } };
}

async function auditActions() {
  const entries = (await call('GET', '/api/spaces/ymparistofoorumi/audit?limit=200', 'moderaattori')).json().entries;
  return entries as { action: string; reason: string; targetId: string; actor: { displayName: string } }[];
}

describe('reports and hiding', () => {
  it('queues a report for moderators, hides the post with a public reason, and logs it', async () => {
    const { thread, post } = await postInForum();
    expect((await call('POST', `/api/posts/${post.id}/reports`, 'puheenjohtaja', { reason: 'Loukkaava' })).statusCode).toBe(201);
    const again = await call('POST', `/api/posts/${post.id}/reports`, 'puheenjohtaja', { reason: 'Loukkaava' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('already_reported');

    expect((await call('GET', '/api/spaces/ymparistofoorumi/moderation/reports', 'asukas')).statusCode).toBe(403);
    const queue = (await call('GET', '/api/spaces/ymparistofoorumi/moderation/reports', 'moderaattori')).json().items;
    const item = queue.find((i: { post: { id: string } }) => i.post.id === post.id);
    expect(item.reports[0]).toMatchObject({ reason: 'Loukkaava', reporter: { displayName: 'Paavo Puhemies' } });

    expect((await call('POST', `/api/posts/${post.id}/hide`, 'asukas', { reason: 'x' })).statusCode).toBe(403);
    const hidden = await call('POST', `/api/posts/${post.id}/hide`, 'moderaattori', { reason: 'Asiaton kielenkäyttö' });
    expect(hidden.statusCode).toBe(200);

    const asReader = (await call('GET', `/api/threads/${thread.id}/posts`)).json().posts[0];
    expect(asReader.bodyHtml).toBeNull();
    expect(asReader.hidden.reason).toBe('Asiaton kielenkäyttö');
    const asAuthor = (await call('GET', `/api/threads/${thread.id}/posts`, 'asukas')).json().posts[0];
    expect(asAuthor.bodyHtml).toContain('Penkit ovat rikki');
    expect(asAuthor.hidden.reason).toBe('Asiaton kielenkäyttö');

    const stillQueued = (await call('GET', '/api/spaces/ymparistofoorumi/moderation/reports', 'moderaattori')).json().items;
    expect(stillQueued.map((i: { post: { id: string } }) => i.post.id)).not.toContain(post.id);

    const restored = await call('POST', `/api/posts/${post.id}/restore`, 'moderaattori', { reason: 'Tarkistettu uudelleen' });
    expect(restored.json().post.hidden).toBeNull();
    const log = await auditActions();
    expect(log.filter((e) => e.targetId === post.id).map((e) => [e.action, e.reason])).toEqual([
      ['post.restore', 'Tarkistettu uudelleen'],
      ['post.hide', 'Asiaton kielenkäyttö'],
    ]);
  });

  it('dismisses reports with a reason, logged', async () => {
    const { post } = await postInForum();
    await call('POST', `/api/posts/${post.id}/reports`, 'puheenjohtaja', { reason: 'Ehkä' });
    expect((await call('POST', `/api/posts/${post.id}/reports/dismiss`, 'moderaattori', { reason: 'Asiallinen viesti' })).statusCode).toBe(204);
    expect((await call('POST', `/api/posts/${post.id}/reports/dismiss`, 'moderaattori', { reason: 'again' })).statusCode).toBe(404);
    expect((await auditActions()).find((e) => e.targetId === post.id)).toMatchObject({ action: 'reports.dismiss', reason: 'Asiallinen viesti' });
  });

  it('requires a reason for every moderator action', async () => {
    const { post } = await postInForum();
    const response = await call('POST', `/api/posts/${post.id}/hide`, 'moderaattori', { reason: '   ' });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/body\/reason/);
  });
});

describe('locking and muting', () => {
  it('locks a thread against new posts and says why', async () => {
    const { thread } = await postInForum();
    const locked = await call('POST', `/api/threads/${thread.id}/lock`, 'moderaattori', { reason: 'Keskustelu siirtyi kokoukseen' });
    expect(locked.json().thread.locked.reason).toBe('Keskustelu siirtyi kokoukseen');
    const refused = await call('POST', `/api/threads/${thread.id}/posts`, 'asukas', { body: 'Vielä yksi' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'thread_locked', message: 'This thread is locked: Keskustelu siirtyi kokoukseen' });
    await call('POST', `/api/threads/${thread.id}/unlock`, 'moderaattori', { reason: 'Avattu' });
    expect((await call('POST', `/api/threads/${thread.id}/posts`, 'asukas', { body: 'Vielä yksi' })).statusCode).toBe(201);
    const actions = (await auditActions()).filter((e) => e.targetId === thread.id).map((e) => e.action);
    expect(actions).toEqual(['thread.unlock', 'thread.lock']);
  });

  it('mutes a user in a space for a time, refuses their posts, and lifts the mute', async () => {
    const { thread } = await postInForum();
    const muted = await call('PUT', `/api/spaces/ymparistofoorumi/mutes/${ids.asukas}`, 'moderaattori', { minutes: 60, reason: 'Toistuva häiriköinti' });
    expect(muted.statusCode).toBe(200);
    const refused = await call('POST', `/api/threads/${thread.id}/posts`, 'asukas', { body: 'Hei' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'muted' });
    expect(refused.json().message).toMatch(/Toistuva häiriköinti/);
    const mutes = (await call('GET', '/api/spaces/ymparistofoorumi/mutes', 'moderaattori')).json().mutes;
    expect(mutes.map((m: { user: { id: string } }) => m.user.id)).toEqual([ids.asukas]);
    expect((await call('POST', `/api/spaces/ymparistofoorumi/mutes/${ids.asukas}/lift`, 'moderaattori', { reason: 'Sovittu' })).statusCode).toBe(204);
    expect((await call('POST', `/api/threads/${thread.id}/posts`, 'asukas', { body: 'Hei' })).statusCode).toBe(201);
    const actions = (await auditActions()).filter((e) => e.targetId === ids.asukas).map((e) => e.action);
    expect(actions).toEqual(['user.unmute', 'user.mute']);
  });

  it('lets only moderators and admins read the audit log, filtered', async () => {
    expect((await call('GET', '/api/spaces/ymparistofoorumi/audit', 'asukas')).statusCode).toBe(403);
    expect((await call('GET', '/api/audit', 'moderaattori')).statusCode).toBe(403);
    const all = (await call('GET', '/api/audit?action=post.hide', 'yllapito')).json().entries;
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((e: { action: string; spaceSlug: string }) => e.action === 'post.hide' && e.spaceSlug === 'ymparistofoorumi')).toBe(true);
    const byActor = (await call('GET', `/api/spaces/ymparistofoorumi/audit?actorId=${ids.moderaattori}&limit=1`, 'moderaattori')).json();
    expect(byActor.entries).toHaveLength(1);
    const next = (await call('GET', `/api/spaces/ymparistofoorumi/audit?actorId=${ids.moderaattori}&limit=1&before=${byActor.nextCursor}`, 'moderaattori')).json();
    expect(Number(next.entries[0].id)).toBeLessThan(Number(byActor.entries[0].id));
  });
});

describe('spaces and their people', () => {
  it('lets an admin create a space and appoint a chair, and the chair add members', async () => {
    const created = await call('POST', '/api/spaces', 'yllapito', {
      slug: 'nuorisovaltuusto',
      kind: 'forum',
      visibility: 'members',
      name: { fi: 'Nuorisovaltuusto', sv: 'Ungdomsfullmäktige' },
      description: { fi: 'Nuorten vaikuttajaryhmä' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().space.name).toEqual({ fi: 'Nuorisovaltuusto', sv: 'Ungdomsfullmäktige', en: 'Nuorisovaltuusto' });
    expect((await call('POST', '/api/spaces', 'puheenjohtaja', { slug: 'x', kind: 'forum', visibility: 'public', name: { fi: 'x' }, description: { fi: 'x' } })).statusCode).toBe(403);
    const taken = await call('POST', '/api/spaces', 'yllapito', { slug: 'nuorisovaltuusto', kind: 'forum', visibility: 'public', name: { fi: 'x' }, description: { fi: 'x' } });
    expect(taken.statusCode).toBe(409);

    expect((await call('GET', '/api/spaces/nuorisovaltuusto', 'puheenjohtaja')).statusCode).toBe(404);
    const appoint = await call('POST', '/api/spaces/nuorisovaltuusto/people', 'yllapito', { email: 'puheenjohtaja@pihlajalahti.example', role: 'chair' });
    expect(appoint.statusCode).toBe(204);
    const asChair = (await call('GET', '/api/spaces/nuorisovaltuusto', 'puheenjohtaja')).json().space;
    expect(asChair.myRoles).toEqual(['chair']);
    expect(asChair.permissions).toMatchObject({ manageMembers: true, appointStaff: false });

    expect((await call('POST', '/api/spaces/nuorisovaltuusto/people', 'puheenjohtaja', { email: 'sihteeri@pihlajalahti.example', role: 'secretary' })).statusCode).toBe(403);
    expect((await call('POST', '/api/spaces/nuorisovaltuusto/people', 'puheenjohtaja', { email: 'asukas@pihlajalahti.example', role: 'member' })).statusCode).toBe(204);
    expect((await call('POST', '/api/spaces/nuorisovaltuusto/people', 'puheenjohtaja', { email: 'asukas@pihlajalahti.example', role: 'juror' })).statusCode).toBe(400);
    expect((await call('POST', '/api/spaces/nuorisovaltuusto/people', 'puheenjohtaja', { email: 'nobody@example.fi', role: 'member' })).statusCode).toBe(404);
    const people = (await call('GET', '/api/spaces/nuorisovaltuusto/people', 'asukas')).json().people;
    expect(people.map((p: { user: { displayName: string }; roles: string[] }) => [p.user.displayName, p.roles])).toEqual([
      ['Aino Asukas', ['member']],
      ['Paavo Puhemies', ['chair']],
    ]);
    expect(people[0].user.email).toBeUndefined();

    const remove = await call('DELETE', `/api/spaces/nuorisovaltuusto/people/${ids.asukas}/roles/member`, 'puheenjohtaja');
    expect(remove.statusCode).toBe(204);
    expect((await call('GET', '/api/spaces/nuorisovaltuusto', 'asukas')).statusCode).toBe(404);
  });

  it('lets a resident join and leave an open forum, but not a jury', async () => {
    expect((await call('POST', '/api/spaces/kulttuurifoorumi/join', 'asukas')).statusCode).toBe(204);
    expect((await call('GET', '/api/spaces/kulttuurifoorumi', 'asukas')).json().space.permissions).toMatchObject({ leave: true, createThread: true });
    expect((await call('POST', '/api/spaces/kulttuurifoorumi/leave', 'asukas')).statusCode).toBe(204);
    expect((await call('GET', '/api/spaces/kulttuurifoorumi', 'asukas')).json().space.permissions).toMatchObject({ join: true, createThread: false });
    expect((await call('POST', '/api/spaces/asukasraati/join', 'asukas')).statusCode).toBe(404);
    expect((await call('POST', '/api/spaces/kulttuurifoorumi/join')).statusCode).toBe(401);
  });
});
