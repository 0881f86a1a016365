import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/demo-town.ts';
import { signIn, startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestApp({ demo: true });
  for (const who of ['asukas', 'raati', 'raati2', 'moderaattori', 'puheenjohtaja']) {
    cookies[who] = await signIn(t.app, `${who}@pihlajalahti.example`, DEMO_PASSWORD);
  }
});
afterAll(() => t.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, who?: string, payload?: object) =>
  t.app.inject({ method, url, headers: who ? { cookie: cookies[who]! } : {}, ...(payload ? { payload } : {}) });

async function newThread(who = 'asukas', slug = 'ymparistofoorumi', body = 'Ensimmäinen viesti') {
  const response = await call('POST', `/api/spaces/${slug}/threads`, who, { title: 'Rantapuiston penkit', body });
  expect(response.statusCode).toBe(201);
  return response.json() as { thread: { id: string }; post: { id: string; bodyHtml: string } };
}

describe('threads and posts', () => {
  it('lets a member start a thread and reply, and anyone read it', async () => {
    const { thread } = await newThread();
    const reply = await call('POST', `/api/threads/${thread.id}/posts`, 'moderaattori', { body: 'Hyvä *ajatus*' });
    expect(reply.statusCode).toBe(201);
    expect(reply.json().post.bodyHtml).toBe('<p>Hyvä <em>ajatus</em></p>\n');
    const read = await call('GET', `/api/threads/${thread.id}/posts`);
    expect(read.json().posts.map((p: { author: { displayName: string } }) => p.author.displayName)).toEqual(['Aino Asukas', 'Mira Valvoja']);
    // Staff are marked as such beside their name, so a look-alike name cannot pass for theirs.
    expect(read.json().posts.map((p: { author: { staffRoles: string[] } }) => p.author.staffRoles)).toEqual([[], ['moderator']]);
    const detail = (await call('GET', `/api/threads/${thread.id}`)).json();
    expect(detail.thread.postCount).toBe(2);
    expect(detail.canPost).toBe(false);
  });

  it('refuses a post from someone outside the space, and asks anonymous visitors to sign in', async () => {
    const { thread } = await newThread();
    const outsider = await call('POST', `/api/threads/${thread.id}/posts`, 'raati', { body: 'Hei' });
    expect(outsider.statusCode).toBe(403);
    const anonymous = await call('POST', `/api/threads/${thread.id}/posts`, undefined, { body: 'Hei' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('never lets a script or an event handler through to readers', async () => {
    const { thread } = await newThread('asukas', 'ymparistofoorumi', '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))');
    const [post] = (await call('GET', `/api/threads/${thread.id}/posts`)).json().posts;
    expect(post.bodyHtml).not.toMatch(/<script|<img|href="javascript/i);
    expect(post.bodyHtml).toContain('&lt;script&gt;');
  });

  it('keeps a jury’s threads invisible to outsiders: 404, not 403', async () => {
    const { thread } = await newThread('raati', 'asukasraati');
    expect((await call('GET', `/api/threads/${thread.id}`, 'asukas')).statusCode).toBe(404);
    expect((await call('GET', `/api/threads/${thread.id}/posts`)).statusCode).toBe(404);
    expect((await call('GET', '/api/spaces/asukasraati/threads', 'asukas')).statusCode).toBe(404);
    expect((await call('POST', `/api/threads/${thread.id}/posts`, 'asukas', { body: 'x' })).statusCode).toBe(404);
    const active = (await call('GET', '/api/threads/active?limit=50', 'asukas')).json().threads.map((x: { id: string }) => x.id);
    expect(active).not.toContain(thread.id);
    expect((await call('GET', `/api/threads/${thread.id}`, 'raati')).statusCode).toBe(200);
  });

  it('keeps the threads of a publicly listed jury for its people, as its sessions are', async () => {
    const { thread, post } = await newThread('raati2', 'kuntalaisraati', 'Harkintaa kirjastoautosta');
    // The jury's page is public...
    expect((await call('GET', '/api/spaces/kuntalaisraati')).statusCode).toBe(200);
    // ...its deliberation is not.
    for (const [who, status] of [[undefined, 401], ['asukas', 403]] as const) {
      expect((await call('GET', '/api/spaces/kuntalaisraati/threads', who)).statusCode, `${who} list`).toBe(status);
      expect((await call('GET', `/api/threads/${thread.id}`, who)).statusCode, `${who} thread`).toBe(status);
      expect((await call('GET', `/api/threads/${thread.id}/posts`, who)).statusCode, `${who} posts`).toBe(status);
      const active = (await call('GET', '/api/threads/active?limit=50', who)).json().threads.map((x: { id: string }) => x.id);
      expect(active).not.toContain(thread.id);
      const found = (await call('GET', '/api/search?q=kirjastoautosta', who)).json().results.map((r: { id: string }) => r.id);
      expect(found).not.toContain(post.id);
    }
    expect((await call('PUT', `/api/posts/${post.id}/reactions/like`, 'asukas')).statusCode).toBe(403);
    expect((await call('POST', `/api/posts/${post.id}/reports`, 'asukas', { reason: 'x' })).statusCode).toBe(403);
    const guest = (await call('GET', '/api/spaces/kuntalaisraati')).json().space.permissions;
    expect(guest.readThreads).toBe(false);
    expect((await call('GET', `/api/threads/${thread.id}/posts`, 'puheenjohtaja')).statusCode).toBe(200);
  });

  it('keeps the history of an edited post for its author, and lets nobody else edit', async () => {
    const { post } = await newThread('asukas', 'ymparistofoorumi', 'alkuperäinen');
    expect((await call('PATCH', `/api/posts/${post.id}`, 'moderaattori', { body: 'muutettu' })).statusCode).toBe(403);
    const edited = await call('PATCH', `/api/posts/${post.id}`, 'asukas', { body: 'korjattu' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().post.editedAt).not.toBeNull();
    await call('PATCH', `/api/posts/${post.id}`, 'asukas', { body: 'korjattu taas' });
    const history = (await call('GET', `/api/posts/${post.id}/revisions`, 'asukas')).json().revisions;
    expect(history.map((r: { bodyMarkdown: string }) => r.bodyMarkdown)).toEqual(['alkuperäinen', 'korjattu']);
    expect((await call('GET', `/api/posts/${post.id}/revisions`)).statusCode).toBe(401);
  });

  it('counts reactions once per person and kind', async () => {
    const { post } = await newThread();
    await call('PUT', `/api/posts/${post.id}/reactions/agree`, 'moderaattori');
    await call('PUT', `/api/posts/${post.id}/reactions/agree`, 'moderaattori');
    const both = await call('PUT', `/api/posts/${post.id}/reactions/agree`, 'puheenjohtaja');
    expect(both.json().post.reactions).toEqual({ agree: 2 });
    expect(both.json().post.myReactions).toEqual(['agree']);
    const undone = await call('DELETE', `/api/posts/${post.id}/reactions/agree`, 'moderaattori');
    expect(undone.json().post.reactions).toEqual({ agree: 1 });
    expect((await call('PUT', `/api/posts/${post.id}/reactions/love`, 'moderaattori')).statusCode).toBe(400);
  });

  it('pages through a long thread by keyset, without gaps or repeats', async () => {
    const { thread } = await newThread();
    const [row] = await t.app.db.sql<{ id: string }[]>`select author_id as id from threads where id = ${thread.id}`;
    await t.app.db.sql`insert into posts (thread_id, author_id, body_markdown, body_html)
                       select ${thread.id}, ${row!.id}, 'viesti ' || n, '<p>viesti ' || n || '</p>' from generate_series(1, 120) n`;
    const seen: string[] = [];
    let after = '0';
    for (;;) {
      const page = (await call('GET', `/api/threads/${thread.id}/posts?after=${after}&limit=50`)).json();
      seen.push(...page.posts.map((p: { bodyHtml: string }) => p.bodyHtml));
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    expect(seen).toHaveLength(121);
    expect(new Set(seen).size).toBe(121);
    expect(seen[1]).toBe('<p>viesti 1</p>');
    expect(seen[120]).toBe('<p>viesti 120</p>');
  });

  it('pages through a space’s threads, most recently active first', async () => {
    // Written by the moderator: the resident has used up a minute's posting in the tests above.
    const first = await newThread('moderaattori');
    const second = await newThread('moderaattori');
    await call('POST', `/api/threads/${first.thread.id}/posts`, 'moderaattori', { body: 'nosto' });
    const page1 = (await call('GET', '/api/spaces/ymparistofoorumi/threads?limit=1')).json();
    expect(page1.threads[0].id).toBe(first.thread.id);
    const page2 = (await call('GET', `/api/spaces/ymparistofoorumi/threads?limit=1&before=${page1.nextCursor}`)).json();
    expect(page2.threads[0].id).toBe(second.thread.id);
  });

  it('lets one person write only so much at once: of 15 parallel replies, 10 land, the rest are told to wait', async () => {
    const { thread } = await newThread('moderaattori');
    const replies = await Promise.all(Array.from({ length: 15 }, (_, i) => call('POST', `/api/threads/${thread.id}/posts`, 'puheenjohtaja', { body: `Vastaus ${i}` })));
    expect(replies.filter((r) => r.statusCode === 201)).toHaveLength(10);
    const refused = replies.filter((r) => r.statusCode === 429);
    expect(refused).toHaveLength(5);
    expect(refused[0]!.json()).toMatchObject({ code: 'posting_too_fast', message: expect.stringMatching(/try again in \d+ s/) });
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThan(0);
    const [stored] = await t.app.db.sql<{ n: number }[]>`select count(*)::int as n from posts where thread_id = ${thread.id}`;
    expect(stored!.n).toBe(11);
    // A new thread and an edit come out of the same budget; someone else's does not.
    expect((await call('POST', '/api/spaces/ymparistofoorumi/threads', 'puheenjohtaja', { title: 'Vielä', body: 'Yksi' })).statusCode).toBe(429);
    expect((await call('POST', `/api/threads/${thread.id}/posts`, 'moderaattori', { body: 'Minä vielä' })).statusCode).toBe(201);
  });

  it('answers bad input with 400 naming the field', async () => {
    const response = await call('POST', '/api/spaces/ymparistofoorumi/threads', 'asukas', { title: '', body: 'x' });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/body\/title/);
    expect((await call('GET', '/api/threads/not-a-uuid')).json().message).toMatch(/params\/id/);
  });
});
