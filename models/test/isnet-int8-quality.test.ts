// The quality gate of the int8 ISNet: on every fixture photo, its mask at 768² must match the
// float model's (IoU ≥ 0.98 at mask > 0.5); the mean absolute alpha difference is reported.
// It also checks what the variant is for: onnxruntime runs every Conv as a QLinearConv, every
// join (Add, Concat) of quantised tensors in int8, and keeps the NHWC layout throughout.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { decodeModel } from '../lib/onnx-graph.mjs';
import { ORT_NODE_SESSION_CONFIG } from '../../packages/core/src/backends/ort-node-backend.js';
import { fixturesDir, modelsDir, readManifest } from './helpers.js';

const SIZE = 768;
const MIN_IOU = 0.98;
/** Fixture files that are not photos (broken or hostile inputs), and BMP, which sharp does not read (portrait-1.png has its pixels). */
const NOT_PHOTOS = new Set(['huge-header.png', 'truncated.jpg', 'text-as-image.jpg', 'random-bytes.bin', 'portrait-1.bmp']);
/**
 * Photos on which the float model itself finds no salient object when shown whole, so there is
 * no mask to compare: a 1317×342 strip of about 40 people, each face 25–35 px (the pipeline cuts
 * them out from the person model there; see isnet-blind.ts).
 */
const NOTHING_SALIENT = new Set(['conference-group-wide.jpg']);
const PHOTOS = readdirSync(fixturesDir).filter((f) => /\.(jpe?g|png|webp|bmp)$/i.test(f) && !NOT_PHOTOS.has(f) && !NOTHING_SALIENT.has(f)).sort();

async function isnetInput(file: string): Promise<ort.Tensor> {
  const image = sharp(path.join(fixturesDir, file)).rotate();
  const { data, info } = await image.resize(SIZE, SIZE, { fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  // The pipeline feeds multiples of 32: pad right and bottom with mid-grey (input 0).
  const w = Math.ceil(info.width / 32) * 32;
  const h = Math.ceil(info.height / 32) * 32;
  const x = new Float32Array(3 * w * h);
  for (let y = 0; y < info.height; y++) {
    for (let i = 0; i < info.width; i++) for (let c = 0; c < 3; c++) x[c * w * h + y * w + i] = (data[(y * info.width + i) * 3 + c] - 128) / 256;
  }
  return new ort.Tensor('float32', x, [1, 3, h, w]);
}

let float: ort.InferenceSession;
let int8: ort.InferenceSession;
let int8File: string;
const optimizedPath = path.join(os.tmpdir(), `facecraft-isnet-int8-optimized-${process.pid}.onnx`);
const rows: string[] = [];

beforeAll(async () => {
  const manifest = await readManifest();
  const floatEntry = manifest.models.find((m) => m.id === 'isnet');
  const int8Entry = manifest.models.find((m) => m.id === 'isnet-int8');
  if (!floatEntry || !int8Entry) throw new Error('the manifest lists no isnet or isnet-int8');
  int8File = path.join(modelsDir, int8Entry.file);
  // The pipeline's own session settings: on x86 without VNNI they keep the int8 sums from overflowing.
  const options = { executionProviders: ['cpu'], intraOpNumThreads: Math.min(2, os.availableParallelism()), enableCpuMemArena: false, logSeverityLevel: 3 as const, extra: { session: { ...ORT_NODE_SESSION_CONFIG } } };
  float = await ort.InferenceSession.create(path.join(modelsDir, floatEntry.file), options);
  int8 = await ort.InferenceSession.create(int8File, { ...options, optimizedModelFilePath: optimizedPath });
});

afterAll(async () => {
  await float?.release();
  await int8?.release();
  rmSync(optimizedPath, { force: true });
  if (rows.length) console.log(`isnet-int8 against isnet (float) at ${SIZE}², mask > 0.5:\n${rows.join('\n')}`);
});

describe('isnet-int8 quality gate', () => {
  it('covers the fixture photos', () => {
    expect(PHOTOS.length).toBeGreaterThanOrEqual(12);
  });

  it.each(PHOTOS)('%s: mask IoU against the float model ≥ 0.98', async (file) => {
    const input = await isnetInput(file);
    const a = (await float.run({ input })).output.data as Float32Array;
    const b = (await int8.run({ input })).output.data as Float32Array;
    let inter = 0;
    let union = 0;
    let difference = 0;
    for (let i = 0; i < a.length; i++) {
      const inA = a[i] > 0.5;
      const inB = b[i] > 0.5;
      if (inA && inB) inter++;
      if (inA || inB) union++;
      difference += Math.abs(a[i] - b[i]);
    }
    const iou = union === 0 ? 1 : inter / union;
    const meanAbsoluteAlpha = difference / a.length;
    rows.push(`  ${file.padEnd(24)} IoU ${iou.toFixed(4)}  mean |Δalpha| ${meanAbsoluteAlpha.toFixed(4)}  foreground ${((union / a.length) * 100).toFixed(0)} %`);
    // A degenerate (empty) mask on both sides would pass trivially: the photos all have a subject.
    expect(union / a.length).toBeGreaterThan(0.05);
    expect(iou).toBeGreaterThanOrEqual(MIN_IOU);
    expect(meanAbsoluteAlpha).toBeLessThan(0.02);
  });

  it('runs every Conv as a QLinearConv in onnxruntime (the speed-up depends on it)', () => {
    const source = decodeModel(readFileSync(int8File));
    const optimized = decodeModel(readFileSync(optimizedPath));
    const count = (model: { graph: { node: { opType: string }[] } }, op: string) => model.graph.node.filter((n) => n.opType === op).length;
    const convs = count(source, 'Conv');
    expect(convs).toBeGreaterThan(100);
    expect(count(optimized, 'QLinearConv')).toBe(convs);
    expect(count(optimized, 'Conv')).toBe(0);
  });

  it('joins quantised tensors in int8 and measures shapes without dequantising', () => {
    const source = decodeModel(readFileSync(int8File));
    const optimized = decodeModel(readFileSync(optimizedPath));
    type Model = { graph: { node: { opType: string; input: string[]; output: string[] }[] } };
    const count = (model: Model, op: string) => model.graph.node.filter((n) => n.opType === op).length;
    // Every residual Add runs as a QLinearAdd; no float Add is left.
    expect(count(source, 'Add')).toBeGreaterThanOrEqual(10);
    expect(count(optimized, 'QLinearAdd')).toBe(count(source, 'Add'));
    expect(count(optimized, 'Add')).toBe(0);
    // Every Concat left in float is shape arithmetic (of Slices), not image data.
    const producer = new Map(optimized.graph.node.flatMap((n) => n.output.map((o) => [o, n.opType] as const)));
    const floatConcatInputs = optimized.graph.node.filter((n) => n.opType === 'Concat').flatMap((n) => n.input.map((i) => producer.get(i)));
    expect(new Set(floatConcatInputs)).toEqual(new Set(['Slice']));
    expect(count(optimized, 'QLinearConcat')).toBeGreaterThanOrEqual(45);
    // No tensor is dequantised only to have its shape read, and the layout stays NHWC from the
    // first Conv to the last (a Transpose in and one out).
    const consumers = (t: string) => optimized.graph.node.filter((n) => n.input.includes(t)).map((n) => n.opType);
    const dequantisedForShape = optimized.graph.node.filter((n) => n.opType === 'DequantizeLinear' && consumers(n.output[0]).every((op) => op === 'Shape'));
    expect(dequantisedForShape).toHaveLength(0);
    expect(count(optimized, 'Transpose')).toBeLessThanOrEqual(2);
    // The logits reach the Sigmoid straight from the last Resize, not rounded to 256 levels.
    const sigmoid = optimized.graph.node.find((n) => n.opType === 'Sigmoid');
    expect(producer.get(sigmoid?.input[0] ?? '')).toBe('Resize');
  });

  it('runs no QLinearConv with fewer than 16 outputs (the last Conv is widened and sliced back)', () => {
    type Tensor = { name: string; dims: unknown[] };
    const optimized = decodeModel(readFileSync(optimizedPath)) as { graph: { node: { opType: string; input: string[] }[]; initializer: Tensor[] } };
    const weights = new Map(optimized.graph.initializer.map((t) => [t.name, t]));
    // QLinearConv's inputs: x, x scale, x zero point, w, ...
    const outputs = optimized.graph.node.filter((n) => n.opType === 'QLinearConv').map((n) => Number(weights.get(n.input[3])?.dims[0]));
    expect(outputs.length).toBeGreaterThan(100);
    expect(Math.min(...outputs)).toBeGreaterThanOrEqual(16);
  });
});
