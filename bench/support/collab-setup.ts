// bench/collab.ts's fixtures: a scratch database with Aukio's schema, the demo town and one
// online meeting per benchmark document (its shared notes are the document), and the editors,
// signed up over HTTP and joined to the meetings' open forum, whose members may write notes.
import { openDatabase } from '../../db/connection.ts';
import { seedDemoTown } from '../../db/demo-town.ts';
import { migrate } from '../../db/migrate.ts';
import { signUpThroughMail } from '../../server/auth/test-sign-up.ts';
import { notesDocumentName } from '../../server/collab/access.ts';
import { emlMailbox } from '../../server/mail/test-mailbox.ts';
import { BENCH_SPACE } from './seed.ts';

/** Migrates and seeds the database at `url`; returns the names of `count` notes documents. */
export async function prepareDatabase(url: string, count: number): Promise<string[]> {
  const db = await openDatabase({ url });
  try {
    await migrate(db.sql);
    await seedDemoTown(db.sql);
    const meetings = await db.sql<{ id: string }[]>`
      insert into meetings (space_id, title, description, starts_at, ends_at, mode)
      select s.id, jsonb_build_object('fi', 'Työpaja ' || i, 'sv', 'Verkstad ' || i, 'en', 'Workshop ' || i),
             jsonb_build_object('fi', 'Kirjoitetaan yhdessä.', 'sv', 'Vi skriver tillsammans.', 'en', 'We write together.'),
             now() + interval '1 hour', now() + interval '3 hours', 'meeting'
      from spaces s, generate_series(1, ${count}) i
      where s.slug = ${BENCH_SPACE}
      order by i
      returning id`;
    if (meetings.length !== count) throw new Error(`The demo town has no space ${BENCH_SPACE}`);
    return meetings.map((m) => notesDocumentName(m.id));
  } finally {
    await db.close();
  }
}

async function post(baseUrl: string, path: string, body: unknown, cookie?: string): Promise<Response> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return response;
}

/**
 * Signs `names.length` residents up on Aukio (a few at a time: each is an argon2 hash on the
 * server), through the address check the server writes into `mailDir`, and has each join the bench
 * space; returns their session cookies, in order.
 */
export async function signUpEditors(baseUrl: string, mailDir: string, names: string[], run: string): Promise<string[]> {
  const cookies: string[] = new Array<string>(names.length);
  const server = { url: baseUrl, mailbox: emlMailbox(mailDir) };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < names.length; i = next++) {
      const { cookie } = await signUpThroughMail(server, { email: `collab-${run}-${i}@bench.example`, password: 'collab-bench-password', displayName: names[i]! });
      await post(baseUrl, `/api/spaces/${BENCH_SPACE}/join`, undefined, cookie);
      cookies[i] = cookie;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return cookies;
}
