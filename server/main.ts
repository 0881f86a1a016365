import { DEMO_PASSWORD, demoAccounts } from '../db/demo-town.ts';
import { MigrationError } from '../db/migrate.ts';
import { buildApp } from './app.ts';
import { configFromEnv } from './config.ts';

const { app: config, server } = configFromEnv(process.env);

let app;
try {
  app = await buildApp(config);
} catch (error) {
  if (error instanceof MigrationError) {
    console.error(`\n${error.message}\nThe database was left as it was before this migration. Fix the migration and start again.\n`);
  } else {
    console.error('\nAukio could not start:', error instanceof Error ? error.message : error, '\n');
  }
  process.exit(1);
}

const address = await app.listen({ port: server.port, host: server.host });
const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
const where = config.database.url ? 'PostgreSQL server' : `embedded database in ${config.database.dataDir}`;
console.log(`\nAukio is running at ${shown} (${where})`);
console.log(`Mail is ${app.mail.description}${config.mail.smtpUrl ? '' : ' (set SMTP_URL to send it)'}`);
if (config.demo) {
  console.log(`\nDemo town Pihlajalahti. Sign in with any of these, password "${DEMO_PASSWORD}":`);
  for (const account of demoAccounts) console.log(`  ${account.key.padEnd(10)} ${account.email.padEnd(36)} ${account.displayName}`);
}
console.log('');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: closing…`);
    void app.close().then(() => process.exit(0));
  });
}
