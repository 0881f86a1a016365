/**
 * The demo town as the hardening tests use it: its people signed in, its spaces (plus a
 * members-only forum, which the demo lacks, so every column of the permission table is met),
 * each person's standing per space as `can()` takes it, and a fingerprint of the whole database.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as Y from 'yjs';
import type { Sql } from '../../db/connection.ts';
import { DEMO_PASSWORD, demoAccounts } from '../../db/demo-town.ts';
import { createSession, generateSessionToken } from '../auth/sessions.ts';
import { appendUpdates } from '../collab/document-store.ts';
import { recommendationsDocumentName } from '../jury/recommendations.ts';
import type { Actor, SpaceKind, SpaceRole, Visibility } from '../permissions/permissions.ts';
import type { AppConfig } from '../config.ts';
import { signIn } from '../test-app.ts';

/** The people the walks act as: one per standing the demo gives (resident is a member of one forum only). */
export const walkers = ['anonymous', 'resident', 'juror', 'moderator', 'secretary', 'chair', 'admin'] as const;
export type Walker = (typeof walkers)[number];
type AccountKey = (typeof demoAccounts)[number]['key'];

export interface SpaceInfo {
  id: string;
  slug: string;
  kind: SpaceKind;
  visibility: Visibility;
  /** The space's first meeting (scheduled). */
  meetingId: string;
}

export interface Town {
  app: FastifyInstance;
  sql: Sql;
  /** Session cookies (`aukio_session=…`) by account key; anonymous has none. */
  cookies: Record<AccountKey, string>;
  userIds: Record<AccountKey, string>;
  spaces: SpaceInfo[];
  cookieOf(who: Walker): string | undefined;
  /** The walker as `can()` sees them in the space now (roles read afresh: walks change them). */
  actorIn(who: Walker, spaceId: string): Promise<Actor>;
  /** The walker outside any space, as site-wide routes see them. */
  siteActorOf(who: Walker): Actor;
}

const MEMBERS_FORUM = 'jasenfoorumi';

/**
 * The walks send every walker's requests many times a minute: their answers are the table's, not
 * the rate limits' (which auth.test.ts and threads.test.ts test).
 */
const plenty = { max: 100_000, windowMs: 60_000 };
export const unthrottled: Pick<AppConfig, 'loginRateLimit' | 'accountSignInLimit' | 'writeLimits'> = {
  loginRateLimit: plenty,
  accountSignInLimit: plenty,
  writeLimits: { posts: plenty, reports: plenty, reactions: plenty },
};
const accountKey = (who: Exclude<Walker, 'anonymous'>): AccountKey => who;

export async function openTown(app: FastifyInstance): Promise<Town> {
  const sql = app.db.sql;
  const cookies = {} as Record<AccountKey, string>;
  const userIds = {} as Record<AccountKey, string>;
  const admins = new Set<string>();
  for (const account of demoAccounts) {
    cookies[account.key] = await signIn(app, account.email, DEMO_PASSWORD);
    const [row] = await sql<{ id: string; isAdmin: boolean }[]>`select id, is_admin as "isAdmin" from users where email = ${account.email}`;
    userIds[account.key] = row!.id;
    if (row!.isAdmin) admins.add(row!.id);
  }
  await addMembersForum(app, cookies);
  const spaces = await sql<SpaceInfo[]>`
    select distinct on (s.slug) s.id, s.slug, s.kind, s.visibility, m.id as "meetingId"
    from spaces s join meetings m on m.space_id = s.id order by s.slug, m.starts_at`;
  return {
    app,
    sql,
    cookies,
    userIds,
    spaces,
    cookieOf: (who) => (who === 'anonymous' ? undefined : cookies[accountKey(who)]),
    siteActorOf(who) {
      const userId = who === 'anonymous' ? null : userIds[accountKey(who)];
      return { userId, isAdmin: userId !== null && admins.has(userId), roles: new Set() };
    },
    async actorIn(who, spaceId) {
      if (who === 'anonymous') return { userId: null, isAdmin: false, roles: new Set() };
      const userId = userIds[accountKey(who)];
      const rows = await sql<{ role: SpaceRole; isAdmin: boolean }[]>`
        select r.role, u.is_admin as "isAdmin" from users u left join space_roles r on r.user_id = u.id and r.space_id = ${spaceId}
        where u.id = ${userId}`;
      return { userId, isAdmin: rows[0]?.isAdmin ?? false, roles: new Set(rows.flatMap((r) => (r.role ? [r.role] : []))) };
    },
  };
}

/** Made through the API as the admin and the chair would, so the walk also covers a members-only forum. */
async function addMembersForum(app: FastifyInstance, cookies: Record<AccountKey, string>): Promise<void> {
  const as = async (who: AccountKey, method: 'POST', url: string, payload: object) => {
    const response = await app.inject({ method, url, headers: { cookie: cookies[who] }, payload });
    if (response.statusCode >= 300) throw new Error(`${method} ${url} as ${who}: ${response.statusCode} ${response.body}`);
  };
  const text = (fi: string) => ({ fi });
  await as('admin', 'POST', '/api/spaces', {
    slug: MEMBERS_FORUM,
    kind: 'forum',
    visibility: 'members',
    name: text('Jäsenfoorumi'),
    description: text('Vain jäsenille näkyvä foorumi.'),
  });
  for (const [key, role] of [
    ['moderator', 'moderator'],
    ['secretary', 'secretary'],
    ['chair', 'chair'],
  ] as const) {
    await as('admin', 'POST', `/api/spaces/${MEMBERS_FORUM}/people`, { email: demoAccounts.find((a) => a.key === key)!.email, role });
  }
  await as('chair', 'POST', `/api/spaces/${MEMBERS_FORUM}/people`, { email: demoAccounts.find((a) => a.key === 'resident')!.email, role: 'member' });
  const startsAt = new Date(Date.now() + 4 * 86_400_000);
  await as('chair', 'POST', `/api/spaces/${MEMBERS_FORUM}/meetings`, {
    title: text('Jäsenkokous'),
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    mode: 'meeting',
    place: 'hybrid',
    address: 'Kaupungintalo',
    capacity: 20,
    agenda: [{ title: text('Avaus') }, { title: text('Keskustelu') }],
  });
}

/** A session for the account without a sign-in (no password hashing, no login rate limit). */
export async function extraSession(sql: Sql, userId: string): Promise<{ cookie: string; sessionId: string }> {
  const token = generateSessionToken();
  const session = await createSession(sql, token, userId, 'hardening-test');
  return { cookie: `aukio_session=${token}`, sessionId: session.id };
}

/** Writes a recommendation into a jury's recommendations document, as the editor would; returns its id. */
export async function seedRecommendation(sql: Sql, spaceId: string, title: string): Promise<string> {
  const id = `r-${randomUUID().slice(0, 8)}`;
  const doc = new Y.Doc();
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    doc.getArray('recommendations').push([map]);
    map.set('id', id);
    const titleText = new Y.Text();
    map.set('title', titleText);
    titleText.insert(0, title);
    for (const key of ['text', 'rationale']) {
      const fragment = new Y.XmlFragment();
      map.set(key, fragment);
      const paragraph = new Y.XmlElement('paragraph');
      fragment.insert(0, [paragraph]);
      const text = new Y.XmlText();
      paragraph.insert(0, [text]);
      text.insert(0, `${title}: ${key}`);
    }
  });
  await appendUpdates(sql, recommendationsDocumentName(spaceId), { spaceId, meetingId: null }, [Y.encodeStateAsUpdate(doc)]);
  return id;
}

/**
 * The shared documents' store, which the document registry folds and unloads in the background,
 * on its own schedule, and the mail outbox, whose sender marks mails sent as it sends them: no
 * refused request writes them, but they change between any two requests.
 */
const writtenInBackground = ['document_snapshots', 'document_updates', 'mail_outbox'];

const tablesOf = new WeakMap<Sql, string[]>();

/**
 * A hash per table over every row of the application's tables (order-independent, so no sort):
 * equal fingerprints mean no row was added, removed or changed anywhere.
 */
export async function databaseFingerprint(sql: Sql): Promise<Record<string, string>> {
  let tables = tablesOf.get(sql);
  if (!tables) {
    const rows = await sql<{ name: string }[]>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> all(${writtenInBackground})
      order by table_name`;
    tables = rows.map((r) => r.name);
    tablesOf.set(sql, tables);
  }
  const parts = tables.map((name) => sql`select ${name} as name, count(*) || ':' || coalesce(sum(hashtext(t::text)::bigint), 0) as hash from ${sql(name)} t`);
  const rows = await sql<{ name: string; hash: string }[]>`${parts.reduce((all, part) => sql`${all} union all ${part}`)}`;
  return Object.fromEntries(rows.map((r) => [r.name, r.hash]));
}

/** Which tables differ between two fingerprints. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
}
