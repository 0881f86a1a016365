// The server under test for bench/soak.ts: the real Aukio app, on the PostgreSQL database named by
// SOAK_DATABASE_URL (else an embedded one in SOAK_DATA_DIR), with the demo town plus SOAK_ROOMS live
// meetings and SOAK_PARTICIPANTS residents signed in (sessions made directly: argon2 for
// thousands of sign-ins would only measure the password hash).
import { buildApp } from '../../server/app.ts';
import { generateSessionToken, createSession } from '../../server/auth/sessions.ts';
import { testConfig } from '../../server/config.ts';
import type { ParentToSoakServer, SoakRoom, SoakServerReady } from './soak-protocol.ts';

const rooms = Number(process.env.SOAK_ROOMS);
const participants = Number(process.env.SOAK_PARTICIPANTS);
const editorsPerRoom = Number(process.env.SOAK_EDITORS_PER_ROOM);
const url = process.env.SOAK_DATABASE_URL;
const dataDir = process.env.SOAK_DATA_DIR;
if (!(rooms > 0 && participants > 0 && editorsPerRoom >= 0) || (!url && !dataDir)) throw new Error('soak-server: settings missing');

const app = await buildApp(testConfig({ database: url ? { url } : { dataDir: dataDir! }, demo: true, logger: false }));
const sql = app.db.sql;

const [space] = await sql<{ id: string }[]>`select id from spaces where slug = 'ymparistofoorumi'`;
if (!space) throw new Error('The demo town has no ymparistofoorumi');
const meetings = await sql<{ id: string }[]>`
  insert into meetings (space_id, title, description, starts_at, ends_at, mode, state, place, created_at, updated_at)
  select ${space.id},
         jsonb_build_object('fi', 'Kestotesti ' || i, 'sv', 'Uthållighetstest ' || i, 'en', 'Soak test ' || i),
         jsonb_build_object('fi', 'Kuormitus', 'sv', 'Belastning', 'en', 'Load'),
         now() - interval '5 minutes', now() + interval '3 hours', 'meeting', 'live', 'online', now(), now()
  from generate_series(1, ${rooms}) i
  returning id`;
const users = await sql<{ id: string }[]>`
  insert into users (email, email_key, display_name, password_hash)
  select 'kesto' || i || '@pihlajalahti.example', 'kesto' || i || '@pihlajalahti.example', 'Kestäjä ' || i, '!'
  from generate_series(1, ${participants}) i
  order by i
  returning id`;

const perRoom = Math.ceil(participants / rooms);
const roomsOut: SoakRoom[] = meetings.map((m) => ({ meetingId: m.id, participants: [] }));
for (const [i, user] of users.entries()) {
  const room = roomsOut[Math.floor(i / perRoom)]!;
  const token = generateSessionToken();
  await createSession(sql, token, user.id, 'bench:soak');
  // The notes are for the space's members.
  if (room.participants.length < editorsPerRoom) await sql`insert into space_roles (space_id, user_id, role) values (${space.id}, ${user.id}, 'member')`;
  room.participants.push(token);
}
const [chairUser] = await sql<{ id: string }[]>`select id from users where email_key = 'puheenjohtaja@pihlajalahti.example'`;
const chair = generateSessionToken();
await createSession(sql, chair, chairUser!.id, 'bench:soak');

const address = await app.listen({ port: 0, host: '127.0.0.1' });
if (!process.send) throw new Error('Start soak-server with an IPC channel (bench/soak.ts does)');
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 10_000).unref();
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('message', (message: ParentToSoakServer) => message.type === 'stop' && stop());
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.send({ type: 'ready', port: Number(new URL(address).port), rooms: roomsOut, chair } satisfies SoakServerReady);
