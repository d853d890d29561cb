import type { InferenceSession } from '../backends/inference-backend.js';
import { boxArea, type Box, type Point } from '../geometry/point.js';
import { warpAffine } from '../image/affine.js';
import type { RgbaImage } from '../image/rgba-image.js';
import type { ModelEntry } from '../models/model-manifest.js';
import { decodeBlazeFace, weightedNonMaxSuppression, type RawDetection } from './blazeface-decoder.js';
import { imageToTensor } from './image-tensor.js';

/** A detected face in image pixels. Keypoints as in {@link RawDetection}. */
export interface FaceDetection {
  readonly box: Box;
  readonly keypoints: readonly Point[];
  readonly score: number;
}

export interface FaceDetector {
  readonly entry: ModelEntry;
  readonly session: InferenceSession;
}

export interface FaceDetectors {
  /** BlazeFace short range (128²): faces that fill much of its input. */
  readonly shortRange: FaceDetector;
  /** BlazeFace full range (256²): small faces in a wide photo. */
  readonly fullRange: FaceDetector;
}

export interface DetectionThresholds {
  /** Score a first-pass detection on the whole photo needs to be looked at again. */
  readonly candidate: number;
  /** Score the short-range model must give the same face on a zoomed crop for it to count. */
  readonly verified: number;
}

/**
 * Measured on the fixtures: on the whole photo, real faces in groups score as low as 0.6 while
 * a cat's face reaches 0.8. On a crop twice the face's size, the short-range model gives every
 * real face ≥ 0.76 and the cat ≤ 0.53. Hence a permissive first pass and a strict second look.
 */
export const DEFAULT_DETECTION_THRESHOLDS: DetectionThresholds = { candidate: 0.5, verified: 0.65 };

/** Detects on a square window of the image (centre, side in image pixels) scaled to the model input. */
async function runDetector(
  image: RgbaImage,
  detector: FaceDetector,
  window: { cx: number; cy: number; side: number },
  threshold: number,
): Promise<RawDetection[]> {
  const size = detector.entry.inputSize;
  const s = window.side / size;
  const x0 = window.cx - window.side / 2;
  const y0 = window.cy - window.side / 2;
  // One downscaling warp from the photo into the square input (transparent = black padding).
  const input = warpAffine(image, [s, 0, x0, 0, s, y0], size, size);
  const outputs = await detector.session.run({ [detector.entry.inputs[0]]: imageToTensor(input, 'nhwc', 2, -1) });
  const [scores16, scores8, boxes16, boxes8] = detector.entry.outputs.map((name) => {
    const tensor = outputs[name];
    if (!tensor) throw new Error(`Detector ${detector.entry.id} gave no output ${name}`);
    return tensor.data as Float32Array;
  });
  const raw = decodeBlazeFace(
    [
      { scores: scores16, regressors: boxes16 },
      { scores: scores8, regressors: boxes8 },
    ],
    size,
    threshold,
  );
  // Normalised window coordinates → image pixels.
  const toImage = (p: Point): Point => ({ x: x0 + p.x * window.side, y: y0 + p.y * window.side });
  return weightedNonMaxSuppression(
    raw.map((d) => ({
      box: { ...toImage(d.box), width: d.box.width * window.side, height: d.box.height * window.side },
      keypoints: d.keypoints.map(toImage),
      score: d.score,
    })),
  );
}

/**
 * Finds every face: both BlazeFace models on a downscaled copy of the whole photo, then each
 * candidate is looked at again by the short-range model on a crop twice its size, which rejects
 * look-alikes and refines the box and keypoints. Largest face first.
 */
export async function detectFaces(
  image: RgbaImage,
  detectors: FaceDetectors,
  thresholds: DetectionThresholds = DEFAULT_DETECTION_THRESHOLDS,
): Promise<FaceDetection[]> {
  const whole = { cx: image.width / 2, cy: image.height / 2, side: Math.max(image.width, image.height) };
  const candidates = weightedNonMaxSuppression([
    ...(await runDetector(image, detectors.fullRange, whole, thresholds.candidate)),
    ...(await runDetector(image, detectors.shortRange, whole, thresholds.candidate)),
  ]);
  const faces: FaceDetection[] = [];
  for (const candidate of candidates) {
    const zoom = {
      cx: candidate.box.x + candidate.box.width / 2,
      cy: candidate.box.y + candidate.box.height / 2,
      side: Math.max(candidate.box.width, candidate.box.height) * 2,
    };
    const [best] = (await runDetector(image, detectors.shortRange, zoom, thresholds.verified))
      .filter((d) => Math.hypot(d.box.x + d.box.width / 2 - zoom.cx, d.box.y + d.box.height / 2 - zoom.cy) < zoom.side / 4)
      .sort((a, b) => b.score - a.score);
    if (best) faces.push(best);
  }
  // Two candidates can refine onto the same face.
  return weightedNonMaxSuppression(faces, 0.3).sort((a, b) => boxArea(b.box) - boxArea(a.box));
}
