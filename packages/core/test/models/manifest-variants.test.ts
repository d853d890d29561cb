// The shipped manifest gives every runtime the ISNet variant it prefers first (VARIANT_PREFERENCE):
// int8 on the CPU and WASM, float16 on CUDA and WebGPU with shader-f16, float32 on WebGPU without.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VARIANT_PREFERENCE, weightTypeOf } from '../../src/backends/variant-preference.js';
import { createFileModelSource } from '../../src/models/file-model-source.js';
import { parseModelManifest } from '../../src/models/model-manifest.js';
import { readVerifiedModel } from '../../src/models/model-source.js';
import { selectPortraitModels } from '../../src/pipeline/load-models.js';
import { modelsDir } from '../support/fixtures.js';

const manifest = parseModelManifest(JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')));

describe('the shipped manifest', () => {
  it.each(Object.entries(VARIANT_PREFERENCE))('has the first choice of %s', (_target, preference) => {
    const segmentation = selectPortraitModels(manifest, preference).segmentation;
    expect(weightTypeOf(segmentation)).toBe(preference[0]);
  });

  it('marks only the float32 ISNet as browser-only: no Node runtime prefers it first', () => {
    const browserOnly = manifest.models.filter((m) => m.browserOnly).map((m) => ({ id: m.id, variant: weightTypeOf(m) }));
    expect(browserOnly).toEqual([{ id: 'isnet-fp32', variant: 'float32' }]);
    expect(VARIANT_PREFERENCE.cpu[0]).not.toBe('float32');
    expect(VARIANT_PREFERENCE.cuda[0]).not.toBe('float32');
  });
});

describe('a browser-only model missing from a models folder', () => {
  it('fails to load with the command that assembles it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'facecraft-browser-only-missing-'));
    try {
      // A folder as `facecraft models` leaves it: the manifest lists isnet-fp32, its file is not there.
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
      const entry = manifest.models.find((m) => m.id === 'isnet-fp32')!;
      await expect(readVerifiedModel(createFileModelSource(dir), entry)).rejects.toThrow(/facecraft models --only isnet-fp32/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
