import type { Box } from '../geometry/point.js';

/**
 * Decodes MoveNet MultiPose Lightning's raw heads (the ONNX model `movenet-multipose-256`, cut
 * before the TF graph's post-processing: models/transforms/movenet-multipose-to-onnx.mjs) into
 * people, as that post-processing does (read from the graph's own nodes; CenterNet style):
 *
 *  1. centre peaks: cells whose centre score equals the 5×5 maximum around them (|Δ| < 1e-6);
 *     the 6 highest (TopK, ties to the lower index) are the 6 candidates, in that order;
 *  2. each candidate's box: centre cell + box_offset ± box_scale / 2, clipped to the grid;
 *  3. each keypoint k: regressed from the centre cell (keypoint_regression), then snapped to the
 *     cell inside the box that maximises heatmap_k · exp(−d² / (0.3 · 64)), d the distance in cells
 *     to the regressed position (first such cell in row-major order), plus keypoint_offset there;
 *     its score is that weighted heatmap value, the largest of all 6 candidates' at that cell;
 *  4. the person's score: centre score × the mean of its keypoint scores above 0.127.
 *
 * The arithmetic is float32 step by step (Math.fround), so that on the TF graph's own heads the
 * result is the graph's `Identity:0` [1, 6, 56] (17 × (y, x, score), ymin, xmin, ymax, xmax, score).
 * Pure TypeScript: no Node APIs, the same in the browser.
 */

/** COCO's 17 keypoints, in the model's order. */
export const POSE_KEYPOINTS = [
  'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
  'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
  'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
] as const;

export type PoseKeypointName = (typeof POSE_KEYPOINTS)[number];

/** The six heads, NCHW as onnxruntime returns them: [1, C, height, width] each. */
export interface MoveNetHeads {
  /** [1, 1, H, W] person-centre heatmap (sigmoid). */
  readonly center: Float32Array;
  /** [1, 2, H, W] box (height, width) in grid cells. */
  readonly boxScale: Float32Array;
  /** [1, 2, H, W] box centre (dy, dx) from the cell, in grid cells. */
  readonly boxOffset: Float32Array;
  /** [1, 34, H, W] channel 2k: dy, 2k + 1: dx of keypoint k from the centre cell, in grid cells. */
  readonly keypointRegression: Float32Array;
  /** [1, 17, H, W] keypoint heatmaps (sigmoid). */
  readonly keypointHeatmap: Float32Array;
  /** [1, 34, H, W] channel 2k: dy, 2k + 1: dx of keypoint k from its cell, in grid cells. */
  readonly keypointOffset: Float32Array;
  /** Grid size: the model input / 4 (64 for 256²). */
  readonly width: number;
  readonly height: number;
}

export interface PoseKeypoint {
  /** In model-input pixels (0 … 4 · grid width). */
  readonly x: number;
  readonly y: number;
  /** The weighted heatmap value the graph reports, in [0, 1]. */
  readonly score: number;
}

export interface Pose {
  /** Centre score × mean score of the keypoints above 0.127, as the graph computes it. */
  readonly score: number;
  /** The 17 keypoints in POSE_KEYPOINTS order. */
  readonly keypoints: readonly PoseKeypoint[];
  /** The box head's box, in model-input pixels, clipped to the input. */
  readonly box: Box;
}

export interface DecodePosesOptions {
  /**
   * Keep people whose score is at least this (default DEFAULT_MIN_POSE_SCORE; 0 keeps all 6
   * candidates, as the graph returns them, empty ones included).
   */
  readonly minScore?: number;
  /** At most this many people, 1 … 6 (default 6, the graph's TopK). */
  readonly maxPeople?: number;
}

/**
 * A person's score from which decodePoses reports them by default. On the test photos the people
 * score 0.21–0.56 and the leftover candidates 0–0.16 (a person's score is the centre score times
 * the mean keypoint score, so it runs lower than either).
 */
export const DEFAULT_MIN_POSE_SCORE = 0.2;
/** Candidates the graph keeps (its TopKV2 k). */
export const MAX_POSES = 6;
/** The graph's stride: input pixels per grid cell. */
const STRIDE = 4;
const KEYPOINTS = POSE_KEYPOINTS.length;
const f = Math.fround;
// The graph's constants, exactly (float16 weights widened to float32).
const PEAK_TOLERANCE = 0.0000010132789611816406; // Less/y
const KEYPOINT_SCORE_THRESHOLD = 0.126953125; // Greater_1/y
const DISTANCE_SCALE = 0.300048828125; // mul_6/y, times min(H, W)

/**
 * Decodes MoveNet MultiPose's heads into at most 6 people (the graph's order: by centre score),
 * in model-input pixels.
 */
export function decodePoses(heads: MoveNetHeads, options: DecodePosesOptions = {}): Pose[] {
  const { width: W, height: H } = heads;
  const plane = W * H;
  const expect = (name: keyof MoveNetHeads, channels: number) => {
    const length = (heads[name] as Float32Array).length;
    if (length !== channels * plane) throw new RangeError(`MoveNet head ${name}: expected ${channels}×${H}×${W} values, received ${length}`);
  };
  expect('center', 1);
  expect('boxScale', 2);
  expect('boxOffset', 2);
  expect('keypointRegression', 2 * KEYPOINTS);
  expect('keypointHeatmap', KEYPOINTS);
  expect('keypointOffset', 2 * KEYPOINTS);
  const maxPeople = Math.min(MAX_POSES, Math.max(0, Math.floor(options.maxPeople ?? MAX_POSES)));
  const minScore = options.minScore ?? DEFAULT_MIN_POSE_SCORE;

  const { center, boxScale, boxOffset, keypointRegression, keypointHeatmap, keypointOffset } = heads;

  // 1. Centre peaks (MaxPool 5×5 SAME, |centre − max| < tolerance), then TopK 6 over the masked plane.
  const top: { index: number; score: number }[] = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = center[y * W + x];
      let max = -Infinity;
      for (let yy = Math.max(0, y - 2); yy <= Math.min(H - 1, y + 2); yy++) {
        for (let xx = Math.max(0, x - 2); xx <= Math.min(W - 1, x + 2); xx++) max = Math.max(max, center[yy * W + xx]);
      }
      const masked = Math.abs(f(c - max)) < PEAK_TOLERANCE ? c : 0;
      // Sorted descending; an equal value keeps the earlier (lower) index ahead.
      if (top.length === MAX_POSES && masked <= top[MAX_POSES - 1].score) continue;
      let at = top.length;
      while (at > 0 && top[at - 1].score < masked) at--;
      top.splice(at, 0, { index: y * W + x, score: masked });
      if (top.length > MAX_POSES) top.pop();
    }
  }

  // 2. Boxes (grid cells, clipped to [0, H] × [0, W]) and 3a. regressed keypoints, per candidate.
  const candidates = top.map(({ index, score }) => {
    const row = Math.floor(index / W);
    const col = index - row * W;
    const h = Math.max(boxScale[index], 0);
    const w = Math.max(boxScale[plane + index], 0);
    const cy = f(row + boxOffset[index]);
    const cx = f(col + boxOffset[plane + index]);
    const clip = (v: number, limit: number) => Math.max(Math.min(v, limit), 0);
    const ymin = clip(f(cy - f(h * 0.5)), H);
    const xmin = clip(f(cx - f(w * 0.5)), W);
    const ymax = clip(f(cy + f(h * 0.5)), H);
    const xmax = clip(f(cx + f(w * 0.5)), W);
    const regressed = new Float32Array(2 * KEYPOINTS);
    for (let k = 0; k < KEYPOINTS; k++) {
      regressed[2 * k] = row + keypointRegression[2 * k * plane + index];
      regressed[2 * k + 1] = col + keypointRegression[(2 * k + 1) * plane + index];
    }
    return { centreScore: score, ymin, xmin, ymax, xmax, regressed };
  });

  const distanceScale = f(Math.min(H, W) * DISTANCE_SCALE);
  /** heatmap_k(y, x) · exp(−d² / scale) inside candidate p's box, else 0 (the graph's mul_9). */
  const weighted = (p: (typeof candidates)[number], k: number, y: number, x: number) => {
    if (!(y >= p.ymin && y < p.ymax && x >= p.xmin && x < p.xmax)) return 0;
    const dy = y - p.regressed[2 * k];
    const dx = x - p.regressed[2 * k + 1];
    const d2 = f(f(dy * dy) + f(dx * dx));
    return f(keypointHeatmap[k * plane + y * W + x] * f(Math.exp(f(-d2 / distanceScale))));
  };

  const poses: Pose[] = [];
  for (const p of candidates) {
    if (poses.length >= maxPeople) break;
    const keypoints: PoseKeypoint[] = [];
    let above = 0;
    let sum = 0;
    for (let k = 0; k < KEYPOINTS; k++) {
      // 3b. ArgMax over the grid (first maximum in row-major order; (0, 0) when all are 0), only
      // cells inside the box can be non-zero.
      let best = 0;
      let bestY = 0;
      let bestX = 0;
      for (let y = Math.max(0, Math.ceil(p.ymin)); y < Math.min(H, Math.ceil(p.ymax)); y++) {
        for (let x = Math.max(0, Math.ceil(p.xmin)); x < Math.min(W, Math.ceil(p.xmax)); x++) {
          const v = weighted(p, k, y, x);
          if (v > best) {
            best = v;
            bestY = y;
            bestX = x;
          }
        }
      }
      // The score at that cell is the largest over all candidates (the graph's Max over people).
      let score = 0;
      for (const q of candidates) score = Math.max(score, weighted(q, k, bestY, bestX));
      const cell = bestY * W + bestX;
      const ky = f(f(bestY + keypointOffset[2 * k * plane + cell]) * f(STRIDE / (H * STRIDE)));
      const kx = f(f(bestX + keypointOffset[(2 * k + 1) * plane + cell]) * f(STRIDE / (W * STRIDE)));
      keypoints.push({ x: kx * W * STRIDE, y: ky * H * STRIDE, score });
      if (score > KEYPOINT_SCORE_THRESHOLD) {
        above++;
        sum += f(p.centreScore * score);
      }
    }
    // 4. Centre score × mean of the keypoint scores above the threshold.
    const score = f(f(1 / Math.max(above, 1)) * f(sum));
    if (score < minScore) continue;
    const norm = (v: number, limit: number) => Math.min(Math.max(f(f(v * STRIDE) / (limit * STRIDE)), 0), 1);
    const [ymin, xmin, ymax, xmax] = [norm(p.ymin, H), norm(p.xmin, W), norm(p.ymax, H), norm(p.xmax, W)];
    const inputW = W * STRIDE;
    const inputH = H * STRIDE;
    poses.push({ score, keypoints, box: { x: xmin * inputW, y: ymin * inputH, width: (xmax - xmin) * inputW, height: (ymax - ymin) * inputH } });
  }
  return poses;
}
