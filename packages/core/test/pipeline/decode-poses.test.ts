// decodePoses on made-up heads, where the answer is known by construction (the real model's
// heads against the TF graph's own post-processing: models/test/movenet-decode.test.ts).
import { describe, expect, it } from 'vitest';
import { decodePoses, POSE_KEYPOINTS, type MoveNetHeads } from '../../src/pipeline/decode-poses.js';

const GRID = 64;
const PLANE = GRID * GRID;
const K = POSE_KEYPOINTS.length;

function emptyHeads(): MoveNetHeads & { [key: string]: Float32Array | number } {
  return {
    center: new Float32Array(PLANE),
    boxScale: new Float32Array(2 * PLANE),
    boxOffset: new Float32Array(2 * PLANE),
    keypointRegression: new Float32Array(2 * K * PLANE),
    keypointHeatmap: new Float32Array(K * PLANE),
    keypointOffset: new Float32Array(2 * K * PLANE),
    width: GRID,
    height: GRID,
  };
}

/** One person centred on cell (row, col): box h × w cells, keypoint k regressed to (row − 10 + k, col + 1) and peaking 1 cell further down. */
function addPerson(heads: MoveNetHeads, row: number, col: number, centre: number, h: number, w: number) {
  const at = (y: number, x: number) => y * GRID + x;
  const c = at(row, col);
  (heads.center as Float32Array)[c] = centre;
  (heads.boxScale as Float32Array)[c] = h;
  (heads.boxScale as Float32Array)[PLANE + c] = w;
  for (let k = 0; k < K; k++) {
    (heads.keypointRegression as Float32Array)[2 * k * PLANE + c] = -10 + k;
    (heads.keypointRegression as Float32Array)[(2 * k + 1) * PLANE + c] = 1;
    const peak = at(row - 10 + k + 1, col + 1);
    (heads.keypointHeatmap as Float32Array)[k * PLANE + peak] = 0.8;
    (heads.keypointOffset as Float32Array)[2 * k * PLANE + peak] = 0.25;
    (heads.keypointOffset as Float32Array)[(2 * k + 1) * PLANE + peak] = -0.5;
  }
}

describe('decodePoses', () => {
  it('finds a person: keypoints at the heatmap peak nearest the regression, plus the offset, in input pixels', () => {
    const heads = emptyHeads();
    addPerson(heads, 30, 20, 0.9, 24, 12);
    const poses = decodePoses(heads);
    expect(poses).toHaveLength(1);
    const [pose] = poses;
    const weight = 0.8 * Math.exp(-1 / (64 * 0.300048828125)); // one cell from the regressed point
    for (const [k, point] of pose.keypoints.entries()) {
      expect(point.y).toBeCloseTo((30 - 10 + k + 1 + 0.25) * 4, 4);
      expect(point.x).toBeCloseTo((20 + 1 - 0.5) * 4, 4);
      expect(point.score).toBeCloseTo(weight, 6);
    }
    expect(pose.score).toBeCloseTo(0.9 * weight, 6);
    expect(pose.box).toEqual({ x: (20 - 6) * 4, y: (30 - 12) * 4, width: 12 * 4, height: 24 * 4 });
  });

  it('ignores heatmap peaks outside the person\'s box and keeps people apart', () => {
    const heads = emptyHeads();
    addPerson(heads, 30, 15, 0.9, 24, 8);
    addPerson(heads, 30, 45, 0.7, 24, 8);
    // The first person's nose peak made faint, and a strong one just right of its box (x = 19,
    // the box spans 11 ≤ x < 19), where it would win if the box did not bound the search.
    heads.keypointHeatmap[(30 - 10 + 1) * GRID + 16] = 0.3;
    heads.keypointHeatmap[(30 - 10) * GRID + 19] = 1;
    const poses = decodePoses(heads);
    expect(poses.map((p) => p.keypoints[0].x / 4)).toEqual([15.5, 45.5]);
    expect(poses[0].score).toBeGreaterThan(poses[1].score);
  });

  it('keeps the graph\'s 6 candidates with minScore 0, and at most maxPeople', () => {
    const heads = emptyHeads();
    addPerson(heads, 30, 20, 0.9, 24, 12);
    expect(decodePoses(heads, { minScore: 0 })).toHaveLength(6);
    expect(decodePoses(heads, { minScore: 0, maxPeople: 2 })).toHaveLength(2);
  });

  it('refuses heads of the wrong size', () => {
    const heads = { ...emptyHeads(), keypointHeatmap: new Float32Array(16 * PLANE) };
    expect(() => decodePoses(heads)).toThrow(/keypointHeatmap/);
  });
});
