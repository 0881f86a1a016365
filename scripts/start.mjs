// `npm start`: install what is missing, build the client, then serve the app.
import { spawn } from 'node:child_process';
import { checkNode, ensureMediaWorker, ensureClientBuilt, ensureDependencies, root } from './prepare.mjs';

try {
  checkNode();
  ensureDependencies();
  await ensureMediaWorker();
  ensureClientBuilt();
} catch (error) {
  console.error(`\n${error.message}\n`);
  process.exit(1);
}

const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
