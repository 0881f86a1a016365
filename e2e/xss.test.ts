import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { signUpThroughMail } from '../server/auth/test-sign-up.ts';
import { connect, eventually, synced } from '../server/collab/test-helpers.ts';
import type { ServerMessage } from '../server/protocol/room-messages.ts';
import { RoomTestClient } from '../server/rooms/test-client.ts';
import { signInOverHttp } from '../server/test-process.ts';
import { openBrowser, type Browser } from './support/browser.ts';
import { demoTownForThisFile } from './support/town-fixture.ts';
import {
  markdownOf,
  oneLine,
  packed,
  richAttacks,
  tagged,
  writePayloadParagraphs,
  xssPayloads,
  type XssPayload,
} from './support/xss-payloads.ts';

/**
 * Every field a person writes, filled with XSS payloads through the API, the room socket and the
 * shared documents, then every page that shows them opened in Chromium: nothing runs (no call
 * to the `__xss` binding, no dialog), the Content-Security-Policy refuses nothing (an injected
 * inline script or handler would be refused and reported), no active markup is injected, and the
 * payloads' text is there to read, so a page that rendered nothing would fail.
 */
const town = demoTownForThisFile();

const SPACE = 'xss-tila';
const JURY = 'kuntalaisraati';
/** In titles and descriptions, so search finds them. */
const SEARCH_WORD = 'kielokuja';

// ---------------------------------------------------------------------------------------------
// What was written where: every payload must have been tried in each rendering path.

type RenderingPath = 'plain text' | 'Markdown' | 'rich text';
const tried: Record<RenderingPath, Set<string>> = { 'plain text': new Set(), Markdown: new Set(), 'rich text': new Set() };
const fieldsWritten = new Set<string>();

function wrote<T extends string | string[]>(field: string, path: RenderingPath, value: T): T {
  fieldsWritten.add(field);
  for (const text of [value].flat()) for (const match of text.matchAll(/⟦(p\d+)/g)) tried[path].add(match[1]!);
  return value;
}

/** Payloads in turn, so each field gets others than the last one. */
let turn = 0;
function take(count: number, fits: (payload: XssPayload) => boolean = () => true): XssPayload[] {
  const pool = xssPayloads.filter(fits);
  return Array.from({ length: count }, () => pool[turn++ % pool.length]!);
}
const fitting = (maxLength: number) => (p: XssPayload) => oneLine(p) && tagged(p).length <= maxLength;
/** One text of tagged payloads in turn, at most `maxLength` long. */
const textOf = (maxLength: number, count: number) => packed(take(count, fitting(Math.floor(maxLength / count) - 1)), maxLength)[0]!;

// ---------------------------------------------------------------------------------------------
// HTTP

interface Person {
  id: string;
  email: string;
  name: string;
  cookie: string;
}

async function call<T = unknown>(who: Person | string | null, method: string, path: string, body: unknown = method === 'GET' || method === 'DELETE' ? undefined : {}): Promise<T> {
  const cookie = typeof who === 'string' ? who : who?.cookie;
  const response = await fetch(`${town.url}${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

let signUps = 0;
async function signUp(email: string, name: string, userAgent?: string): Promise<Person> {
  signUps += 1;
  const { user, cookie } = await signUpThroughMail(
    town.app,
    { email, password: 'xss-salasana-2026', displayName: name },
    { remoteAddress: `10.0.8.${signUps}`, ...(userAgent ? { headers: { 'user-agent': userAgent } } : {}) },
  );
  expect(user.displayName).toBe(name);
  return { id: user.id, email, name, cookie };
}

// ---------------------------------------------------------------------------------------------
// Shared documents and the room

/** Writes into a shared document with the stock y-websocket client, and waits until the server has it. */
async function writeDocument(name: string, who: Person, write: (doc: Y.Doc) => void): Promise<void> {
  const writer = connect(town.url, name, who.cookie);
  const reader = connect(town.url, name, who.cookie);
  try {
    await Promise.all([synced(writer), synced(reader)]);
    writer.doc.transact(() => write(writer.doc));
    const clock = Y.decodeStateVector(Y.encodeStateVector(writer.doc)).get(writer.doc.clientID);
    await eventually(() => Y.decodeStateVector(Y.encodeStateVector(reader.doc)).get(writer.doc.clientID) === clock, 10_000, `${name} to reach the server`);
  } finally {
    writer.destroy();
    reader.destroy();
  }
}

type Answer = Extract<ServerMessage, { type: 'ack' | 'error' }>;
async function ack(answer: Promise<Answer>): Promise<void> {
  const result = await answer;
  if (result.type !== 'ack') throw new Error(`refused: ${JSON.stringify(result)}`);
}

async function joinRoom(meetingId: string, who: Person): Promise<RoomTestClient> {
  const client = await RoomTestClient.connect(town.url, meetingId, { cookie: who.cookie });
  await client.welcome();
  return client;
}

/** The first room event that passes `test`, with the fields the caller reads. */
async function eventOf<T extends object>(client: RoomTestClient, test: (event: Record<string, unknown>) => boolean): Promise<{ event: T }> {
  const message = await client.waitFor((m) => m.type === 'event' && test(m.event as unknown as Record<string, unknown>));
  return message as unknown as { event: T };
}

// ---------------------------------------------------------------------------------------------
// The browser: one Chromium, the people's sessions swapped in as cookies.

let browser: Browser;
const xssCalls: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  browser = await openBrowser();
  // Before any page loads: a payload that ran anywhere, in any frame, is recorded.
  await browser.context.exposeBinding('__xss', (_source, id: unknown) => void xssCalls.push(String(id)));
  browser.page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
});
afterAll(async () => {
  await browser.close();
});

async function visit(who: Person | string | null, path: string): Promise<void> {
  // Each page answers for itself (what the last one did was checked when it was shown).
  browser.cspViolations.length = 0;
  await browser.context.clearCookies();
  if (who) {
    const [name, value] = (typeof who === 'string' ? who : who.cookie).split(/=(.*)/s) as [string, string];
    await browser.context.addCookies([{ name, value, url: town.url }]);
  }
  await browser.page.goto(`${town.url}${path}`);
}

// Direction controls are left out: published titles drop them (server/documents/published-title.ts), and they show as nothing.
const normalize = (text: string) => text.replace(/[\u202A-\u202E\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();
/** The tags of the payloads in a Markdown text: what its rendering must show, whatever else it makes of it. */
const tagsIn = (markdown: string) => markdown.match(/⟦p\d+⟧/g) ?? [];

/** The page's text, the values of its fields and its title, in one string. */
const pageText = () =>
  browser.page.evaluate(() => {
    const parts = [document.title, document.body.textContent ?? ''];
    for (const field of document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) parts.push(field.value);
    return parts.join('\n');
  });

/** What a payload could have made active: scripts, handlers, script URLs, frames, head elements, clobbering ids. */
const activeContent = () =>
  browser.page.evaluate(() => {
    const problems: string[] = [];
    const show = (element: Element) => element.outerHTML.slice(0, 160);
    for (const script of document.querySelectorAll('script')) {
      const src = script.getAttribute('src');
      const url = src === null ? null : new URL(src, location.href);
      // Only the app's own bundle (a server-rendered page has none).
      if (!url || url.origin !== location.origin || !url.pathname.startsWith('/assets/')) problems.push(`script: ${show(script)}`);
    }
    for (const element of document.querySelectorAll('base, meta[http-equiv], iframe, frame, frameset, object, embed, applet, portal')) {
      problems.push(`element: ${show(element)}`);
    }
    const root = document.getElementById('app') ?? document.body;
    for (const element of root.querySelectorAll('style, link, meta, noscript, template, marquee, form[action], isindex')) problems.push(`element: ${show(element)}`);
    const urlAttributes = new Set(['href', 'xlink:href', 'src', 'srcset', 'action', 'formaction', 'data', 'poster', 'background', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'ping']);
    for (const element of document.querySelectorAll('*')) {
      for (const { name: rawName, value: rawValue } of element.attributes) {
        const name = rawName.toLowerCase();
        // As a URL parser reads it: control characters and spaces inside a scheme are skipped.
        const value = rawValue.replace(/[\u0000-\u0020\u007f-\u00a0\u200b-\u200f\u2028\u2029\ufeff]/g, '').toLowerCase();
        const imageData = element.tagName === 'IMG' && name === 'src' && /^data:image\/(png|jpeg|gif|webp);/.test(value);
        if (name.startsWith('on')) problems.push(`handler ${name}: ${show(element)}`);
        else if (name === 'srcdoc') problems.push(`srcdoc: ${show(element)}`);
        else if (urlAttributes.has(name) && /(^|,)(javascript|vbscript|livescript|data):/.test(value) && !imageData) problems.push(`${name}: ${show(element)}`);
        else if (name === 'style' && /url\(|expression\(|javascript:|@import/.test(value)) problems.push(`style: ${show(element)}`);
        else if ((name === 'id' || name === 'name') && value.includes('xss')) problems.push(`injected ${name}: ${show(element)}`);
      }
    }
    return problems;
  });

/** Nothing ran, nothing was refused, nothing active was injected, and every text in `shown` is there. */
async function expectRenderedSafely(page: string, shown: string[]): Promise<void> {
  const wanted = [...new Set(shown.map(normalize))];
  const missing = async () => {
    const text = normalize(await pageText());
    return wanted.filter((s) => !text.includes(s));
  };
  await expect.poll(missing, { timeout: 15_000, message: `${page}: texts not shown` }).toEqual([]);
  // Let what an injected element would do (load, error, focus, toggle) happen before looking.
  await browser.page.waitForLoadState('networkidle');
  expect(await activeContent(), `${page}: active content`).toEqual([]);
  expect(browser.cspViolations, `${page}: CSP violations`).toEqual([]);
  expect(xssCalls, `${page}: __xss called`).toEqual([]);
  expect(dialogs, `${page}: dialogs`).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// The town's people: the admin, and six residents whose display names are payloads.

let admin: string;
let sessionUser: Person;
const userAgent = `Mozilla/5.0 "><img src=x onerror=__xss('ua')> <script>__xss('ua')</script>`;
const people: Person[] = [];
/** U1 secretary and U2 chair of the payload space, U3–U6 members; U2 chairs the jury, U3 and U4 are jurors. */
const person = (n: number) => people[n - 1]!;

const space = {
  name: { fi: '', sv: '', en: '' },
  description: { fi: '', sv: '', en: '' },
};
const forum = {
  threads: [] as { id: string; title: string; posts: { id: string; body: string; author: Person }[] }[],
  reportReasons: [] as string[],
  hideReasons: [] as string[],
  auditReasons: [] as string[],
  lockReason: '',
  muteReason: '',
  revisions: [] as string[],
};
const meeting = {
  id: '',
  title: '',
  titleSv: '',
  description: '',
  address: '',
  agenda: [] as { title: string; presenter: string }[],
  needs: [] as string[],
  cancelled: { id: '', title: '', reason: '' },
};
const room = {
  chat: [] as string[],
  heldChat: '',
  chatHideReason: '',
  questions: [] as string[],
  questionHideReason: '',
  polls: [] as { question: string; options: string[] }[],
  livePoll: { question: '', options: [] as string[] },
  decisions: [] as string[],
  wordFilter: [] as string[],
  muteReason: '',
  removeReason: '',
  notes: [] as string[],
  clients: new Map<number, RoomTestClient>(),
};

beforeAll(async () => {
  admin = await signInOverHttp(town.url, 'yllapito');
  // Display names: the nastiest payloads that fit in 80 characters, one of each kind.
  const kinds = ['event handler', 'script tag', 'javascript: URL', 'attribute breakout', 'polyglot', 'mutation XSS'];
  for (const [i, kind] of kinds.entries()) {
    const payload = xssPayloads.find((p) => p.category === kind && fitting(80)(p) && !people.some((u) => u.name === tagged(p)))!;
    people.push(await signUp(`asukas${i + 1}@xss.example`, wrote('display name', 'plain text', tagged(payload))));
  }
  // An address with the punctuation an address may hold, and a browser that calls itself a payload (HTTP headers are ASCII).
  sessionUser = await signUp(wrote('email address', 'plain text', `o'hara&{x}=y?z|~#$%*+/^\`@xss.example`), 'Olli O’Hara', wrote('session user agent', 'plain text', userAgent));

  // An admin makes a space with payloads in every language, and appoints its people.
  const [fi, sv, en] = packed(xssPayloads, 1990 - SEARCH_WORD.length, '\n');
  space.name = { fi: wrote('space name', 'plain text', textOf(120, 2)), sv: wrote('space name', 'plain text', textOf(120, 2)), en: wrote('space name', 'plain text', textOf(120, 2)) };
  space.description = {
    fi: wrote('space description', 'plain text', `${SEARCH_WORD} ${fi!}`),
    sv: wrote('space description', 'plain text', sv ?? textOf(2000, 20)),
    en: wrote('space description', 'plain text', en ?? textOf(2000, 20)),
  };
  await call(admin, 'POST', '/api/spaces', { slug: SPACE, kind: 'forum', visibility: 'public', ...space });
  const appoint = (slug: string, who: Person, role: string) => call(admin, 'POST', `/api/spaces/${slug}/people`, { email: who.email, role });
  await appoint(SPACE, person(1), 'secretary');
  await appoint(SPACE, person(2), 'chair');
  for (const n of [3, 4, 5, 6]) await call(person(n), 'POST', `/api/spaces/${SPACE}/join`);
  await appoint(JURY, person(2), 'chair');
  await appoint(JURY, person(3), 'juror');
  await appoint(JURY, person(4), 'juror');

  await writeForum();
  await writeMeetings();
  await holdLiveMeeting();
});

async function writeForum(): Promise<void> {
  // Threads with payload titles; their first posts and replies are Markdown with every payload.
  const markdownChunks = [xssPayloads.slice(0, 30), xssPayloads.slice(30, 60), xssPayloads.slice(60)];
  const authors = [person(3), person(4), person(6)];
  for (let i = 0; i < 6; i++) {
    const author = authors[i % authors.length]!;
    const title = wrote('thread title', 'plain text', `${SEARCH_WORD} ${textOf(190, 3)}`);
    const chunk = markdownChunks[i];
    const body = wrote('post body', 'Markdown', chunk ? markdownOf(chunk) : markdownOf(take(6)));
    const created = await call<{ thread: { id: string }; post: { id: string } }>(author, 'POST', `/api/spaces/${SPACE}/threads`, { title, body });
    forum.threads.push({ id: created.thread.id, title, posts: [{ id: created.post.id, body, author }] });
  }
  // Replies in the first thread, one of them edited (its earlier text is shown as it was written).
  const first = forum.threads[0]!;
  for (const author of [person(4), person(6)]) {
    const body = wrote('post body', 'Markdown', markdownOf(take(8)));
    const { post } = await call<{ post: { id: string } }>(author, 'POST', `/api/threads/${first.id}/posts`, { body });
    first.posts.push({ id: post.id, body, author });
  }
  const edited = first.posts[1]!;
  forum.revisions.push(wrote('post revision', 'plain text', edited.body));
  edited.body = wrote('post edit', 'Markdown', markdownOf(take(10)));
  await call(edited.author, 'PATCH', `/api/posts/${edited.id}`, { body: edited.body });

  // Reports (left open for the queue), a hidden post, a restored one, dismissed reports.
  const [a, b, c] = forum.threads;
  const report = async (who: Person, postId: string) => {
    const reason = wrote('report reason', 'plain text', textOf(500, 6));
    forum.reportReasons.push(reason);
    await call(who, 'POST', `/api/posts/${postId}/reports`, { reason });
  };
  await report(person(4), a!.posts[0]!.id);
  await report(person(6), a!.posts[0]!.id);
  await report(person(3), b!.posts[0]!.id);
  const chair = person(2);
  const moderate = async (path: string, field: string, into: string[]) => {
    const reason = wrote(field, 'plain text', textOf(500, 6));
    into.push(reason);
    await call(chair, 'POST', path, { reason });
  };
  await moderate(`/api/posts/${a!.posts[2]!.id}/hide`, 'hide reason', forum.hideReasons);
  await moderate(`/api/posts/${c!.posts[0]!.id}/hide`, 'hide reason', forum.hideReasons);
  await moderate(`/api/posts/${c!.posts[0]!.id}/restore`, 'restore reason', forum.auditReasons);
  await moderate(`/api/posts/${c!.posts[0]!.id}/hide`, 'hide reason', forum.hideReasons);
  await report(person(6), forum.threads[3]!.posts[0]!.id);
  await moderate(`/api/posts/${forum.threads[3]!.posts[0]!.id}/reports/dismiss`, 'dismiss reason', forum.auditReasons);
  forum.lockReason = wrote('thread lock reason', 'plain text', textOf(500, 6));
  await call(chair, 'POST', `/api/threads/${forum.threads[4]!.id}/lock`, { reason: forum.lockReason });
  await moderate(`/api/threads/${forum.threads[5]!.id}/lock`, 'thread lock reason', forum.auditReasons);
  await moderate(`/api/threads/${forum.threads[5]!.id}/unlock`, 'thread unlock reason', forum.auditReasons);
  forum.muteReason = wrote('mute reason', 'plain text', textOf(500, 6));
  await call(chair, 'PUT', `/api/spaces/${SPACE}/mutes/${person(5).id}`, { minutes: 600, reason: forum.muteReason });
  await call(chair, 'PUT', `/api/spaces/${SPACE}/mutes/${person(6).id}`, { minutes: 600, reason: wrote('mute reason', 'plain text', textOf(500, 6)) });
  await moderate(`/api/spaces/${SPACE}/mutes/${person(6).id}/lift`, 'mute lift reason', forum.auditReasons);
  forum.auditReasons.push(...forum.hideReasons, forum.lockReason, forum.muteReason);
}

async function writeMeetings(): Promise<void> {
  const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
  meeting.title = wrote('meeting title', 'plain text', textOf(200, 3));
  meeting.titleSv = wrote('meeting title', 'plain text', textOf(200, 3));
  meeting.description = wrote('meeting description', 'plain text', `${SEARCH_WORD}\n${packed(xssPayloads, 9900, '\n')[0]!}`);
  meeting.address = wrote('meeting address', 'plain text', textOf(300, 4));
  meeting.agenda = Array.from({ length: 4 }, () => ({
    title: wrote('agenda item title', 'plain text', textOf(300, 4)),
    presenter: wrote('agenda item presenter', 'plain text', textOf(200, 3)),
  }));
  const created = await call<{ meeting: { id: string } }>(person(2), 'POST', `/api/spaces/${SPACE}/meetings`, {
    title: { fi: meeting.title, sv: meeting.titleSv },
    description: { fi: meeting.description },
    startsAt: inHours(1),
    endsAt: inHours(3),
    mode: 'meeting',
    place: 'hybrid',
    address: meeting.address,
    capacity: 40,
    agenda: meeting.agenda.map((item) => ({ title: { fi: item.title }, presenter: item.presenter, durationMinutes: 20 })),
  });
  meeting.id = created.meeting.id;
  for (const n of [3, 4, 6]) {
    const other = wrote('registration needs', 'plain text', textOf(1000, 10));
    meeting.needs.push(other);
    await call(person(n), 'PUT', `/api/meetings/${meeting.id}/registration`, {
      attendance: 'hall',
      needs: { interpretation: false, inductionLoop: true, signLanguage: false, other },
    });
  }

  meeting.cancelled.title = wrote('meeting title', 'plain text', textOf(200, 3));
  const cancelled = await call<{ meeting: { id: string } }>(person(1), 'POST', `/api/spaces/${SPACE}/meetings`, {
    title: { fi: meeting.cancelled.title },
    startsAt: inHours(48),
    endsAt: inHours(50),
    mode: 'broadcast',
    place: 'online',
  });
  meeting.cancelled.id = cancelled.meeting.id;
  meeting.cancelled.reason = wrote('meeting cancel reason', 'plain text', textOf(1000, 10));
  await call(person(2), 'POST', `/api/meetings/${meeting.cancelled.id}/cancel`, { reason: meeting.cancelled.reason });
}

/** The meeting is live: chat, questions, polls, decisions, the queue and moderation, all with payloads. */
async function holdLiveMeeting(): Promise<void> {
  await call(person(2), 'POST', `/api/meetings/${meeting.id}/start`);
  for (const n of [2, 3, 4, 5, 6]) room.clients.set(n, await joinRoom(meeting.id, person(n)));
  const client = (n: number) => room.clients.get(n)!;
  const chair = client(2);

  room.wordFilter = wrote('room word filter', 'plain text', take(2, fitting(60)).map(tagged));
  await ack(chair.request({ type: 'room.settings', wordFilter: room.wordFilter }));

  const speakers = [3, 4, 6];
  room.chat = wrote('chat message', 'plain text', packed(xssPayloads, 1000));
  for (const [i, text] of room.chat.entries()) await ack(client(speakers[i % speakers.length]!).request({ type: 'chat.send', text }));
  room.heldChat = wrote('chat message', 'plain text', `${room.wordFilter[0]!} ${textOf(900, 8)}`);
  await ack(client(6).request({ type: 'chat.send', text: room.heldChat }));
  const lastChat = await eventOf<{ messageId: string }>(chair, (e) => e.type === 'chat.posted' && e.text === room.chat.at(-1));
  room.chatHideReason = wrote('chat hide reason', 'plain text', textOf(500, 6));
  await ack(chair.request({ type: 'chat.hide', messageId: lastChat.event.messageId, reason: room.chatHideReason }));

  room.questions = wrote('question', 'plain text', packed(xssPayloads, 500));
  for (const [i, text] of room.questions.entries()) {
    await ack(client(speakers[i % speakers.length]!).request({ type: 'question.ask', text, anonymous: i % 4 === 3 }));
  }
  const questionId = async (text: string) =>
    (await eventOf<{ questionId: string }>(chair, (e) => e.type === 'question.asked' && e.text === text)).event.questionId;
  room.questionHideReason = wrote('question hide reason', 'plain text', textOf(500, 6));
  await ack(chair.request({ type: 'question.hide', questionId: await questionId(room.questions.at(-1)!), reason: room.questionHideReason }));
  await ack(chair.request({ type: 'question.answer', questionId: await questionId(room.questions[0]!), how: 'written' }));
  await ack(client(3).request({ type: 'question.vote', questionId: await questionId(room.questions[1]!), up: true }));

  const options = wrote('poll option', 'plain text', packed(xssPayloads, 200));
  for (let i = 0; i < options.length; i += 12) {
    const poll = { question: wrote('poll question', 'plain text', textOf(300, 4)), options: options.slice(i, i + 12) };
    if (poll.options.length < 2) poll.options.push(wrote('poll option', 'plain text', textOf(200, 2)));
    room.polls.push(poll);
    await ack(chair.request({ type: 'poll.open', question: poll.question, options: poll.options, multiple: true, resultsWhile: 'open' }));
    const opened = await eventOf<{ pollId: string; options: { id: string }[] }>(client(3), (e) => e.type === 'poll.opened' && e.question === poll.question);
    const [first, second] = opened.event.options.map((o) => o.id) as [string, string];
    await ack(client(3).request({ type: 'poll.vote', pollId: opened.event.pollId, optionIds: [first, second] }));
    if (i === 0) {
      await ack(chair.request({ type: 'poll.hallCount', pollId: opened.event.pollId, counts: { [first]: 4, [second]: 2 } }));
      await ack(chair.request({ type: 'poll.close', pollId: opened.event.pollId }));
    }
  }

  room.decisions = wrote('decision', 'plain text', packed(xssPayloads, 2000));
  for (const [i, text] of room.decisions.entries()) await ack(chair.request({ type: 'decision.record', itemIndex: i % meeting.agenda.length, text }));

  await ack(client(5).request({ type: 'queue.raise', pointOfOrder: false }));
  await ack(client(6).request({ type: 'queue.raise', pointOfOrder: true }));
  await ack(chair.request({ type: 'floor.give', userId: person(5).id }));
  await ack(chair.request({ type: 'floor.take' }));
  // The queue removal's reason goes to the log only (the client shows it nowhere).
  await ack(chair.request({ type: 'queue.remove', userId: person(6).id, reason: wrote('queue removal reason', 'plain text', textOf(500, 6)) }));
  room.muteReason = wrote('room mute reason', 'plain text', textOf(500, 6));
  await ack(chair.request({ type: 'participant.mute', userId: person(6).id, minutes: 60, reason: room.muteReason }));

  // Shared notes, by a member of the space.
  room.notes = xssPayloads.map(tagged);
  wrote('meeting notes', 'rich text', room.notes);
  await writeDocument(`meeting:${meeting.id}:notes`, person(3), (doc) => {
    const fragment = doc.getXmlFragment('notes');
    writePayloadParagraphs(fragment, xssPayloads);
    for (const attack of richAttacks) attack.write(fragment);
  });
}

afterAll(async () => {
  await Promise.all([...room.clients.values()].map((c) => c.close()));
});

// ---------------------------------------------------------------------------------------------

describe('XSS payloads in every field a person writes', () => {
  it('would be noticed in the browser if one got through (the checks below can fail)', async () => {
    await visit(null, '/');
    await expectRenderedSafely('home', [space.name.fi]);
    // Markup slipped into the page past the app: the CSP refuses its handler, the DOM check finds it.
    await browser.page.evaluate(() => document.getElementById('app')!.insertAdjacentHTML('beforeend', `<img id="xss-control" src="/x.png" onerror="__xss('control')">`));
    await expect.poll(() => browser.cspViolations.length).toBeGreaterThan(0);
    expect(await activeContent()).toEqual([expect.stringMatching(/^injected id: <img id="xss-control"/), expect.stringMatching(/^handler onerror: <img id="xss-control"/)]);
    // A script that does run (here through the debugging protocol, which the CSP does not govern) is recorded.
    await browser.page.evaluate(() => (window as unknown as { __xss(id: string): void }).__xss('control'));
    await expect.poll(() => xssCalls).toEqual(['control']);
    xssCalls.length = 0;
  });

  it('stay text on the forum pages: home, space (in three languages), threads, search, moderation, audit, people', async () => {
    const names = people.map((p) => p.name);
    const [, u2, u3] = people;

    await visit(u3!, '/');
    await expectRenderedSafely('home', [`Kirjautuneena: ${u3!.name}`, space.name.fi, meeting.title, ...forum.threads.map((t) => t.title)]);

    await visit(null, `/spaces/${SPACE}`);
    await expectRenderedSafely('space (fi)', [space.name.fi, space.description.fi, ...forum.threads.map((t) => t.title), meeting.title, meeting.cancelled.title, u3!.name]);
    for (const lang of ['sv', 'en'] as const) {
      await browser.page.evaluate((l) => localStorage.setItem('aukio.lang', l), lang);
      await browser.page.reload();
      await expectRenderedSafely(`space (${lang})`, [space.name[lang], space.description[lang]]);
    }
    await browser.page.evaluate(() => localStorage.removeItem('aukio.lang'));

    // The moderator's view of the threads with hidden posts (shown to them, with the reasons) and of the locked one.
    const [first, second, third, , locked] = forum.threads;
    const threadPages: [typeof first, string[]][] = [
      [first, [forum.hideReasons[0]!]],
      // Hidden, restored and hidden again: the last reason stands.
      [third, [forum.hideReasons[2]!]],
      [locked, [forum.lockReason]],
    ];
    for (const [thread, reasons] of threadPages) {
      await visit(u2!, `/threads/${thread!.id}`);
      await expectRenderedSafely(`thread ${thread!.title.slice(0, 20)}`, [thread!.title, ...thread!.posts.flatMap((p) => [p.author.name, ...tagsIn(p.body)]), ...reasons]);
    }

    // The author sees the earlier version of the edited post as it was written.
    const edited = forum.threads[0]!.posts[1]!;
    await visit(edited.author, `/threads/${forum.threads[0]!.id}`);
    await browser.page.locator(`#post-${edited.id} button[data-panel="history"]`).click();
    await expectRenderedSafely('post revisions', forum.revisions);

    await visit(null, `/search?q=${SEARCH_WORD}`);
    await expectRenderedSafely('search', [space.name.fi, ...forum.threads.map((t) => t.title), meeting.title]);

    await visit(u2!, `/spaces/${SPACE}/moderation`);
    await expectRenderedSafely('moderation queue', [
      first!.title,
      second!.title,
      ...tagsIn(first!.posts[0]!.body),
      ...tagsIn(second!.posts[0]!.body),
      ...forum.reportReasons.slice(0, 3),
      forum.muteReason,
      people[4]!.name,
      people[3]!.name,
      people[5]!.name,
    ]);

    await visit(u2!, `/spaces/${SPACE}/audit`);
    await expectRenderedSafely('space audit log', [...forum.auditReasons, u2!.name]);
    await visit(admin, '/admin/audit');
    await expectRenderedSafely('site audit log', [...forum.auditReasons.slice(-3), u2!.name]);

    await call(admin, 'POST', `/api/spaces/${SPACE}/people`, { email: sessionUser.email, role: 'member' });
    await visit(u2!, `/spaces/${SPACE}/people`);
    await expectRenderedSafely('people', [...names, sessionUser.email]);
    await visit(sessionUser, '/account/sessions');
    await expectRenderedSafely('sessions', [userAgent]);
    await visit(admin, '/admin/spaces');
    await expectRenderedSafely('admin spaces', [space.name.fi]);
  });

  it('stay text in the live room (also for the person removed from it) and on the meeting pages', async () => {
    const [, u2, u3, u4, u5, u6] = people;
    const chair = room.clients.get(2)!;
    const agenda = meeting.agenda.flatMap((item) => [item.title, item.presenter]);
    const polls = room.polls.flatMap((poll) => [poll.question, ...poll.options]);
    const visibleChat = room.chat.slice(0, -1);
    const visibleQuestions = room.questions.slice(0, -1);

    // A participant's view; then the chair removes them, and their open page says why.
    await visit(u5!, `/meetings/${meeting.id}/room`);
    await expectRenderedSafely('room (participant)', [meeting.title, ...agenda, ...visibleChat, room.chatHideReason, ...visibleQuestions, room.questionHideReason, ...polls, ...room.decisions]);
    room.removeReason = wrote('room removal reason', 'plain text', textOf(500, 6));
    await ack(chair.request({ type: 'participant.remove', userId: u5!.id, reason: room.removeReason }));
    await expectRenderedSafely('room (removed)', [room.removeReason.slice(0, 60)]);

    // The chair's view: everything, held and hidden messages included, and the staff's settings.
    await visit(u2!, `/meetings/${meeting.id}/room`);
    const names = [u2!, u3!, u4!, u5!, u6!].map((p) => p.name);
    await expectRenderedSafely('room (chair)', [
      meeting.title,
      ...agenda,
      ...room.chat,
      room.heldChat,
      room.chatHideReason,
      ...room.questions,
      room.questionHideReason,
      ...polls,
      ...room.decisions,
      ...names,
      room.muteReason,
      ...room.wordFilter,
    ]);
    await browser.page.getByRole('tab', { name: 'Muistiinpanot' }).click();
    await expectRenderedSafely('room notes', room.notes);
    // A poll opened while the page is open arrives as an event, is announced and shown.
    room.livePoll = { question: wrote('poll question', 'plain text', textOf(300, 3)), options: wrote('poll option', 'plain text', [textOf(200, 2), textOf(200, 2)]) };
    await ack(chair.request({ type: 'poll.open', ...room.livePoll, multiple: false, resultsWhile: 'closed' }));
    await expectRenderedSafely('room (live poll)', [room.livePoll.question, ...room.livePoll.options]);

    // The meeting page, as its organiser: details, agenda, the notes so far, the registrations.
    await visit(u2!, `/meetings/${meeting.id}`);
    await expectRenderedSafely('meeting page', [meeting.title, meeting.description, meeting.address, ...agenda, ...meeting.needs, u3!.name, u4!.name, u6!.name, ...room.notes]);
    await visit(null, `/meetings/${meeting.id}`);
    await browser.page.evaluate(() => localStorage.setItem('aukio.lang', 'sv'));
    await browser.page.reload();
    await expectRenderedSafely('meeting page (sv)', [meeting.titleSv, meeting.description]);
    await browser.page.evaluate(() => localStorage.removeItem('aukio.lang'));
    await visit(null, `/meetings/${meeting.cancelled.id}`);
    await expectRenderedSafely('cancelled meeting', [meeting.cancelled.title, meeting.cancelled.reason]);
  });

  it('stay text in the jury’s shared recommendations, its sign-offs and its frozen statement', async () => {
    const [, u2, u3, u4] = people;
    const { space: jury } = await call<{ space: { id: string } }>(u2!, 'GET', `/api/spaces/${JURY}`);
    const docName = `space:${jury.id}:recommendations`;
    const recommendations = [
      { id: 'suositus-a', title: textOf(300, 4), text: xssPayloads, rationale: take(10), attacks: false },
      { id: 'suositus-b', title: textOf(300, 4), text: take(10), rationale: take(10), attacks: true },
      { id: 'suositus-c', title: textOf(300, 4), text: take(10), rationale: [], attacks: true },
    ];
    await writeDocument(docName, u3!, (doc) => {
      const array = doc.getArray<Y.Map<unknown>>('recommendations');
      for (const r of recommendations) {
        const map = new Y.Map<unknown>();
        array.push([map]);
        map.set('id', r.id);
        map.set('title', new Y.Text(wrote('recommendation title', 'plain text', r.title)));
        map.set('text', new Y.XmlFragment());
        map.set('rationale', new Y.XmlFragment());
        const text = map.get('text') as Y.XmlFragment;
        const rationale = map.get('rationale') as Y.XmlFragment;
        writePayloadParagraphs(text, r.text);
        writePayloadParagraphs(rationale, r.rationale);
        wrote('recommendation text', 'rich text', [...r.text, ...r.rationale].map(tagged));
        if (r.attacks) for (const attack of richAttacks) attack.write(r.id === 'suositus-b' ? rationale : text);
      }
    });

    const comments = new Map<Person, string>();
    for (const juror of [u3!, u4!]) {
      const comment = wrote('sign-off comment', 'plain text', textOf(2000, 20));
      comments.set(juror, comment);
      await call(juror, 'PUT', `/api/spaces/${JURY}/recommendations/suositus-a/sign-off`, { stance: juror === u3 ? 'agree' : 'object', comment });
    }
    await call(u4!, 'PUT', `/api/spaces/${JURY}/recommendations/suositus-b/sign-off`, { stance: 'can_live_with', comment: wrote('sign-off comment', 'plain text', textOf(2000, 20)) });
    const statementTitle = wrote('statement title', 'plain text', textOf(300, 4));
    // Frozen before any editor has opened the document: the server renders what the attacker wrote.
    const frozen = await call<{ id: string }>(u2!, 'POST', `/api/spaces/${JURY}/statements`, { title: statementTitle });

    const statementTexts = [statementTitle, ...recommendations.flatMap((r) => [r.title, ...[...r.text, ...r.rationale].map(tagged)])];
    await visit(null, `/api/statements/${frozen.id}.html`);
    await expectRenderedSafely('statement page (server)', statementTexts);
    await visit(null, `/statements/${frozen.id}`);
    await expectRenderedSafely('statement page', statementTexts);
    await visit(null, `/spaces/${JURY}`);
    await expectRenderedSafely('jury space page', [statementTitle]);

    // A co-editor whose editor announces a payload as its name, a bad colour and a caret in the text.
    // The server puts the person's own display name (itself a payload) on the caret instead of the name.
    const attacker = connect(town.url, docName, u4!.cookie);
    try {
      await synced(attacker);
      const awarenessName = textOf(200, 2);
      const firstText = (attacker.doc.getArray<Y.Map<unknown>>('recommendations').get(0).get('text') as Y.XmlFragment).get(0) as Y.XmlElement;
      const position = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(firstText.get(0) as Y.XmlText, 2));
      attacker.provider.awareness.setLocalStateField('user', { name: awarenessName, color: `red" onmouseover="__xss('a1')`, colourIndex: '1" onclick="__xss(\'a1\')' });
      attacker.provider.awareness.setLocalStateField('cursor', { anchor: position, head: position });

      await visit(u2!, `/spaces/${JURY}/recommendations`);
      await expectRenderedSafely('recommendations', [
        ...recommendations.flatMap((r) => [r.title, ...[...r.text, ...r.rationale].map(tagged)]),
        ...comments.values(),
        u3!.name,
        u4!.name,
      ]);
      await browser.page.locator('.collab-caret__label', { hasText: u4!.name }).first().waitFor();
      expect(normalize(await pageText())).not.toContain(normalize(awarenessName));
    } finally {
      attacker.destroy();
    }
  });

  it('stay text in the minutes: the draft, the chair’s comment and the published version', async () => {
    const [u1, u2] = people;
    await call(u2!, 'POST', `/api/meetings/${meeting.id}/end`);
    const minutesText = xssPayloads.map(tagged);
    wrote('minutes', 'rich text', minutesText);
    await writeDocument(`meeting:${meeting.id}:minutes`, u1!, (doc) => {
      const fragment = doc.getXmlFragment('minutes');
      writePayloadParagraphs(fragment, xssPayloads);
      for (const attack of richAttacks) attack.write(fragment);
    });
    const move = (who: Person, step: string, body: unknown = {}) => call(who, 'POST', `/api/meetings/${meeting.id}/minutes/${step}`, body);
    await move(u1!, 'submit');
    await move(u2!, 'approve');
    await move(u1!, 'publish');
    // A correction on its way: the chair returns it with a comment for the secretary.
    const correction = take(5);
    wrote('minutes', 'rich text', correction.map(tagged));
    await writeDocument(`meeting:${meeting.id}:minutes`, u1!, (doc) => writePayloadParagraphs(doc.getXmlFragment('minutes'), correction));
    await move(u1!, 'submit');
    const comment = wrote('minutes return comment', 'plain text', textOf(4000, 30));
    await move(u2!, 'return', { comment });

    // The meeting's record went into the minutes: names, polls, decisions and questions, as text.
    const record = [u1!.name, u2!.name, ...room.decisions, ...room.polls.map((p) => p.question)];
    await visit(null, `/api/minutes/${meeting.id}/versions/1.html`);
    await expectRenderedSafely('published minutes page (server)', [meeting.title, ...minutesText, ...record]);
    await visit(u1!, `/meetings/${meeting.id}/minutes`);
    await expectRenderedSafely('minutes page', [meeting.title, comment, ...minutesText, ...correction.map(tagged), ...record]);
    await visit(null, `/meetings/${meeting.id}`);
    await expectRenderedSafely('meeting page after the meeting', [meeting.title, ...minutesText, ...room.notes]);
  });

  it('tried every payload in each rendering path and in every field', () => {
    for (const path of Object.keys(tried) as RenderingPath[]) {
      expect(xssPayloads.filter((p) => !tried[path].has(p.id)).map((p) => p.id), `not tried as ${path}`).toEqual([]);
    }
    expect([...fieldsWritten].sort()).toEqual(
      [
        'agenda item presenter',
        'agenda item title',
        'chat hide reason',
        'chat message',
        'decision',
        'dismiss reason',
        'display name',
        'email address',
        'hide reason',
        'meeting address',
        'meeting cancel reason',
        'meeting description',
        'meeting notes',
        'meeting title',
        'minutes',
        'minutes return comment',
        'mute lift reason',
        'mute reason',
        'poll option',
        'poll question',
        'post body',
        'post edit',
        'post revision',
        'question',
        'question hide reason',
        'queue removal reason',
        'recommendation text',
        'recommendation title',
        'registration needs',
        'report reason',
        'restore reason',
        'room mute reason',
        'room removal reason',
        'room word filter',
        'session user agent',
        'sign-off comment',
        'space description',
        'space name',
        'statement title',
        'thread lock reason',
        'thread title',
        'thread unlock reason',
      ].sort(),
    );
    expect(xssCalls).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
