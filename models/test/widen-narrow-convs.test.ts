// A Conv with very few outputs is widened with zero filters and sliced back before int8
// quantisation (onnxruntime's QLinearConv is 4× faster at 16 outputs than at 1): the widened
// graph must give the same values, bit for bit, under the same output name; wide Convs and
// shared parameters are left alone or refused.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { decodeModel, encodeModel, floatTensor, floatValueInfo, node, onnx } from '../lib/onnx-graph.mjs';
// @ts-expect-error: plain .mjs transform
import { widenNarrowConvs } from '../transforms/isnet-int8-qdq.mjs';

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);

/** x (4 channels) → a 3×3 Conv to 1 channel (narrow) and a 1×1 Conv to 16 (wide). */
function twoConvModel(sharedWeight = false) {
  const graph = onnx.GraphProto.create({
    name: 'convs',
    node: [
      node('Conv', ['x', 'narrow.w', 'narrow.b'], ['narrow'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('Conv', ['x', 'wide.w'], ['wide'], { kernel_shape: [1, 1] }),
      ...(sharedWeight ? [node('Conv', ['x', 'narrow.w'], ['again'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })] : []),
    ],
    initializer: [floatTensor('narrow.w', [1, 4, 3, 3], values(36, 1)), floatTensor('narrow.b', [1], Float32Array.of(0.25)), floatTensor('wide.w', [16, 4, 1, 1], values(64, 2))],
    input: [floatValueInfo('x', [1, 4, 'h', 'w'])],
    output: [floatValueInfo('narrow', [1, 1, 'h', 'w']), floatValueInfo('wide', [1, 16, 'h', 'w']), ...(sharedWeight ? [floatValueInfo('again', [1, 1, 'h', 'w'])] : [])],
  });
  return onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 15 }], graph });
}

async function run(bytes: Uint8Array, x: Float32Array, h: number, w: number) {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, [1, 4, h, w]) });
    return { narrow: out.narrow, wide: out.wide };
  } finally {
    await session.release();
  }
}

describe('widenNarrowConvs', () => {
  it('gives the 1-output Conv 16 outputs and a Slice back, and leaves the 16-output Conv alone', () => {
    const model = twoConvModel();
    expect(widenNarrowConvs(model)).toBe(1);
    const [narrow, slice, wide] = model.graph.node;
    const dims = (name: string) => model.graph.initializer.find((t: { name: string }) => t.name === name).dims.map(Number);
    expect([narrow.opType, slice.opType, wide.opType]).toEqual(['Conv', 'Slice', 'Conv']);
    expect([dims('narrow.w'), dims('narrow.b'), dims('wide.w')]).toEqual([[16, 4, 3, 3], [16], [16, 4, 1, 1]]);
    expect(slice.input[0]).toBe(narrow.output[0]);
    expect(slice.output).toEqual(['narrow']);
  });

  it.each([[8, 8], [13, 21]])('gives the same outputs to the bit on %i×%i', async (h, w) => {
    const original = encodeModel(twoConvModel());
    const widened = decodeModel(original);
    widenNarrowConvs(widened);
    const x = values(4 * h * w, 3);
    const before = await run(original, x, h, w);
    const after = await run(encodeModel(widened), x, h, w);
    expect(after.narrow.dims).toEqual([1, 1, h, w]);
    expect(Array.from(after.narrow.data as Float32Array)).toEqual(Array.from(before.narrow.data as Float32Array));
    expect(Array.from(after.wide.data as Float32Array)).toEqual(Array.from(before.wide.data as Float32Array));
    // Not trivially equal: the narrow Conv's output varies.
    expect(new Set(before.narrow.data as Float32Array).size).toBeGreaterThan(h * w * 0.5);
  });

  it('refuses a Conv whose weight another node also reads', () => {
    expect(() => widenNarrowConvs(twoConvModel(true))).toThrow(/shared/);
  });
});
