// Models only browsers run (`browserOnly`: the float32 ISNet for WebGPU without shader-f16) are
// assembled where the playground is served and not added for library/CLI users unless named.
// A small model stands in for the 176 MB one: the rule depends on the flag, not on the model.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { assembleModels } from '../lib/assemble.mjs';
import { modelsDir, readManifest } from './helpers.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'facecraft-browser-only-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const manifest = await readManifest();
const small = manifest.models.find((m) => m.id === 'blazeface-front-128')!;
const manifestPath = path.join(work, 'manifest.json');
writeFileSync(manifestPath, JSON.stringify({ ...manifest, models: [{ ...small, browserOnly: true }] }));

const assemble = (outDir: string, options: { skipBrowserOnly?: boolean; only?: string[] }) => {
  const lines: string[] = [];
  // models/cache holds the tarball already when `pnpm models` has run; else it is fetched from npm.
  const run = assembleModels({ manifestPath, outDir, cacheDir: path.join(modelsDir, 'cache'), log: (l: string) => lines.push(l), logError: (l: string) => lines.push(l), ...options });
  return run.then((result: { built: string[]; present: string[]; failed: unknown[] }) => ({ result, lines }));
};

describe('browser-only models', () => {
  it('are skipped when asked to skip them, saying how to get them', { timeout: 120_000 }, async () => {
    const out = path.join(work, 'library');
    const { result, lines } = await assemble(out, { skipBrowserOnly: true });
    expect(result).toMatchObject({ built: [], present: [], failed: [] });
    expect(existsSync(path.join(out, small.file))).toBe(false);
    expect(lines.join('\n')).toContain(`--only ${small.id}`);
  });

  it('are checked, not skipped, when already there', { timeout: 120_000 }, async () => {
    const out = path.join(work, 'present');
    await assemble(out, { only: [small.id] });
    const { result } = await assemble(out, { skipBrowserOnly: true });
    expect(result).toMatchObject({ built: [], present: [small.id], failed: [] });
  });

  it('are built, sha256-checked, when named with only, or by default (a clone, the images)', { timeout: 120_000 }, async () => {
    for (const [dir, options] of [['named', { skipBrowserOnly: true, only: [small.id] }], ['default', {}]] as const) {
      const out = path.join(work, dir);
      const { result } = await assemble(out, options);
      expect(result, dir).toMatchObject({ built: [small.id], failed: [] });
      expect(readFileSync(path.join(out, small.file)).length, dir).toBe(small.bytes);
    }
  });
});
