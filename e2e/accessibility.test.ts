/**
 * Every page of the client, as the people who see it, in Finnish and partly in Swedish and English,
 * on a phone and a laptop: no serious or critical axe-core violation, one <h1>, a document title,
 * `<html lang>` of the chosen language, and nothing refused by the Content-Security-Policy.
 *
 * The table below is keyed by the router's route names: a new route fails the type check here and
 * the comparison with client/router.svelte.ts until someone says who visits it.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createTestDatabase } from '../db/test-database.ts';
import type { Route } from '../client/router.svelte.ts';
import { en } from '../client/i18n/en.ts';
import { fi } from '../client/i18n/fi.ts';
import { sv } from '../client/i18n/sv.ts';
import { freeMediaPorts } from '../media/testing/ports.ts';
import { ensureWorkerForTests, WORKER_SETUP_TIMEOUT_MS } from '../media/testing/worker.ts';
import { buildApp } from '../server/app.ts';
import { connect, eventually, synced } from '../server/collab/test-helpers.ts';
import { testConfig } from '../server/config.ts';
import { recommendationsDocumentName } from '../server/jury/recommendations.ts';
import { signInOverHttp } from '../server/test-process.ts';
import { seriousAccessibilityViolations } from './support/axe.ts';
import { viewports } from './support/browser.ts';
import { artifactsDir } from './support/server.ts';

type RouteName = Route['name'];
type Lang = 'fi' | 'sv' | 'en';
const dictionaries = { fi, sv, en } as const;
const languageNames: Record<Lang, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

const root = new URL('..', import.meta.url).pathname;
const clientDir = process.env.AUKIO_E2E_CLIENT_DIR || join(root, 'dist/client');

/** Who looks, on what, in which language; the demo account's e-mail name, or none for a visitor. */
const people = {
  visitor: { account: null, viewport: viewports.phone, lang: 'fi' },
  visitorSv: { account: null, viewport: viewports.laptop, lang: 'sv' },
  resident: { account: 'asukas', viewport: viewports.phone, lang: 'fi' },
  residentEn: { account: 'asukas', viewport: viewports.laptop, lang: 'en' },
  juror: { account: 'raati', viewport: viewports.laptop, lang: 'fi' },
  chair: { account: 'puheenjohtaja', viewport: viewports.laptop, lang: 'fi' },
  secretary: { account: 'sihteeri', viewport: viewports.laptop, lang: 'fi' },
  moderator: { account: 'moderaattori', viewport: viewports.phone, lang: 'fi' },
  admin: { account: 'yllapito', viewport: viewports.laptop, lang: 'fi' },
} as const satisfies Record<string, { account: string | null; viewport: { width: number; height: number }; lang: Lang }>;
type Who = keyof typeof people;

/** What the setup made: a thread, live and finished meetings, a frozen statement. */
const made = { threadId: '', statementId: '', meetings: {} as Record<string, string> };
const meeting = (slug: string) => made.meetings[slug]!;

interface Visit {
  who: Who;
  path: () => string;
  /** Waits for what loads after the page itself (the room's socket). */
  ready?: (page: Page) => Promise<void>;
  /** Brings up the page's other views one by one (tabs), each checked as it is shown; yields its name. */
  views?: (page: Page) => AsyncGenerator<string>;
}

const roomReady = (page: Page) => page.getByRole('tablist').waitFor();
async function* roomTabs(page: Page): AsyncGenerator<string> {
  const tabs = page.getByRole('tab');
  const count = await tabs.count();
  for (let i = 1; i < count; i++) {
    const tab = tabs.nth(i);
    await tab.click();
    await page.locator('[role="tabpanel"]:not([hidden])').waitFor();
    yield `tab ${(await tab.textContent())?.trim()}`;
  }
}
const room = (slug: string) => () => `/meetings/${meeting(slug)}/room`;

/** A token of the right shape that the server never issued: the pages show their forms, and refuse it when sent. */
const unissuedToken = 'abcdefghijklmnopqrstuvwxyz234567';
const wordsOf = (page: Page) => page.evaluate(() => document.documentElement.lang).then((lang) => dictionaries[lang as Lang]);
/** Sends the page's one form as it is and yields once the page has answered (a notice, or an alert). */
function submitted(fill: (page: Page, words: (typeof dictionaries)[Lang]) => Promise<void>, button: (words: (typeof dictionaries)[Lang]) => string) {
  return async function* (page: Page): AsyncGenerator<string> {
    const words = await wordsOf(page);
    await fill(page, words);
    await page.getByRole('button', { name: button(words), exact: true }).click();
    await page.locator('main [role="status"], main [role="alert"]').first().waitFor();
    yield 'after sending';
  };
}
const nothingToFill = async () => {};

const visits: Record<RouteName, Visit[]> = {
  home: [{ who: 'visitor', path: () => '/' }, { who: 'visitorSv', path: () => '/' }, { who: 'residentEn', path: () => '/' }],
  signin: [{ who: 'visitor', path: () => '/signin' }],
  signup: [
    {
      who: 'visitor',
      path: () => '/signup',
      // "Check your mail", once sent.
      views: submitted(async (page, words) => {
        await page.getByLabel(words['field.email']).fill('saavutettava@example.fi');
        await page.getByLabel(words['field.displayName']).fill('Saavutettava Asukas');
        await page.getByLabel(words['field.password']).fill('saavutettava salasana');
      }, (words) => words['signup.submit']),
    },
    { who: 'visitorSv', path: () => '/signup' },
  ],
  verifyEmail: [
    { who: 'visitor', path: () => `/verify?token=${unissuedToken}`, views: submitted(nothingToFill, (words) => words['verify.submit']) },
    { who: 'visitorSv', path: () => `/verify?token=${unissuedToken}` },
    { who: 'visitor', path: () => '/verify' },
  ],
  forgotPassword: [
    {
      who: 'visitor',
      path: () => '/forgot-password',
      views: submitted((page, words) => page.getByLabel(words['field.email']).fill('unohtunut@example.fi'), (words) => words['forgot.submit']),
    },
    { who: 'visitorSv', path: () => '/forgot-password' },
  ],
  resetPassword: [
    {
      who: 'visitor',
      path: () => `/reset-password?token=${unissuedToken}`,
      views: submitted((page, words) => page.getByLabel(words['reset.password']).fill('uusi pitkä salasana'), (words) => words['reset.submit']),
    },
    { who: 'visitorSv', path: () => `/reset-password?token=${unissuedToken}` },
  ],
  unsubscribe: [
    { who: 'visitor', path: () => `/unsubscribe?token=${unissuedToken}`, views: submitted(nothingToFill, (words) => words['unsubscribe.submit']) },
    { who: 'residentEn', path: () => `/unsubscribe?token=${unissuedToken}` },
  ],
  sessions: [{ who: 'resident', path: () => '/account/sessions' }],
  space: [
    { who: 'visitor', path: () => '/spaces/ymparistofoorumi' },
    { who: 'resident', path: () => '/spaces/ymparistofoorumi' },
    { who: 'juror', path: () => '/spaces/asukasraati' },
    { who: 'visitorSv', path: () => '/spaces/kuntalaisraati' },
  ],
  moderation: [{ who: 'moderator', path: () => '/spaces/ymparistofoorumi/moderation' }],
  spaceAudit: [{ who: 'moderator', path: () => '/spaces/ymparistofoorumi/audit' }],
  people: [{ who: 'chair', path: () => '/spaces/ymparistofoorumi/people' }],
  recommendations: [{ who: 'juror', path: () => '/spaces/asukasraati/recommendations' }, { who: 'chair', path: () => '/spaces/kuntalaisraati/recommendations' }],
  statement: [{ who: 'visitor', path: () => `/statements/${made.statementId}` }],
  thread: [
    { who: 'visitor', path: () => `/threads/${made.threadId}` },
    { who: 'resident', path: () => `/threads/${made.threadId}` },
    { who: 'moderator', path: () => `/threads/${made.threadId}` },
    { who: 'residentEn', path: () => `/threads/${made.threadId}` },
  ],
  meeting: [
    { who: 'visitor', path: () => `/meetings/${meeting('kuntalaisfoorumi')}` },
    { who: 'resident', path: () => `/meetings/${meeting('liikuntafoorumi')}` },
    { who: 'secretary', path: () => `/meetings/${meeting('liikuntafoorumi')}` },
    { who: 'visitorSv', path: () => `/meetings/${meeting('ymparistofoorumi')}` },
  ],
  meetingRoom: [
    { who: 'visitor', path: room('kuntalaisfoorumi'), ready: roomReady },
    { who: 'resident', path: room('kulttuurifoorumi'), ready: roomReady },
    { who: 'juror', path: room('asukasraati'), ready: roomReady },
    // The chair sees every tool: each tab of the room is checked in turn.
    { who: 'chair', path: room('kulttuurifoorumi'), ready: roomReady, views: roomTabs },
    { who: 'visitorSv', path: room('kuntalaisfoorumi'), ready: roomReady },
  ],
  meetingMinutes: [
    { who: 'visitor', path: () => `/meetings/${meeting('ymparistofoorumi')}/minutes` },
    { who: 'secretary', path: () => `/meetings/${meeting('kulttuurifoorumi')}/minutes` },
    { who: 'visitorSv', path: () => `/meetings/${meeting('ymparistofoorumi')}/minutes` },
  ],
  search: [{ who: 'visitor', path: () => '/search?q=puisto' }, { who: 'visitorSv', path: () => '/search?q=park' }],
  adminSpaces: [{ who: 'admin', path: () => '/admin/spaces' }],
  adminAudit: [{ who: 'admin', path: () => '/admin/audit' }],
  notfound: [{ who: 'visitor', path: () => '/no-such-page' }],
};

/** The route names as the router declares them (its `Route` union), and as App.svelte shows them. */
function declaredRoutes(): { router: string[]; app: string[] } {
  const router = readFileSync(join(root, 'client/router.svelte.ts'), 'utf8');
  const union = /export type Route =([\s\S]*?);\n/.exec(router)?.[1] ?? '';
  const app = readFileSync(join(root, 'client/App.svelte'), 'utf8');
  return {
    router: [...union.matchAll(/name: '(\w+)'/g)].map((m) => m[1]!).sort(),
    app: [...app.matchAll(/router\.route\.name === '(\w+)'/g)].map((m) => m[1]!),
  };
}

let app: FastifyInstance;
let url: string;
let dropDatabase: () => Promise<void>;
let browser: Browser;
const contexts = new Map<Who, { context: BrowserContext; page: Page; cspViolations: string[] }>();
const cookies: Record<string, string> = {};

async function post(path: string, who: string, body: object = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { cookie: cookies[who]!, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${path} as ${who}: ${response.status} ${JSON.stringify(json)}`);
  return { status: response.status, json };
}

/** A thread with a reported reply, meetings live and finished with published minutes, a frozen statement. */
async function furnishTown(): Promise<void> {
  const accounts = new Set<string>(['raati2']);
  for (const person of Object.values(people)) if (person.account) accounts.add(person.account);
  for (const account of accounts) {
    cookies[account] = await signInOverHttp(url, account);
  }
  for (const row of await app.db.sql<{ id: string; slug: string }[]>`select m.id, s.slug from meetings m join spaces s on s.id = m.space_id`) {
    made.meetings[row.slug] = row.id;
  }

  const created = await post('/api/spaces/ymparistofoorumi/threads', 'asukas', {
    title: 'Rantapuiston koirapuisto',
    body: 'Voisiko Rantapuistoon tehdä **aidatun koirapuiston**? Nykyinen on kaukana.',
  });
  made.threadId = (created.json.thread as { id: string }).id;
  const reply = await post(`/api/threads/${made.threadId}/posts`, 'sihteeri', { body: 'Kiitos ehdotuksesta, viemme sen suunnittelijoille.' });
  await post(`/api/posts/${(reply.json.post as { id: string }).id}/reports`, 'asukas', { reason: 'Testi: asiaton viesti' });

  for (const slug of ['kuntalaisfoorumi', 'kulttuurifoorumi', 'asukasraati', 'ymparistofoorumi']) await post(`/api/meetings/${meeting(slug)}/start`, 'puheenjohtaja');
  const finished = meeting('ymparistofoorumi');
  await post(`/api/meetings/${finished}/end`, 'puheenjohtaja');
  for (const move of ['submit', 'approve', 'publish']) await post(`/api/meetings/${finished}/minutes/${move}`, 'puheenjohtaja');

  // A juror writes a recommendation into the jury's shared document; the chair freezes the statement.
  const [jury] = await app.db.sql<{ id: string }[]>`select id from spaces where slug = 'kuntalaisraati'`;
  const writer = connect(url, recommendationsDocumentName(jury!.id), cookies.raati2);
  try {
    await synced(writer);
    writer.doc.transact(() => {
      const recommendation = new Y.Map<unknown>();
      writer.doc.getArray('recommendations').push([recommendation]);
      recommendation.set('id', 'lahikirjastot');
      const title = new Y.Text();
      recommendation.set('title', title);
      title.insert(0, 'Lähikirjastot auki iltaisin');
      for (const [key, words] of [
        ['text', 'Kirjastot ovat auki arkisin kello 21 asti.'],
        ['rationale', 'Työssäkäyvät ehtivät kirjastoon vasta illalla.'],
      ] as const) {
        const fragment = new Y.XmlFragment();
        recommendation.set(key, fragment);
        const paragraph = new Y.XmlElement('paragraph');
        fragment.insert(0, [paragraph]);
        const text = new Y.XmlText();
        paragraph.insert(0, [text]);
        text.insert(0, words);
      }
    });
    await eventually(async () => {
      const response = await fetch(`${url}/api/spaces/kuntalaisraati/recommendations/sign-offs`, { headers: { cookie: cookies.raati2! } });
      return ((await response.json()) as { recommendations: unknown[] }).recommendations.length === 1;
    });
  } finally {
    writer.destroy();
  }
  const statement = await post('/api/spaces/kuntalaisraati/statements', 'puheenjohtaja', { title: 'Kirjastoverkon kannanotto' });
  made.statementId = statement.json.id as string;
}

beforeAll(async () => {
  await ensureWorkerForTests();
  const database = await createTestDatabase();
  // The forms sent below mail their addresses: into a directory of this run's own.
  const mailDir = await mkdtemp(join(tmpdir(), 'aukio-a11y-mail-'));
  dropDatabase = async () => {
    await database.drop();
    await rm(mailDir, { recursive: true, force: true });
  };
  app = await buildApp(
    testConfig({ database: database.options, demo: true, clientDir, media: { workers: 1, mediaPort: await freeMediaPorts(1) }, mail: { ...testConfig().mail, directory: mailDir } }),
  );
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  await furnishTown();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
}, WORKER_SETUP_TIMEOUT_MS);

afterAll(async () => {
  for (const { context } of contexts.values()) await context.close();
  await browser?.close();
  await app?.close();
  await dropDatabase?.();
});

/** The person's browser tab, signed in and switched to their language on first use. */
async function tabOf(who: Who): Promise<{ page: Page; cspViolations: string[] }> {
  const existing = contexts.get(who);
  if (existing) return existing;
  const person = people[who];
  const context = await browser.newContext({ viewport: person.viewport, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
  if (person.account) {
    const [name, value] = cookies[person.account]!.split('=') as [string, string];
    await context.addCookies([{ name, value, url }]);
  }
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  const tab = { context, page, cspViolations };
  contexts.set(who, tab);
  if (person.lang !== 'fi') {
    await page.goto(url);
    await page.getByRole('button', { name: languageNames[person.lang] }).click();
    await page.waitForFunction((lang) => document.documentElement.lang === lang, person.lang);
  }
  return tab;
}

/** What a loaded page says about itself, once nothing in <main> still reads "Loading…". */
async function pageFacts(page: Page, lang: Lang) {
  const loading = dictionaries[lang]['common.loading'];
  await page.waitForFunction(
    (text) => document.querySelector('main h1') !== null && ![...document.querySelectorAll('main *')].some((el) => el.childElementCount === 0 && el.textContent?.trim() === text),
    loading,
  );
  return page.evaluate(() => ({
    h1s: [...document.querySelectorAll('h1')].map((h) => h.textContent?.trim() ?? ''),
    title: document.title,
    lang: document.documentElement.lang,
  }));
}

async function check(visit: Visit, routeName: RouteName): Promise<string[]> {
  const { lang } = people[visit.who];
  const words = dictionaries[lang];
  const tab = await tabOf(visit.who);
  const { page } = tab;
  const path = visit.path();
  const where = `${routeName} ${path} as ${visit.who} (${lang})`;
  await page.goto(`${url}${path}`);
  await visit.ready?.(page);
  const facts = await pageFacts(page, lang);
  const problems: string[] = [];
  if (facts.h1s.length !== 1 || !facts.h1s[0]) problems.push(`${where}: expected one non-empty <h1>, found ${JSON.stringify(facts.h1s)}`);
  const h1 = facts.h1s[0] ?? '';
  if (routeName !== 'notfound' && h1 === words['notFound.title']) problems.push(`${where}: shows "${h1}"`);
  const titleSuffix = words['app.documentTitle'].replace('{page}', '');
  if (!facts.title.endsWith(titleSuffix) || facts.title.length <= titleSuffix.length) problems.push(`${where}: document title "${facts.title}"`);
  if (facts.lang !== lang) problems.push(`${where}: <html lang="${facts.lang}">`);
  for (const violation of await seriousAccessibilityViolations(page)) problems.push(`${where}: ${violation}`);
  for await (const view of visit.views?.(page) ?? []) {
    for (const violation of await seriousAccessibilityViolations(page)) problems.push(`${where}, ${view}: ${violation}`);
  }
  problems.push(...tab.cspViolations.splice(0).map((text) => `${where}: CSP ${text}`));
  // A picture of what failed, for whoever reads the report.
  if (problems.length > 0) await page.screenshot({ path: join(artifactsDir, `a11y-${routeName}-${visit.who}.png`), fullPage: true });
  return problems;
}

describe('every page of the client', () => {
  it('has a visit in the table for every route the router declares and the app shows', () => {
    const declared = declaredRoutes();
    expect(declared.router.length).toBeGreaterThan(10);
    expect(Object.keys(visits).sort()).toEqual(declared.router);
    // Every route but the fallback has its own branch in App.svelte.
    expect(declared.router.filter((name) => name !== 'notfound' && !declared.app.includes(name))).toEqual([]);
    for (const [name, list] of Object.entries(visits)) {
      expect([name, list.some((visit) => people[visit.who].lang === 'fi')]).toEqual([name, true]);
    }
  });

  it('is visited in Finnish, Swedish and English on phones and laptops by every kind of person', () => {
    const all = Object.values(visits).flat();
    expect(new Set(all.map((v) => people[v.who].lang))).toEqual(new Set(['fi', 'sv', 'en']));
    expect(new Set(all.map((v) => people[v.who].viewport))).toEqual(new Set([viewports.phone, viewports.laptop]));
    expect(new Set(all.map((v) => v.who))).toEqual(new Set(Object.keys(people)));
  });

  it.each(Object.keys(visits) as RouteName[])('%s: accessible, one h1, a title, the chosen language, no CSP refusals', async (routeName) => {
    const problems: string[] = [];
    for (const visit of visits[routeName]) problems.push(...(await check(visit, routeName)));
    expect(problems).toEqual([]);
  });
});
