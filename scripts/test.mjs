// `npm test`: install what is missing (Chromium too), build the client, run every test.
// Extra arguments go to Vitest, e.g. `npm test -- server/auth`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkNode, ensureMediaWorker, ensureChromium, ensureClientBuilt, ensureDependencies, root } from './prepare.mjs';

try {
  checkNode();
  ensureDependencies();
  await ensureMediaWorker();
  ensureChromium();
  ensureClientBuilt();
} catch (error) {
  console.error(`\n${error.message}\n`);
  process.exit(1);
}

const results = join(root, '.vitest-results.json');
rmSync(results, { force: true });
const vitest = spawnSync(
  join(root, 'node_modules/.bin/vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);

// One plain closing line that any CI can read.
if (existsSync(results)) {
  const summary = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = summary.numPendingTests + summary.numTodoTests;
  const database = process.env.TEST_DATABASE_URL ? 'PostgreSQL server' : 'embedded database';
  console.log(`\n(${database})`);
  console.log(`tests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
process.exit(vitest.status ?? 1);
