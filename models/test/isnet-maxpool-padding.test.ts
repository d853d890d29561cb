// Every ISNet variant the manifest lists has its MaxPools without ceil_mode (onnxruntime-web 1.30's
// WebGPU EP does not execute it; the float16 isnet.onnx is what WebGPU adapters with 'shader-f16'
// get), and on the float16 file the rewrite changes nothing: the assembled graph and the same graph
// with ceil_mode put back (the form @imgly ships) give the same mask on a fixture photo, run on the
// CPU with onnxruntime-node. The photo is fed at 736² (23·32), so the deeper pools meet odd feature
// maps (23 → 12), where ceil_mode and the end padding matter (at 768² = 3·256 every map ISNet pools
// is even and a plain floor-mode pool would pass too); the test checks that such a pool does not.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { decodeModel, encodeModel, onnx } from '../lib/onnx-graph.mjs';
import { fixturesDir, modelsDir, readManifest } from './helpers.js';

interface Attribute { name: string; i?: number | { toString(): string }; ints?: unknown[] }
interface Node { opType: string; name: string; attribute: Attribute[] }

const SIZE = 736;
const manifest = await readManifest();
const isnets = manifest.models.filter((m) => m.id.startsWith('isnet'));

const ints = (node: Node, name: string) => node.attribute.find((a) => a.name === name)?.ints?.map(Number);
const ceilMode = (node: Node) => Number(node.attribute.find((a) => a.name === 'ceil_mode')?.i ?? 0);

describe.each(isnets.map((m) => [m.file, m] as const))('%s', (_file, entry) => {
  it('has its 33 MaxPools as 2×2, stride 2, end padding, without ceil_mode', async () => {
    const model = decodeModel(await readFile(path.join(modelsDir, entry.file)));
    const pools = (model.graph.node as Node[]).filter((n) => n.opType === 'MaxPool');
    expect(pools).toHaveLength(33);
    for (const pool of pools) {
      expect(ceilMode(pool), pool.name).toBe(0);
      expect(ints(pool, 'kernel_shape'), pool.name).toEqual([2, 2]);
      expect(ints(pool, 'strides'), pool.name).toEqual([2, 2]);
      expect(ints(pool, 'pads'), pool.name).toEqual([0, 0, 1, 1]);
    }
  });
});

/** The assembled float16 graph with each MaxPool's pads zeroed and ceil_mode set as asked: 1 is @imgly's form. */
function withPoolMode(bytes: Uint8Array, ceil: 0 | 1): Uint8Array {
  const model = decodeModel(bytes);
  for (const pool of (model.graph.node as Node[]).filter((n) => n.opType === 'MaxPool')) {
    pool.attribute = pool.attribute.filter((a) => a.name !== 'pads' && a.name !== 'ceil_mode');
    pool.attribute.push(onnx.AttributeProto.create({ name: 'ceil_mode', type: onnx.AttributeProto.AttributeType.INT, i: ceil }));
    pool.attribute.push(onnx.AttributeProto.create({ name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 0, 0, 0] }));
  }
  return encodeModel(model);
}

describe('float16 isnet.onnx: MaxPool end padding against ceil_mode on the CPU', () => {
  it('gives the same mask on portrait-2.jpg at 736² (within float16 tolerance)', async () => {
    const entry = manifest.models.find((m) => m.id === 'isnet');
    if (!entry) throw new Error('the manifest lists no isnet');
    const rewritten = await readFile(path.join(modelsDir, entry.file));
    const original = withPoolMode(rewritten, 1);

    // As the pipeline feeds ISNet (input (v − 128)/256, padded to multiples of 32 with 0), at 736².
    const { data, info } = await sharp(path.join(fixturesDir, 'portrait-2.jpg')).rotate().resize(SIZE, SIZE, { fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const w = Math.ceil(info.width / 32) * 32;
    const h = Math.ceil(info.height / 32) * 32;
    const x = new Float32Array(3 * w * h);
    for (let y = 0; y < info.height; y++) {
      for (let i = 0; i < info.width; i++) for (let c = 0; c < 3; c++) x[c * w * h + y * w + i] = (data[(y * info.width + i) * 3 + c] - 128) / 256;
    }
    const input = new ort.Tensor('float32', x, [1, 3, h, w]);

    const options = { executionProviders: ['cpu'], intraOpNumThreads: Math.min(2, os.availableParallelism()), enableCpuMemArena: false, logSeverityLevel: 3 as const };
    const run = async (bytes: Uint8Array) => {
      const session = await ort.InferenceSession.create(bytes, options);
      try {
        const out = (await session.run({ input })).output;
        return { dims: out.dims, data: out.data as Float32Array };
      } finally {
        await session.release();
      }
    };
    const a = await run(original);
    const b = await run(rewritten);
    expect(b.dims).toEqual(a.dims);
    let maxDifference = 0;
    for (let i = 0; i < a.data.length; i++) maxDifference = Math.max(maxDifference, Math.abs(a.data[i] - b.data[i]));
    console.log(`isnet.onnx ${w}×${h}: max |Δalpha| between ceil_mode and end padding ${maxDifference}`);
    // The rewrite is exact (the padded cell never wins a max); float16's step near 1 is 2^-11.
    expect(maxDifference).toBeLessThanOrEqual(2 ** -11);
    // A mask, not a blank: the photo has a subject.
    expect(b.data.filter((v) => v > 0.5).length / b.data.length).toBeGreaterThan(0.05);

    // At this size ceil_mode matters: plain floor-mode pools (the padding dropped) fail or differ.
    const floor = await run(withPoolMode(rewritten, 0)).catch(() => undefined);
    if (floor) expect(floor.data.some((v, i) => Math.abs(v - b.data[i]) > 1e-3)).toBe(true);
  });
});
