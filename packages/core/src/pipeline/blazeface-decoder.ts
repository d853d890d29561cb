import { intersectionOverUnion, type Box, type Point } from '../geometry/point.js';

/**
 * A face found by BlazeFace, in the coordinates of the model's square input, normalised to
 * [0, 1]. Keypoints in MediaPipe's order: the subject's right eye, left eye, nose tip, mouth
 * centre, right ear tragion, left ear tragion (the subject's right eye appears on the image's left).
 */
export interface RawDetection {
  readonly box: Box;
  readonly keypoints: readonly Point[];
  readonly score: number;
}

/** BlazeFace's two heads: a 16×16 grid with 2 anchors per cell, an 8×8 grid with 6. */
const LAYERS = [
  { cells: 16, anchorsPerCell: 2 },
  { cells: 8, anchorsPerCell: 6 },
] as const;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Decodes both heads (scores [1, n, 1] and 16 regressors [1, n, 16] each) into detections
 * above `threshold`. Regressors are offsets in input pixels from the anchor centre.
 */
export function decodeBlazeFace(
  heads: readonly { scores: Float32Array; regressors: Float32Array }[],
  inputSize: number,
  threshold: number,
): RawDetection[] {
  const detections: RawDetection[] = [];
  const scale = 1 / inputSize;
  // A loop, not heads.forEach with a closure made per call: V8 keeps a closure's optimised code
  // only while one of its closures lives, and compiled this one again for every photo.
  for (let layerIndex = 0; layerIndex < heads.length; layerIndex++) {
    const { scores, regressors } = heads[layerIndex];
    const layer = LAYERS[layerIndex];
    if (!layer) throw new RangeError(`BlazeFace has ${LAYERS.length} heads, received ${heads.length}`);
    const expected = layer.cells * layer.cells * layer.anchorsPerCell;
    if (scores.length !== expected || regressors.length !== expected * 16) {
      throw new RangeError(`BlazeFace head ${layerIndex}: expected ${expected} anchors, received ${scores.length}`);
    }
    for (let index = 0; index < expected; index++) {
      const score = sigmoid(scores[index]);
      if (score < threshold) continue;
      const cell = Math.floor(index / layer.anchorsPerCell);
      const anchorX = ((cell % layer.cells) + 0.5) / layer.cells;
      const anchorY = (Math.floor(cell / layer.cells) + 0.5) / layer.cells;
      const r = index * 16;
      const cx = anchorX + regressors[r] * scale;
      const cy = anchorY + regressors[r + 1] * scale;
      const w = regressors[r + 2] * scale;
      const h = regressors[r + 3] * scale;
      const keypoints: Point[] = [];
      for (let k = 0; k < 6; k++) {
        keypoints.push({ x: anchorX + regressors[r + 4 + k * 2] * scale, y: anchorY + regressors[r + 5 + k * 2] * scale });
      }
      detections.push({ box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, keypoints, score });
    }
  }
  return detections;
}

/**
 * MediaPipe's weighted non-maximum suppression: overlapping detections of one face are
 * averaged, weighted by score, which steadies the box and keypoints.
 */
export function weightedNonMaxSuppression(detections: readonly RawDetection[], iouThreshold = 0.3): RawDetection[] {
  const remaining = [...detections].sort((a, b) => b.score - a.score);
  const merged: RawDetection[] = [];
  while (remaining.length > 0) {
    const best = remaining[0];
    const cluster = remaining.filter((d) => intersectionOverUnion(best.box, d.box) >= iouThreshold);
    const rest = remaining.filter((d) => intersectionOverUnion(best.box, d.box) < iouThreshold);
    remaining.length = 0;
    remaining.push(...rest);
    const total = cluster.reduce((sum, d) => sum + d.score, 0);
    const avg = (pick: (d: RawDetection) => number) => cluster.reduce((sum, d) => sum + pick(d) * d.score, 0) / total;
    merged.push({
      box: { x: avg((d) => d.box.x), y: avg((d) => d.box.y), width: avg((d) => d.box.width), height: avg((d) => d.box.height) },
      keypoints: best.keypoints.map((_, k) => ({ x: avg((d) => d.keypoints[k].x), y: avg((d) => d.keypoints[k].y) })),
      score: best.score,
    });
  }
  return merged;
}
