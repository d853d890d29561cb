#!/usr/bin/env node
// `npm start` on a clone: set-up (scripts/setup.mjs), then the service. The service's defaults
// are the Docker image's paths (/app/models, /app/uploads, /app/processed), as in the original;
// here they point into the clone unless FACECRAFT_* variables say otherwise.
//
// The service runs in this very process (not a child), so Ctrl-C and `kill` reach it directly.
// npm runs this script under `sh -c`, which does not pass signals on: when npm is killed the
// shell dies and this process is left to init. Started by npm (or pnpm), it notices its parent
// changing and stops; started directly (`nohup node scripts/start.mjs &`) it outlives its shell.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const setup = spawnSync(process.execPath, [path.join(root, 'scripts/setup.mjs')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 1);

process.env.FACECRAFT_MODELS_DIR ??= path.join(root, 'models');
process.env.FACECRAFT_UPLOAD_DIR ??= path.join(root, '.data/uploads');
process.env.FACECRAFT_OUTPUT_DIR ??= path.join(root, '.data/processed');

if (process.env.npm_lifecycle_event) {
  const launcher = process.ppid;
  const orphanWatch = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(orphanWatch);
    console.error(`facecraft: the process that started this one (pid ${launcher}) has gone; stopping`);
    process.kill(process.pid, 'SIGTERM');
  }, 500);
  orphanWatch.unref();
}

const { main } = await import(pathToFileURL(path.join(root, 'packages/server/dist/cli/main.js')).href);
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
