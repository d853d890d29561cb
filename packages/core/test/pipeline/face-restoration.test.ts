// The pluggable restoration stage, driven by tiny ONNX restorers written here: the crop, the
// warp to 512² and the feathered paste-back are checked for real.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the model assembly's plain .mjs ONNX helpers, without type declarations
import { floatValueInfo, node, onnx } from '../../../../models/lib/onnx-graph.mjs';
import { eyeGeometry } from '../../src/geometry/face-landmarks.js';
import { psnr } from '../../src/image/compare.js';
import { createNodePortraitProcessor } from '../../src/node.js';
import type { PortraitProcessor, PortraitResult } from '../../src/pipeline/portrait-processor.js';
import { modelsDir, pixel, readFixture } from '../support/fixtures.js';

/** A 512² RGB restorer whose whole graph is one op: Identity (changes nothing) or Neg (inverts colours). */
function restorerModel(op: 'Identity' | 'Neg'): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: `test-restorer-${op}`,
    node: [node(op, ['input'], ['output'])],
    input: [floatValueInfo('input', [1, 3, 512, 512])],
    output: [floatValueInfo('output', [1, 3, 512, 512])],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], graph })).finish();
}

/** A models folder: the default models (linked) plus one restorer in the manifest. */
async function modelsWithRestorer(op: 'Identity' | 'Neg'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `facecraft-restorer-${op}-`));
  const manifest = JSON.parse(await readFile(path.join(modelsDir, 'manifest.json'), 'utf8'));
  for (const entry of manifest.models) await symlink(path.join(modelsDir, entry.file), path.join(dir, entry.file));
  const bytes = restorerModel(op);
  await writeFile(path.join(dir, 'restorer.onnx'), bytes);
  manifest.models.push({
    id: `test-restorer-${op.toLowerCase()}`,
    stage: 'restoration',
    name: `Test restorer (${op})`,
    format: 'onnx',
    file: 'restorer.onnx',
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    licence: 'MIT',
    source: { package: 'facecraft-test', version: '0' },
    transform: 'external',
    inputs: ['input'],
    outputs: ['output'],
    inputSize: 512,
  });
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const options = { ovalMask: false, enhance: false } as const;
let plain: PortraitResult;
let identity: PortraitProcessor;
let negate: PortraitProcessor;

beforeAll(async () => {
  const photo = await readFixture('portrait-5.jpg');
  const defaults = await createNodePortraitProcessor({ modelsDir, device: 'cpu' });
  plain = await defaults.process(photo, options);
  await defaults.release();
  identity = await createNodePortraitProcessor({ modelsDir: await modelsWithRestorer('Identity'), device: 'cpu' });
  negate = await createNodePortraitProcessor({ modelsDir: await modelsWithRestorer('Neg'), device: 'cpu' });
});
afterAll(async () => {
  await identity?.release();
  await negate?.release();
});

describe('face restoration stage', () => {
  it('is reported as skipped when no restoration model is installed', () => {
    expect(plain.restoration).toBe('no-model');
  });

  it('an identity restorer leaves the portrait as it was (one extra resampling of the face)', async () => {
    const restored = await identity.process(await readFixture('portrait-5.jpg'), options);
    expect(restored.restoration).toBe('applied');
    expect(restored.timings.restore).toBeGreaterThan(0);
    expect(psnr(restored.image, plain.image)).toBeGreaterThan(35);
  });

  it('a colour-inverting restorer inverts the face and nothing far from it', async () => {
    const restored = await negate.process(await readFixture('portrait-5.jpg'), { ...options, fidelity: 0 });
    const eyes = eyeGeometry((await identity.analyze(plain.jpeg)).landmarks);
    // Just below the eyes, on the cheek line: inverted.
    const [r0, g0, b0] = pixel(plain.image, eyes.midpoint.x, eyes.midpoint.y + eyes.interocular * 0.6);
    const [r1, g1, b1] = pixel(restored.image, eyes.midpoint.x, eyes.midpoint.y + eyes.interocular * 0.6);
    for (const [before, after] of [[r0, r1], [g0, g1], [b0, b1]]) expect(Math.abs(after - (255 - before))).toBeLessThanOrEqual(12);
    // The bottom corners of the canvas lie outside the face square: untouched, but for the soft
    // edge's colour estimate, a solve over the whole cut-out that the changed face nudges slightly.
    for (const [x, y] of [[20, 620], [628, 620]]) {
      const before = pixel(plain.image, x, y);
      const after = pixel(restored.image, x, y);
      expect(after[3]).toBe(before[3]);
      for (let c = 0; c < 3; c++) expect(Math.abs(after[c] - before[c])).toBeLessThanOrEqual(before[3] === 255 ? 0 : 8);
    }
  });

  it('fidelity 1 keeps the original face for a restorer without a fidelity input', async () => {
    const restored = await negate.process(await readFixture('portrait-5.jpg'), { ...options, fidelity: 1 });
    expect(psnr(restored.image, plain.image)).toBeGreaterThan(35);
  });

  it('restoreFace false skips the stage even with a model installed', async () => {
    const skipped = await negate.process(await readFixture('portrait-5.jpg'), { ...options, restoreFace: false });
    expect(skipped.restoration).toBe('disabled');
    expect(psnr(skipped.image, plain.image)).toBe(Infinity);
  });
});
