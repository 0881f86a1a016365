// The server under test for bench/fanout.ts: the real Aukio app on an embedded database in
// FANOUT_DATA_DIR, seeded with the demo town, listening on 127.0.0.1. Started with an IPC channel;
// sends {type:'ready', port, path} (path: the town-hall broadcast's room socket), answers
// {type:'stats'} with its memory and CPU, and closes on {type:'stop'}, SIGTERM, or when the
// parent goes away.
import { buildApp } from '../../server/app.ts';
import { testConfig } from '../../server/config.ts';
import { serveParent } from './fanout-server-ipc.ts';

const dataDir = process.env.FANOUT_DATA_DIR;
if (!dataDir) throw new Error('FANOUT_DATA_DIR is not set');
const mailDir = process.env.FANOUT_MAIL_DIR;
if (!mailDir) throw new Error('FANOUT_MAIL_DIR is not set');

const app = await buildApp(
  testConfig({
    database: { dataDir },
    demo: true,
    logger: false,
    // The bench signs up its posters and signs the moderator in from one address.
    loginRateLimit: { max: 1000, windowMs: 60_000 },
    // Where the posters' address checks are read from.
    mail: { ...testConfig().mail, directory: mailDir },
  }),
);

const [meeting] = await app.db.sql<{ id: string; mode: string }[]>`
  select m.id, m.mode from meetings m join spaces s on s.id = m.space_id where s.slug = 'kuntalaisfoorumi'`;
if (!meeting || meeting.mode !== 'broadcast') throw new Error('The demo town has no broadcast meeting in kuntalaisfoorumi');

const address = await app.listen({ port: 0, host: '127.0.0.1' });
serveParent({ port: Number(new URL(address).port), path: `/rooms/${meeting.id}` }, () => app.close());
