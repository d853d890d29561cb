// decodePoses (packages/core/src/pipeline/decode-poses.ts) must turn MoveNet MultiPose's raw
// heads into what the TF.js graph's own post-processing returns (`Identity:0` [1, 6, 56]: per
// person 17 × (y, x, score) normalised, then ymin, xmin, ymax, xmax, score), on group photos.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePoses, type MoveNetHeads, type Pose } from '../../packages/core/src/pipeline/decode-poses.js';
import { fixturesDir, modelsDir } from './helpers.js';
import { loadMoveNetRunners, moveNetInput, nhwcToNchw, SIZE, type MoveNetRunners } from './movenet-reference.js';

const GRID = SIZE / 4;
const PHOTOS = [
  path.join(fixturesDir, 'group-1.jpg'),
  path.join(fixturesDir, 'group-2.jpg'),
  path.join(fixturesDir, 'group-3.jpg'),
  path.join(fixturesDir, 'conference-group-wide.jpg'),
  path.resolve(modelsDir, '../bench/quality/photos/two-students-drawing-table.jpg'),
  path.resolve(modelsDir, '../bench/quality/photos/students-sitting-on-steps.jpg'),
];

/** The graph's output as people in model-input pixels, the way decodePoses reports them. */
function graphPoses(output: Float32Array): Pose[] {
  return Array.from({ length: 6 }, (_, p) => {
    const row = output.subarray(p * 56, (p + 1) * 56);
    const keypoints = Array.from({ length: 17 }, (_, k) => ({ y: row[3 * k] * SIZE, x: row[3 * k + 1] * SIZE, score: row[3 * k + 2] }));
    const [ymin, xmin, ymax, xmax, score] = row.subarray(51);
    return { score, keypoints, box: { x: xmin * SIZE, y: ymin * SIZE, width: (xmax - xmin) * SIZE, height: (ymax - ymin) * SIZE } };
  });
}

const headsFrom = (get: (name: string) => Float32Array): MoveNetHeads => ({
  center: get('center'),
  boxScale: get('box_scale'),
  boxOffset: get('box_offset'),
  keypointRegression: get('keypoint_regression'),
  keypointHeatmap: get('keypoint_heatmap'),
  keypointOffset: get('keypoint_offset'),
  width: GRID,
  height: GRID,
});

describe('decodePoses on MoveNet MultiPose', () => {
  let runners: MoveNetRunners;
  beforeAll(async () => {
    runners = await loadMoveNetRunners();
  });
  // The TF graph takes seconds a photo on the CPU backend: each photo's run is shared by both checks.
  const tfjsRuns = new Map<string, ReturnType<MoveNetRunners['tfjs']>>();
  const tfjsOf = async (file: string) => {
    if (!tfjsRuns.has(file)) tfjsRuns.set(file, moveNetInput(file).then(({ nhwc }) => runners.tfjs(nhwc)));
    return tfjsRuns.get(file)!;
  };
  afterAll(() => runners?.dispose());

  it.each(PHOTOS.map((p) => [path.basename(p), p]))('decodes the TF graph\'s own heads into its own output on %s', async (_name, file) => {
    const { heads, output } = await tfjsOf(file);
    const decoded = decodePoses(headsFrom((name) => nhwcToNchw(heads[name].data, heads[name].shape)), { minScore: 0 });
    // Same heads, the graph's float32 arithmetic step by step (TF.js's CPU kernels compute each
    // op in float64 and store float32; decodePoses rounds the same way): the graph's very numbers.
    expect(decoded).toEqual(graphPoses(output));
  });

  it.each(PHOTOS.map((p) => [path.basename(p), p]))('decodes the ONNX heads into the TF graph\'s people on %s', async (_name, file) => {
    const { nchw } = await moveNetInput(file);
    const { output } = await tfjsOf(file);
    const onnx = await runners.onnx(nchw);
    const decoded = decodePoses(headsFrom((name) => onnx[name].data), { minScore: 0.3 });
    const expected = graphPoses(output).filter((p) => p.score >= 0.3);
    // The group photos have several people; the decode finds the same ones, in the same order.
    expect(decoded.length).toBe(expected.length);
    for (const [p, person] of decoded.entries()) {
      const reference = expected[p];
      expect(Math.abs(person.score - reference.score)).toBeLessThan(0.01);
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(person.box[key] - reference.box[key])).toBeLessThan(1);
      for (const [k, point] of person.keypoints.entries()) {
        const ref = reference.keypoints[k];
        if (ref.score <= 0.3 && point.score <= 0.3) continue;
        expect(Math.hypot(point.x - ref.x, point.y - ref.y), `person ${p} keypoint ${k}`).toBeLessThan(1.5);
        expect(Math.abs(point.score - ref.score)).toBeLessThan(0.01);
      }
    }
  });

  it('finds several people on the group photos', async () => {
    const counts: Record<string, number> = {};
    for (const file of PHOTOS) {
      const { nchw } = await moveNetInput(file);
      const onnx = await runners.onnx(nchw);
      counts[path.basename(file)] = decodePoses(headsFrom((name) => onnx[name].data), { minScore: 0.3 }).length;
    }
    console.log('people with score > 0.3:', counts);
    expect(counts['group-1.jpg']).toBeGreaterThanOrEqual(2);
    expect(counts['two-students-drawing-table.jpg']).toBeGreaterThanOrEqual(2);
  });
});
