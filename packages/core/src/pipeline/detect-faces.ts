import type { InferenceSession } from '../backends/inference-backend.js';
import { boxArea, type Box, type Point } from '../geometry/point.js';
import { warpAffine } from '../image/affine.js';
import { createRgbaImage, type RgbaImage } from '../image/rgba-image.js';
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
 * a cat's face reaches 0.8. On a crop twice the face's size, the short-range model gives the
 * faces of the portrait and group fixtures ≥ 0.76 (a crowd's 20-30 px faces from 0.65) and the
 * cat 0.54 (0.58 enlarged 3×). Hence a permissive first pass and a strict second look.
 */
export const DEFAULT_DETECTION_THRESHOLDS: DetectionThresholds = { candidate: 0.5, verified: 0.65 };

/**
 * One downscaling warp from the photo into the square input (transparent = black padding),
 * through warpAffine's 'box' prefilter (whole blocks, then 2-4x supersampling): a Lanczos3 pass
 * over a 1280-pixel photo was the slowest part of finding faces, and for the second look at a
 * face 4-5x the input (13-15 taps a side over its whole window) it took 20 ms of the 30 the
 * detection took, for boxes within 0.6 px of the box-filtered ones. The landmark net, which
 * places the face, reads the photo its own way.
 */
function windowInput(image: RgbaImage, window: { cx: number; cy: number; side: number }, size: number): RgbaImage {
  const s = window.side / size;
  return warpAffine(image, [s, 0, window.cx - window.side / 2, 0, s, window.cy - window.side / 2], size, size, { prefilter: 'box' });
}

/** The same window at half the size: each pixel the mean of a 2×2 block (a box prefilter). */
function halveImage(image: RgbaImage): RgbaImage {
  const width = image.width >> 1;
  const height = image.height >> 1;
  const src = image.data;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = ((2 * y) * image.width + 2 * x) * 4;
      const b = a + image.width * 4;
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) data[o + c] = (src[a + c] + src[a + 4 + c] + src[b + c] + src[b + 4 + c] + 2) >> 2;
    }
  }
  return { width, height, data };
}

/** The `size²` square at (x0, y0) of `image`; what lies outside the image is transparent. */
function cutSquare(image: RgbaImage, x0: number, y0: number, size: number): RgbaImage {
  const out = createRgbaImage(size, size);
  const from = Math.max(0, x0);
  const to = Math.min(image.width, x0 + size);
  if (from >= to) return out;
  for (let y = Math.max(0, y0); y < Math.min(image.height, y0 + size); y++) {
    out.data.set(image.data.subarray((y * image.width + from) * 4, (y * image.width + to) * 4), ((y - y0) * size + (from - x0)) * 4);
  }
  return out;
}

/** Detects on a square window of the image (centre, side in image pixels) scaled to the model input. */
async function runDetector(
  image: RgbaImage,
  detector: FaceDetector,
  window: { cx: number; cy: number; side: number },
  threshold: number,
  given?: RgbaImage,
): Promise<RawDetection[]> {
  const size = detector.entry.inputSize;
  const x0 = window.cx - window.side / 2;
  const y0 = window.cy - window.side / 2;
  const input = given ?? windowInput(image, window, size);
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
 * Square windows of `side` pixels covering the image, overlapping by a quarter so that a face
 * on a seam lies whole in one of them.
 */
export function detectionTiles(width: number, height: number, side: number): { cx: number; cy: number; side: number }[] {
  const starts = (length: number) => {
    if (length <= side) return [length / 2 - side / 2];
    const count = Math.ceil((length - side) / (side * 0.75)) + 1;
    const stride = (length - side) / (count - 1);
    return Array.from({ length: count }, (_, i) => i * stride);
  };
  return starts(height).flatMap((y) => starts(width).map((x) => ({ cx: x + side / 2, cy: y + side / 2, side })));
}

/**
 * When the whole photo shows no face, or only faces that its input shows smaller than
 * SMALL_FACE pixels (others as small were surely missed), the full-range model looks again tile
 * by tile: in a wide group photo each face is a few pixels of the whole-photo input and only a
 * tile shows it large enough. Tiles are TILE_FACTOR × the model's input (in the detection copy's
 * pixels), so a face of 30 pixels there is 20 in the model's input.
 */
const TILE_FACTOR = 1.5;
const SMALL_FACE = 16;

/**
 * The second look's windows, in face boxes. Close up (2×) the short-range model sees a face at
 * half its input; a face of 16-40 pixels in the photo is then a blur it may score below the bar.
 * Seen wider (3×, head and shoulders around them), 7 such faces of the conference fixture score
 * 0.67-0.79, while the cat's face scores 0.50 (0.39 enlarged 3×): a candidate the close look
 * rejects gets the wider one before it is dropped.
 */
const SECOND_LOOK_ZOOM = 2;
const WIDER_LOOK_ZOOM = 3;

/** The short-range model's best face near the candidate's centre, on a window `zoom` × its box. */
async function secondLook(
  image: RgbaImage,
  detector: FaceDetector,
  candidate: RawDetection,
  zoom: number,
  threshold: number,
): Promise<RawDetection | undefined> {
  const side = Math.max(candidate.box.width, candidate.box.height);
  const window = { cx: candidate.box.x + candidate.box.width / 2, cy: candidate.box.y + candidate.box.height / 2, side: side * zoom };
  // Within half the candidate's box of its centre: the same face, not a neighbour in the window.
  return (await runDetector(image, detector, window, threshold))
    .filter((d) => Math.hypot(d.box.x + d.box.width / 2 - window.cx, d.box.y + d.box.height / 2 - window.cy) < side / 2)
    .sort((a, b) => b.score - a.score)[0];
}

/**
 * Finds every face: both BlazeFace models on a downscaled copy of the whole photo (and tile by
 * tile when that finds none or only tiny ones), then each candidate is looked at again by the short-range model on a
 * crop twice its size (three times when that rejects it), which rejects look-alikes and refines the box and keypoints.
 * Largest face first.
 */
export async function detectFaces(
  image: RgbaImage,
  detectors: FaceDetectors,
  thresholds: DetectionThresholds = DEFAULT_DETECTION_THRESHOLDS,
): Promise<FaceDetection[]> {
  const whole = { cx: image.width / 2, cy: image.height / 2, side: Math.max(image.width, image.height) };
  // Both models look at the whole photo: one warp serves both when one input is twice the other
  // (a photo-sized prefilter costs more than both models together).
  const fullInput = windowInput(image, whole, detectors.fullRange.entry.inputSize);
  const shortInput = detectors.fullRange.entry.inputSize === 2 * detectors.shortRange.entry.inputSize ? halveImage(fullInput) : undefined;
  let candidates = weightedNonMaxSuppression([
    ...(await runDetector(image, detectors.fullRange, whole, thresholds.candidate, fullInput)),
    ...(await runDetector(image, detectors.shortRange, whole, thresholds.candidate, shortInput)),
  ]);
  const input = detectors.fullRange.entry.inputSize;
  const tileSide = input * TILE_FACTOR;
  const largest = Math.max(0, ...candidates.map((c) => Math.max(c.box.width, c.box.height)));
  if (whole.side > tileSide * 1.5 && (largest * input) / whole.side < SMALL_FACE) {
    const found: RawDetection[] = [...candidates];
    // Every tile is the photo at the same scale: one warp makes that scale for the whole photo
    // and each tile is cut from it, instead of a warp per tile over their overlaps (a quarter on
    // each side). A tile starts on a whole pixel of that plane: within half a pixel of its place.
    const plane = warpAffine(image, [TILE_FACTOR, 0, 0, 0, TILE_FACTOR, 0], Math.ceil(image.width / TILE_FACTOR), Math.ceil(image.height / TILE_FACTOR), { prefilter: 'box' });
    for (const tile of detectionTiles(plane.width, plane.height, input)) {
      const x0 = Math.round(tile.cx - input / 2);
      const y0 = Math.round(tile.cy - input / 2);
      const window = { cx: (x0 + input / 2) * TILE_FACTOR, cy: (y0 + input / 2) * TILE_FACTOR, side: tileSide };
      found.push(...(await runDetector(image, detectors.fullRange, window, thresholds.candidate, cutSquare(plane, x0, y0, input))));
    }
    candidates = weightedNonMaxSuppression(found);
  }
  const faces: FaceDetection[] = [];
  for (const candidate of candidates) {
    const best =
      (await secondLook(image, detectors.shortRange, candidate, SECOND_LOOK_ZOOM, thresholds.verified)) ??
      (await secondLook(image, detectors.shortRange, candidate, WIDER_LOOK_ZOOM, thresholds.verified));
    if (best) faces.push(best);
  }
  // Two candidates can refine onto the same face.
  return weightedNonMaxSuppression(faces, 0.3).sort((a, b) => boxArea(b.box) - boxArea(a.box));
}
