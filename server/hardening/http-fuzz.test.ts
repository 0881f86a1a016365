/**
 * Bad input over HTTP, property-based: for every route of /api/openapi.json, generated path
 * parameters, query strings and bodies (made from the route's own schema: valid, near its limits,
 * wrong in one place, or anything at all) sent as anonymous and as signed-in people of several standings.
 *
 * Every answer must be a 2xx (the input happened to be valid and allowed) or a 4xx with the JSON error
 * body {statusCode, error, message}; never a 5xx. After a 4xx the whole database must be exactly as
 * before (a fingerprint of every row of every table).
 *
 * Reading a failure: fast-check prints the counterexample (who, the request) after shrinking it, with
 * `seed` and `path`; rerun just that case with FUZZ_SEED=<seed> (and fc's `path` if you like). More runs
 * for a deeper search: FUZZ_RUNS=200. "changed tables" lists what a refused request wrote.
 */
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoAccounts } from '../../db/demo-town.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { apiRoutes, fillPath, queryString, type ApiRoute } from './api-routes.ts';
import { displayNameProblem } from '../auth/display-name.ts';
import { passwordProblem } from '../auth/password-policy.ts';
import { extremeDates, fuzzed, hostileStrings, text, valid, weakPasswords, withInvisible, type Hints } from './arbitraries.ts';
import { changedTables, databaseFingerprint, extraSession, openTown, seedRecommendation, unthrottled, type Town, type Walker } from './town.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20_260_701);
const numRuns = Number(process.env.FUZZ_RUNS ?? 12);
const fuzzers: Walker[] = ['anonymous', 'resident', 'moderator', 'chair', 'admin'];

// The app starts while the file is collected, so each route becomes a test of its own name.
const t: TestApp = await startTestApp({ demo: true, ...unthrottled });
const routes: ApiRoute[] = await apiRoutes(t.app);
let town: Town;
let hints: Hints;

beforeAll(async () => {
  town = await openTown(t.app);
  const ids = await fixtures(town);
  const pick = (values: unknown[]) => fc.constantFrom(...values);
  const byField: Record<string, fc.Arbitrary<unknown>> = {
    slug: pick(town.spaces.map((s) => s.slug)),
    space: pick(town.spaces.map((s) => s.slug)),
    spaceSlug: pick(town.spaces.map((s) => s.slug)),
    id: pick([...town.spaces.map((s) => s.meetingId), ...ids.threads, ...ids.posts, ...ids.sessions]),
    userId: pick(Object.values(town.userIds)),
    actorId: pick(Object.values(town.userIds)),
    recommendationId: pick(ids.recommendations),
    version: pick([1, 2]),
    ref: pick(ids.statements.flatMap((id) => [id, `${id}.html`, `${id}.md`, `${id}.json`, id.toUpperCase()])),
    // Page cursors are base64url JSON pairs [time, id]: made here so generated ones get past the decoding.
    cursor: fc
      .tuple(fc.oneof(fc.stringMatching(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z)$/), fc.constantFrom(...extremeDates)), fc.oneof(fc.uuid(), fc.stringMatching(/^[0-9a-f-]{36}$/)))
      .map((pair) => Buffer.from(JSON.stringify(pair)).toString('base64url')),
    email: fc.oneof(pick(demoAccounts.map((a) => a.email)), fc.uuid().map((id) => `fuzz-${id}@example.org`)),
    // Passwords and names a careless or hostile person would try: weak ones, and ones with invisible characters.
    password: fc.oneof(pick([DEMO_PASSWORD]), weakPasswords, withInvisible(fc.constantFrom('pitkä salasana vaan', 'kolme pientä sanaa')), text(10, 64)),
    displayName: fc.oneof(text(1, 80), withInvisible(fc.constantFrom('Aino Asukas', 'Paavo Puhemies', 'Kävijä'))),
  };
  hints = (field) => byField[field];
});

afterAll(async () => {
  await t.close();
});

/** Threads, posts, recommendations and a frozen statement to aim at, made through the API. */
async function fixtures(town: Town) {
  const admin = { cookie: town.cookies.admin };
  const threads: string[] = [];
  const posts: string[] = [];
  for (const space of town.spaces) {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${space.slug}/threads`,
      headers: admin,
      payload: { title: 'Kohde', body: 'Ensimmäinen viesti' },
    });
    const { thread, post } = response.json() as { thread: { id: string }; post: { id: string } };
    threads.push(thread.id);
    posts.push(post.id);
  }
  const recommendations: string[] = [];
  const statements: string[] = [];
  for (const space of town.spaces.filter((s) => s.kind === 'jury')) {
    recommendations.push(await seedRecommendation(town.sql, space.id, 'Lisää kirjastoja'));
    const frozen = await t.app.inject({ method: 'POST', url: `/api/spaces/${space.slug}/statements`, headers: { cookie: town.cookies.chair }, payload: {} });
    statements.push((frozen.json() as { id: string }).id);
  }
  const sessions = [(await extraSession(town.sql, town.userIds.resident)).sessionId];
  return { threads, posts, recommendations, statements, sessions };
}

interface FuzzRequest {
  who: Walker;
  params: Record<string, string>;
  rawPath: boolean;
  query: [string, string][];
  body: { payload: string; contentType: string | undefined } | undefined;
  /** A foreign page's Origin header on the request. */
  origin: string | undefined;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

function paramsArb(route: ApiRoute): fc.Arbitrary<{ params: Record<string, string>; rawPath: boolean }> {
  if (route.pathParams.length === 0) return fc.constant({ params: {}, rawPath: false });
  const model = Object.fromEntries(
    route.pathParams.map((p) => [p.name, fc.oneof({ arbitrary: valid(p.schema, hints, p.name).map(asText), weight: 5 }, { arbitrary: text(1, 300), weight: 1 })]),
  );
  const encoded = fc.record(model).map((params) => ({ params, rawPath: false }));
  // Unencoded segments: broken percent-escapes, dot segments, encoded slashes.
  const raw = fc
    .record(Object.fromEntries(route.pathParams.map((p) => [p.name, fc.constantFrom('%', '%ZZ', '%E0%A4%A', '..', '.', '%2e%2e', '%2F', '%00', 'a%2Fb', '%C0%AF')])))
    .map((params) => ({ params, rawPath: true }));
  return fc.oneof({ arbitrary: encoded, weight: 9 }, { arbitrary: raw, weight: 1 });
}

function queryArb(route: ApiRoute): fc.Arbitrary<[string, string][]> {
  const eachParam = route.query.map((p) =>
    fc.oneof(
      { arbitrary: valid(p.schema, hints, p.name).map((v) => [[p.name, asText(v)]] as [string, string][]), weight: 5 },
      { arbitrary: fc.constant([] as [string, string][]), weight: 1 },
      { arbitrary: fc.constantFrom(...hostileStrings).map((v) => [[p.name, v]] as [string, string][]), weight: 2 },
      { arbitrary: fc.tuple(text(), text()).map(([a, b]) => [[p.name, a], [p.name, b]] as [string, string][]), weight: 1 },
    ),
  );
  const extra = fc.oneof(
    { arbitrary: fc.constant([] as [string, string][]), weight: 6 },
    { arbitrary: fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', '__proto__[isAdmin]', 'x'), text()).map((pair) => [pair]), weight: 1 },
  );
  return fc.tuple(fc.tuple(...eachParam), extra).map(([params, more]) => [...params.flat(), ...more]);
}

function bodyArb(route: ApiRoute): fc.Arbitrary<FuzzRequest['body']> {
  if (!route.body) return fc.constant(undefined);
  const json = fuzzed(route.body, hints).map((value) => (value === undefined ? undefined : { payload: JSON.stringify(value), contentType: 'application/json' }));
  const odd = fc.oneof(
    fc.constantFrom('{', '', '[1,', 'null', '"text"', '{"a":1}{"b":2}', '\u0000', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}').map((payload) => ({
      payload,
      contentType: 'application/json',
    })),
    fc.constant({ payload: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: 'application/json' }),
    fc.constant({ payload: `{"x":"${'a'.repeat(1024 * 1024 + 10)}"}`, contentType: 'application/json' }),
    fuzzed(route.body, hints).map((value) => ({ payload: JSON.stringify(value) ?? '', contentType: 'text/plain' })),
    fc.constantFrom('application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', undefined).map((contentType) => ({
      payload: 'a=1&b=2',
      contentType,
    })),
  );
  return fc.oneof({ arbitrary: json, weight: 12 }, { arbitrary: odd, weight: 1 });
}

function requestArb(route: ApiRoute): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      who: fc.constantFrom(...fuzzers),
      path: paramsArb(route),
      query: queryArb(route),
      body: bodyArb(route),
      origin: fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: fc.constant('https://evil.example'), weight: 1 }),
    })
    .map(({ path, ...rest }) => ({ ...rest, params: path.params, rawPath: path.rawPath }));
}

/** Signing out ends the session it is sent with: that route gets a session of its own each time. */
async function cookieFor(route: ApiRoute, who: Walker): Promise<string | undefined> {
  if (route.key !== 'POST /api/auth/signout' || who === 'anonymous') return town.cookieOf(who);
  return (await extraSession(town.sql, town.userIds[who])).cookie;
}

async function send(route: ApiRoute, request: FuzzRequest, cookie: string | undefined): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (request.body?.contentType) headers['content-type'] = request.body.contentType;
  if (request.origin) headers.origin = request.origin;
  return t.app.inject({
    method: route.method,
    url: fillPath(route.path, request.params, request.rawPath) + queryString(request.query),
    headers,
    ...(request.body ? { payload: request.body.payload } : {}),
  });
}

/** A sign-up the server took in (to be confirmed by mail): its stored name and its password pass the policies a refusal would have named. */
async function expectAcceptableSignup(request: FuzzRequest): Promise<void> {
  const { email, password } = JSON.parse(request.body!.payload) as { email: string; password: string };
  const rows = await town.sql<{ displayName: string }[]>`
    select display_name as "displayName" from signup_requests where email = ${email.trim()} and used_at is null`;
  // An address that already has an account gets a mail instead, and nothing is stored.
  for (const row of rows) {
    expect(displayNameProblem(row.displayName), JSON.stringify(row.displayName)).toBeNull();
    expect(passwordProblem(password, { email, displayName: row.displayName }), JSON.stringify(password)).toBeNull();
  }
}

function expectWellFormed(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
  if (response.statusCode < 400) return;
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json() as Record<string, unknown>;
  expect(body.statusCode).toBe(response.statusCode);
  expect(typeof body.error).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

describe('generated requests to every route', () => {
  it('covers the documented API', () => {
    expect(routes.length).toBeGreaterThan(50);
  });

  for (const [index, route] of routes.entries()) {
    it(`${route.key} answers 2xx or a JSON 4xx, and a refusal writes nothing`, async () => {
      let before = await databaseFingerprint(town.sql);
      await fc.assert(
        fc.asyncProperty(requestArb(route), async (request) => {
          const cookie = await cookieFor(route, request.who);
          if (cookie !== town.cookieOf(request.who)) before = await databaseFingerprint(town.sql);
          const response = await send(route, request, cookie);
          const after = await databaseFingerprint(town.sql);
          try {
            expectWellFormed(response);
            if (route.key === 'POST /api/auth/signup' && response.statusCode === 202) await expectAcceptableSignup(request);
            if (response.statusCode >= 400) expect(changedTables(before, after), `${response.statusCode} ${response.body}`).toEqual([]);
          } finally {
            before = after;
          }
        }),
        { seed: seed + index, numRuns },
      );
    }, 30_000 + numRuns * 1_000);
  }
});
