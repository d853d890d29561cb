// onnxruntime-node's telemetry client stays off: loading a model through the Node backend
// writes nothing under ~/.cache/Microsoft (it does when telemetry is explicitly allowed).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { modelsDir } from '../support/fixtures.js';

const run = promisify(execFile);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/node.js');
const homes: string[] = [];
afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

async function loadModelWithHome(extraEnv: Record<string, string>): Promise<string> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'facecraft-home-'));
  homes.push(home);
  const script = `
    import { readFile } from 'node:fs/promises';
    import { createOrtNodeBackend, parseModelManifest } from ${JSON.stringify(dist)};
    const dir = ${JSON.stringify(modelsDir)};
    const entry = parseModelManifest(JSON.parse(await readFile(dir + '/manifest.json', 'utf8'))).models[0];
    const backend = await createOrtNodeBackend({ device: 'cpu' });
    const session = await backend.load(entry, new Uint8Array(await readFile(dir + '/' + entry.file)));
    await session.release();`;
  const env: Record<string, string | undefined> = { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), ...extraEnv };
  if (!('ORT_DISABLE_TELEMETRY' in extraEnv)) delete env.ORT_DISABLE_TELEMETRY;
  // The telemetry client also keeps quiet when it sees CI=…, which .ci/run sets: take it away so
  // that only our setting decides.
  delete env.CI;
  await run(process.execPath, ['--input-type=module', '-e', script], { env });
  return home;
}

describe('onnxruntime-node telemetry', () => {
  it('is off by default: nothing written under the cache folder', async () => {
    const home = await loadModelWithHome({});
    expect(existsSync(path.join(home, '.cache/Microsoft'))).toBe(false);
  });

  it('is only on when the user asks for it (the check above can tell)', async () => {
    const home = await loadModelWithHome({ ORT_DISABLE_TELEMETRY: '0' });
    expect(existsSync(path.join(home, '.cache/Microsoft'))).toBe(true);
  });
});
