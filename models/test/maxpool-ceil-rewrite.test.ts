// The float32 ISNet's MaxPools trade ceil_mode for end padding (WebGPU in onnxruntime-web 1.30
// has no ceil_mode kernel): the rewritten op must give the same values and shape as the original
// on even and odd sizes, where ceil_mode matters; and other MaxPools are refused, not mangled.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { decodeModel, encodeModel, floatValueInfo, node, onnx } from '../lib/onnx-graph.mjs';
// @ts-expect-error: plain .mjs transform
import { rewriteMaxPoolCeilMode } from '../transforms/maxpool-ceil-to-padding.mjs';

/** One MaxPool, dynamic spatial size, as ISNet has them (2×2, stride 2, ceil_mode 1). */
function maxPoolModel(attributes: Record<string, number | number[]>): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'pool',
    node: [node('MaxPool', ['x'], ['y'], attributes)],
    input: [floatValueInfo('x', [1, 3, 'h', 'w'])],
    output: [floatValueInfo('y', [1, 3, 'oh', 'ow'])],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 15 }], graph }));
}

async function run(bytes: Uint8Array, h: number, w: number, data: Float32Array) {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    const out = (await session.run({ x: new ort.Tensor('float32', data, [1, 3, h, w]) })).y;
    return { dims: out.dims, data: out.data as Float32Array };
  } finally {
    await session.release();
  }
}

describe('MaxPool ceil_mode → end padding', () => {
  const original = maxPoolModel({ ceil_mode: 1, kernel_shape: [2, 2], pads: [0, 0, 0, 0], strides: [2, 2] });
  const model = decodeModel(original);
  const changed = rewriteMaxPoolCeilMode(model);
  const rewritten = encodeModel(model);

  it('drops ceil_mode for one padded row and column at the end', () => {
    expect(changed).toBe(1);
    const attributes = model.graph.node[0].attribute.map((a: { name: string; ints: unknown[] }) => [a.name, a.ints.map(Number)]);
    expect(Object.fromEntries(attributes)).toEqual({ kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1] });
  });

  it.each([[6, 6], [7, 5], [3, 9], [2, 2], [13, 11]])('gives the same output on %i×%i', async (h, w) => {
    // Negative values too: a padded cell (−∞ to MaxPool) must never win.
    const data = Float32Array.from({ length: 3 * h * w }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1 - 0.6);
    const a = await run(original, h, w, data);
    const b = await run(rewritten, h, w, data);
    expect(b.dims).toEqual(a.dims);
    expect(b.dims).toEqual([1, 3, Math.ceil(h / 2), Math.ceil(w / 2)]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('refuses a MaxPool it cannot rewrite exactly', () => {
    const overlapping = decodeModel(maxPoolModel({ ceil_mode: 1, kernel_shape: [3, 3], pads: [0, 0, 0, 0], strides: [2, 2] }));
    expect(() => rewriteMaxPoolCeilMode(overlapping)).toThrow(/only kernel = stride/);
  });
});
