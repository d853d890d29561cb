// The converted pose model (MoveNet MultiPose, cut at its raw heads) must compute what the TF.js
// graph model it came from computes at those heads: same network, another runtime, NCHW.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { convertMoveNetMultiPoseToOnnx } from '../transforms/movenet-multipose-to-onnx.mjs';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { convertTfjsGraphToOnnx, listGraphOps } from '../transforms/selfie-to-onnx.mjs';
import { fixturesDir } from './helpers.js';
import { HEADS, loadMoveNetRunners, moveNetInput, nhwcToNchw, type MoveNetRunners } from './movenet-reference.js';

const GRID = 64;
const CHANNELS: Record<string, number> = { center: 1, box_scale: 2, box_offset: 2, keypoint_regression: 34, keypoint_heatmap: 17, keypoint_offset: 34 };

describe('movenet-multipose-256.onnx', () => {
  let runners: MoveNetRunners;
  beforeAll(async () => {
    runners = await loadMoveNetRunners();
  });
  afterAll(() => runners?.dispose());

  it('has the six heads as outputs, at a quarter of the input size', () => {
    expect(runners.session.inputNames).toEqual(['input']);
    expect(runners.session.outputNames).toEqual(HEADS.map((h) => h.name));
  });

  it('converts to the same bytes every time, the ones the manifest records', () => {
    const first = convertMoveNetMultiPoseToOnnx(runners.modelJson, runners.bin) as Uint8Array;
    const second = convertMoveNetMultiPoseToOnnx(runners.modelJson, runners.bin) as Uint8Array;
    expect(Buffer.compare(Buffer.from(first), Buffer.from(second))).toBe(0);
    expect(first.length).toBe(runners.entry.bytes);
    expect(createHash('sha256').update(first).digest('hex')).toBe(runners.entry.sha256);
  });

  it('is cut before the post-processing: the graph holds ops the converter refuses', () => {
    const ops = listGraphOps(runners.modelJson);
    for (const op of ['TopKV2', 'GatherNd', 'Select', 'MaxPool', 'ArgMax']) expect(ops[op]).toBeGreaterThan(0);
    // Converting up to the signature's output instead fails by name rather than converting wrongly.
    expect(() => convertTfjsGraphToOnnx(runners.modelJson, runners.bin, { name: 'uncut', docString: '' })).toThrow(/supported/);
  });

  it.each(['group-1.jpg', 'group-2.jpg', 'group-3.jpg', 'conference-group-wide.jpg', 'portrait-1.jpg'])('matches the TF.js graph model\'s heads on %s', async (file) => {
    const { nhwc, nchw } = await moveNetInput(path.join(fixturesDir, file));
    const reference = await runners.tfjs(nhwc);
    const converted = await runners.onnx(nchw);
    for (const head of HEADS) {
      const ref = reference.heads[head.name];
      const out = converted[head.name];
      expect(ref.shape).toEqual([1, GRID, GRID, CHANNELS[head.name]]);
      expect([...out.dims]).toEqual([1, CHANNELS[head.name], GRID, GRID]);
      const expected = nhwcToNchw(ref.data, ref.shape);
      let maxDifference = 0;
      let maxMagnitude = 0;
      for (let i = 0; i < expected.length; i++) {
        maxDifference = Math.max(maxDifference, Math.abs(out.data[i] - expected[i]));
        maxMagnitude = Math.max(maxMagnitude, Math.abs(expected[i]));
      }
      // Same float32 weights and ops, another order of summation: the heads (sigmoids in [0, 1],
      // regressions of up to a few tens of grid cells) agree to float32 rounding.
      expect(maxDifference, `${head.name}: max |Δ| ${maxDifference} (max |value| ${maxMagnitude})`).toBeLessThan(head.name === 'keypoint_regression' || head.name === 'box_scale' ? 2e-3 : 5e-4);
    }
  });
});

