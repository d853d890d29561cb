// The arithmetic of the int8 QDQ ISNet (models/lib/quantization.mjs, float16.mjs) and the graph
// helpers it relies on: small cases with known answers.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { halfToFloat } from '../lib/float16.mjs';
// @ts-expect-error: as above
import { node, onnx, sortNodesTopologically } from '../lib/onnx-graph.mjs';
// @ts-expect-error: as above
import { activationParams, quantizeBias, quantizeWeightsPerChannel, roundHalfToEven, roundRangeOutward } from '../lib/quantization.mjs';

describe('int8 quantisation arithmetic', () => {
  it('rounds calibrated ranges outward onto 64 steps per power of two', () => {
    expect(roundRangeOutward(1, 'up')).toBe(1);
    expect(roundRangeOutward(1.001, 'up')).toBe(1 + 1 / 64);
    expect(roundRangeOutward(-1.001, 'down')).toBe(-1 - 1 / 64);
    expect(roundRangeOutward(0.495, 'up')).toBe(127 / 256);
    expect(roundRangeOutward(0, 'up')).toBe(0);
    // Last-bit differences between machines land on the same value.
    expect(roundRangeOutward(3.1400001, 'up')).toBe(roundRangeOutward(3.1400002, 'up'));
  });

  it('gives a Relu-like range zero point 0 and the ISNet input its 8-bit pixel grid', () => {
    expect(activationParams(0, 6)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: 0 });
    // (pixel − 128) / 256 spans [-0.5, 127/256]: scale 1/256, zero point 128 — the pixels themselves.
    expect(activationParams(-0.5, 127 / 256)).toEqual({ scale: 1 / 256, zeroPoint: 128 });
    // A range that does not include 0 is widened to include it; an empty range still quantises.
    expect(activationParams(2, 4).zeroPoint).toBe(0);
    expect(activationParams(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it('quantises weights symmetrically per output channel into [-127, 127]', () => {
    const { values, scales } = quantizeWeightsPerChannel(Float32Array.of(1, -0.5, 0.25, 0, 0.01, -0.04), 2);
    expect(Array.from(scales)).toEqual([Math.fround(1 / 127), Math.fround(0.04 / 127)]);
    expect(Array.from(values)).toEqual([127, -64, 32, 0, 32, -127]);
    expect(() => quantizeWeightsPerChannel(new Float32Array(5), 2)).toThrow(RangeError);
  });

  it('quantises biases to int32 at input scale × weight scale', () => {
    const { values, scales } = quantizeBias(Float32Array.of(0.5, -1), 0.01, Float32Array.of(0.1, 0.5));
    expect(Array.from(scales)).toEqual([Math.fround(0.001), Math.fround(0.005)]);
    expect(Array.from(values)).toEqual([500, -200]);
  });

  it('rounds halves to even, as QuantizeLinear does', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfToEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
  });

  it('reads float16 values', () => {
    expect([0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00, 0x0000].map(halfToFloat)).toEqual([1, -2, 0.333251953125, 2 ** -24, Infinity, 0]);
  });

  it('sorts graph nodes after the producers of their inputs, keeping an order that is already right', () => {
    const graph = onnx.GraphProto.create({ node: [node('Relu', ['b'], ['c']), node('Relu', ['a'], ['b']), node('Relu', ['c'], ['d'])] });
    sortNodesTopologically(graph);
    expect(graph.node.map((n: { output: string[] }) => n.output[0])).toEqual(['b', 'c', 'd']);
  });
});
