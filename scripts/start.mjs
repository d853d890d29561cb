#!/usr/bin/env node
// `npm start` on a clone: set-up (scripts/setup.mjs), then the service. The service's defaults
// are the Docker image's paths (/app/models, /app/uploads, /app/processed), as in the original;
// here they point into the clone unless FACECRAFT_* variables say otherwise.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const setup = spawnSync(process.execPath, [path.join(root, 'scripts/setup.mjs')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 1);

const env = {
  FACECRAFT_MODELS_DIR: path.join(root, 'models'),
  FACECRAFT_UPLOAD_DIR: path.join(root, '.data/uploads'),
  FACECRAFT_OUTPUT_DIR: path.join(root, '.data/processed'),
  ...process.env,
};
const server = spawn(process.execPath, [path.join(root, 'packages/server/bin/facecraft.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
