// The servers under load, in a process of their own so the load generator does not share
// their event loop. Started by bench/api.ts as `node --import tsx bench/support/api-servers.ts`
// with BENCH_SERVER_DATABASE_URL set; prints {"aukio":port,"bare":port} on stdout once both
// listen, and closes both when stdin ends (its parent went away) or on SIGTERM/SIGINT.
import Fastify from 'fastify';
import { openDatabase } from '../../db/connection.ts';
import { buildApp } from '../../server/app.ts';
import { testConfig } from '../../server/config.ts';
import { page } from '../../server/meetings/keyset.ts';
import { toSummary } from '../../server/meetings/store.ts';
import { loadPosts, type Viewer } from '../../server/threads/post-view.ts';
import { listSpaceMeetings } from '../../server/meetings/store.ts';
import { RESIDENT_EMAIL } from './seed.ts';

const url = process.env.BENCH_SERVER_DATABASE_URL;
if (!url) throw new Error('BENCH_SERVER_DATABASE_URL is not set');

// Aukio as `npm run serve` builds it, minus logging: logger false, so the comparison is not a
// measure of log writing (production logs at info level to stdout).
const aukio = await buildApp(testConfig({ database: { url }, demo: false, logger: false }));

// The bare route: plain Fastify, no plugins, no schemas, no session, no permission checks; the
// same pool settings (openDatabase) and the same query functions, their results JSON.stringify'd.
const db = await openDatabase({ url });
const bare = Fastify({ logger: false });
bare.addHook('onClose', () => db.close());

// What Aukio looks up per request is looked up once here: the space ids and the reader.
const spaceIds = new Map((await db.sql<{ id: string; slug: string }[]>`select id, slug from spaces`).map((s) => [s.slug, s.id]));
const [resident] = await db.sql<{ id: string }[]>`select id from users where email_key = ${RESIDENT_EMAIL}`;
if (!resident) throw new Error(`No user ${RESIDENT_EMAIL} in the bench database`);
const viewer: Viewer = { userId: resident.id, isModerator: false };

type Query = Record<string, string | undefined>;

bare.get<{ Params: { slug: string }; Querystring: Query }>('/api/spaces/:slug/meetings', async (request, reply) => {
  const spaceId = spaceIds.get(request.params.slug);
  if (!spaceId) return reply.code(404).send();
  const limit = Number(request.query.limit ?? 50);
  const when = request.query.when === 'past' ? 'past' : 'upcoming';
  const rows = await listSpaceMeetings(db.sql, spaceId, { when, after: null, limit });
  // The same shaping as the Aukio route (page + toSummary), so both send the same bytes.
  const result = page(rows, limit);
  return reply.type('application/json').send(JSON.stringify({ meetings: result.rows.map(toSummary), nextCursor: result.nextCursor }));
});

bare.get<{ Params: { id: string }; Querystring: Query }>('/api/threads/:id/posts', async (request, reply) => {
  const limit = Number(request.query.limit ?? 50);
  const posts = await loadPosts(db.sql, { threadId: request.params.id, afterSeq: request.query.after ?? '0', limit: limit + 1 }, viewer);
  const shown = posts.slice(0, limit);
  return reply.type('application/json').send(JSON.stringify({ posts: shown, nextCursor: posts.length > limit ? shown.at(-1)!.seq : null }));
});

const aukioPort = await listen(aukio);
const barePort = await listen(bare);

async function listen(app: { listen(opts: { port: number; host: string }): Promise<string> }): Promise<number> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return Number(new URL(address).port);
}

let closing: Promise<void> | undefined;
function shutdown() {
  closing ??= Promise.allSettled([aukio.close(), bare.close()]).then((results) => {
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) console.error('api-servers: close failed:', failed.reason);
    process.exit(failed ? 1 : 0);
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ aukio: aukioPort, bare: barePort })}\n`);
