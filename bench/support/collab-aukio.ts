// The server under test for bench/collab.ts: the real Aukio app (buildApp, as `npm run serve`
// builds it, logging off) on the Postgres database COLLAB_DATABASE_URL, which bench/collab.ts has
// migrated and seeded. Same IPC as the fanout servers (fanout-server-ipc.ts); its socket path is
// `/collab`, under which the provider opens `/collab/<docName>`.
import { buildApp } from '../../server/app.ts';
import { testConfig } from '../../server/config.ts';
import { serveParent } from './fanout-server-ipc.ts';

const url = process.env.COLLAB_DATABASE_URL;
if (!url) throw new Error('COLLAB_DATABASE_URL is not set');
const mailDir = process.env.COLLAB_MAIL_DIR;
if (!mailDir) throw new Error('COLLAB_MAIL_DIR is not set');

const app = await buildApp(
  testConfig({
    database: { url },
    demo: false,
    logger: false,
    // The bench signs its editors up from one address.
    loginRateLimit: { max: 10_000, windowMs: 60_000 },
    // Where the editors' address checks are read from.
    mail: { ...testConfig().mail, directory: mailDir },
  }),
);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
serveParent({ port: Number(new URL(address).port), path: '/collab' }, () => app.close());
