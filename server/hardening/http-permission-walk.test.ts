/**
 * The permission walk over HTTP: every route of /api/openapi.json, with the valid request of
 * route-examples.ts, as every walker (anonymous, a resident, a juror, a moderator, a secretary, the
 * chair, the site admin) in every space of the demo town (public forums, a members-only forum,
 * a members-only jury, a publicly listed jury, a town hall), compared with `can()`.
 *
 * Allowed by the table → a 2xx (and the example's own checks, e.g. the flags a page is given).
 * Refused → the app's convention (server/permissions/require.ts): 404 when the walker may not see
 * the space (an anonymous caller may instead be asked to sign in, 401, which reveals nothing),
 * else 401 for anonymous, else 403.
 *
 * Reading a failure: one line per disagreeing call, e.g.
 *   resident @ asukasraati (jury/members, roles: none): table allows (space.view) → got 404 {…}
 * names who, where (the kind, visibility and the walker's roles there), what the table says and
 * under which rule, and the answer. Either the route checks the wrong action (fix the route), or
 * the example maps the route to the wrong action (fix route-examples.ts), or the table is wrong
 * (fix server/permissions/permissions.ts and its test). "no example" means a new route: add one.
 */
import type { LightMyRequestResponse } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpThroughMail } from '../auth/test-sign-up.ts';
import { can, canView } from '../permissions/permissions.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { apiRoutes, fillPath, queryString, type ApiRoute } from './api-routes.ts';
import { routeExamples, type Allowed, type Example, type Place, type WalkCall } from './route-examples.ts';
import { openTown, seedRecommendation, unthrottled, walkers, type Town, type Walker } from './town.ts';
import { WalkFixtures } from './walk-fixtures.ts';

const recordingsDir = await mkdtemp(join(tmpdir(), 'aukio-walk-recordings-'));
const t: TestApp = await startTestApp({ demo: true, ...unthrottled, recordingsDir });
const routes: ApiRoute[] = await apiRoutes(t.app);
let town: Town;
let fx: WalkFixtures;
let places: Place[];
let target: { id: string; email: string };
let calls = 0;

beforeAll(async () => {
  town = await openTown(t.app);
  fx = new WalkFixtures(t.app, town.sql, town.cookies.chair);
  const email = 'kohde@example.org';
  const { user } = await signUpThroughMail(t.app, { email, password: 'kohteen salasana', displayName: 'Kalle Kohde' });
  target = { id: user.id, email };
  places = [];
  for (const space of town.spaces) {
    const { threadId, postId } = await fx.thread(space.id, town.userIds.admin);
    let recommendationId: string | null = null;
    let statementId: string | null = null;
    if (space.kind === 'jury') {
      recommendationId = await seedRecommendation(town.sql, space.id, 'Kirjastoauto kulkemaan');
      const frozen = await t.app.inject({ method: 'POST', url: `/api/spaces/${space.slug}/statements`, headers: { cookie: town.cookies.chair }, payload: {} });
      statementId = (frozen.json() as { id: string }).id;
    }
    const recordingId = await fx.recording(space.meetingId, recordingsDir);
    places.push({ space, threadId, postId, recommendationId, statementId, publishedMeetingId: await fx.minutes(space.id, 'published'), recordingId });
  }
}, 240_000);

afterAll(async () => {
  await t.close();
  await rm(recordingsDir, { recursive: true, force: true });
});

function decide(allowed: Allowed, call: WalkCall): { allowed: boolean; rule: string } {
  if (typeof allowed === 'object') return { allowed: allowed.decide(call), rule: allowed.rule };
  if (allowed === 'anyone') return { allowed: true, rule: 'anyone' };
  if (allowed === 'signedIn') return { allowed: call.userId !== null, rule: 'signed in' };
  if (allowed === 'siteAdmin') return { allowed: call.actor.isAdmin, rule: 'site admin' };
  return { allowed: can(call.actor, allowed, call.place!.space), rule: allowed };
}

/** What a refusal may answer, by the convention of server/permissions/require.ts. */
function refusals(call: WalkCall): number[] {
  if (call.place && !canView(call.actor, call.place.space)) return call.userId ? [404] : [404, 401];
  return call.userId ? [403] : [401];
}

function describeCall(call: WalkCall, example: Example): string {
  const label = example.label ? ` [${example.label}]` : '';
  if (!call.place) return `${call.who}${label}`;
  const { slug, kind, visibility } = call.place.space;
  const roles = [...call.actor.roles, ...(call.actor.isAdmin ? ['site admin'] : [])].join(', ') || 'none';
  return `${call.who} @ ${slug} (${kind}/${visibility}, roles: ${roles})${label}`;
}

async function walkOne(route: ApiRoute, example: Example, who: Walker, place: Place | null): Promise<string | null> {
  const userId = who === 'anonymous' ? null : town.userIds[who];
  const actor = place ? await town.actorIn(who, place.space.id) : town.siteActorOf(who);
  const call: WalkCall = { town, fx, who, userId, cookie: town.cookieOf(who), actor, place, target };
  const { allowed, rule } = decide(example.allowed, call);
  const request = await example.request(call);
  const cookie = 'cookie' in request ? request.cookie : call.cookie;
  let response: LightMyRequestResponse;
  try {
    response = await t.app.inject({
      method: route.method,
      url: fillPath(route.path, request.params ?? {}) + queryString(request.query ?? []),
      headers: cookie ? { cookie } : {},
      ...(request.payload !== undefined ? { payload: request.payload as object } : {}),
    });
  } finally {
    calls += 1;
  }
  try {
    const status = response.statusCode;
    const ok = allowed ? status >= 200 && status < 300 : refusals(call).includes(status);
    if (!ok) return `${describeCall(call, example)}: table ${allowed ? 'allows' : 'refuses'} (${rule}) → got ${status} ${response.body.slice(0, 160)}`;
    if (allowed && example.check) {
      try {
        await example.check(response, call);
      } catch (error) {
        return `${describeCall(call, example)}: allowed, but ${(error as Error).message.split('\n')[0]}`;
      }
    }
    return null;
  } finally {
    await example.after?.(call);
  }
}

async function walkRoute(route: ApiRoute, examples: Example[]): Promise<string[]> {
  const found: string[] = [];
  for (const example of examples) {
    if (example.scope === 'site') {
      for (const who of walkers) found.push(...[await walkOne(route, example, who, null)].filter((m): m is string => m !== null));
      continue;
    }
    const where = places.filter((p) => !example.kinds || example.kinds.includes(p.space.kind));
    // Spaces in parallel (nothing an example does in one space touches another); walkers one after another.
    const perPlace = await Promise.all(
      where.map(async (place) => {
        const out: string[] = [];
        for (const who of walkers) {
          const mismatch = await walkOne(route, example, who, place);
          if (mismatch) out.push(mismatch);
        }
        return out;
      }),
    );
    found.push(...perPlace.flat());
  }
  return found;
}

describe('the permission walk over HTTP', () => {
  it('has an example for every documented route, and none for a route that is gone', () => {
    const documented = new Set(routes.map((r) => r.key));
    expect(routes.filter((r) => !routeExamples[r.key]).map((r) => `no example: ${r.key}`)).toEqual([]);
    expect(Object.keys(routeExamples).filter((key) => !documented.has(key)).map((key) => `example for a route not in the API: ${key}`)).toEqual([]);
  });

  for (const route of routes) {
    it.skipIf(!routeExamples[route.key])(`${route.key} answers each walker in each space as the table says`, async () => {
      expect(await walkRoute(route, routeExamples[route.key]!)).toEqual([]);
    });
  }

  it('made its calls', () => {
    // 7 walkers in 7 spaces for most routes: a walk that silently skipped its work would show here.
    expect(calls).toBeGreaterThan(routes.length * walkers.length * 4);
  });
});
