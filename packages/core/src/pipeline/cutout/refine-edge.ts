import { dilateBox } from '../../image/dilate.js';
import { guidedFilterAlpha } from '../../image/guided-filter.js';
import type { GrayImage, RgbaImage } from '../../image/rgba-image.js';

/**
 * The refinement's settings, for a crop whose long side is REFERENCE pixels (scaled with it):
 * a guided filter of radius 8 with a small ε follows the photo's own edges (hair against a
 * wall) without carrying texture into what is solid, since it runs only in the soft band.
 */
const REFERENCE = 648;
const RADIUS = 8;
const EPSILON = 2e-4;
const SUBSAMPLE = 4;
/** The matte's support: where it is above this, the refined edge may stay (see refineEdge). */
const SUPPORT_FLOOR = 0.05;

/**
 * Snaps the cut-out's soft edge to the photo's edges: the guided filter with the crop as guide,
 * only where the alpha is neither solid nor clear (grown by a few pixels), so the solid subject
 * and the cleared background stay exactly as they are, and never past the matte's own support.
 * The face stays opaque.
 */
export function refineEdge(crop: RgbaImage, alpha: GrayImage, face: GrayImage): GrayImage {
  const scale = Math.max(crop.width, crop.height) / REFERENCE;
  const radius = Math.max(2, Math.round(RADIUS * scale));
  // The band: soft pixels and their neighbourhood, half the filter's radius out.
  const band = dilateBox(softPixels(alpha.data), alpha.width, alpha.height, Math.max(1, Math.round(radius / 2)));
  // The coarse grid keeps a window of at least two of its cells either side (radius / subsample ≥ 2).
  const refined = guidedFilterAlpha(crop, alpha, { radius, epsilon: EPSILON, band, subsample: Math.min(SUBSAMPLE, Math.max(1, Math.floor(radius / 2))) });
  // The filter may move the edge inwards but not out past the matte's own support: grown
  // outwards it leaves a rim of the old background (a light halo on a dark backdrop).
  keepWithinSupport(refined.data, alpha.data, face.data, crop.data);
  return refined;
}

// The loops over every pixel are module-level functions: refineEdge runs once per portrait and V8
// deoptimised it in most rounds of four photos, after which inline loops ran unoptimised.

/** 1 where the alpha is neither solid nor clear. */
function softPixels(alpha: Float32Array): Uint8Array {
  const soft = new Uint8Array(alpha.length);
  for (let i = 0; i < soft.length; i++) soft[i] = alpha[i] > 0.02 && alpha[i] < 0.98 ? 1 : 0;
  return soft;
}

/** The refined alpha where the matte had support, the face at least, nothing outside the photo (in place). */
function keepWithinSupport(refined: Float32Array, alpha: Float32Array, face: Float32Array, crop: Uint8ClampedArray): void {
  for (let i = 0; i < refined.length; i++) {
    const kept = alpha[i] > SUPPORT_FLOOR ? refined[i] : 0;
    refined[i] = Math.max(kept, face[i]) * (crop[i * 4 + 3] / 255);
  }
}

/**
 * Narrows the soft edge of a cut-out that will be enlarged `outputScale` times to the canvas
 * (a small face in a group photo): the refinement works in crop pixels, so its few pixels of
 * soft edge would become a translucent rim `outputScale` times as wide on the canvas, where the
 * new backdrop shows through the shoulder like a glow. Steepening the edge's ramp by the same
 * factor gives it the width on the canvas that a crop at the canvas's own size has. Solid and
 * clear pixels stay as they are, and so does the face. Changes `alpha` in place.
 */
export function narrowEdgeForUpscale(alpha: GrayImage, face: GrayImage, outputScale: number): void {
  if (!(outputScale > 1)) return;
  const { data } = alpha;
  for (let i = 0; i < data.length; i++) {
    const a = data[i];
    if (a <= 0 || a >= 1) continue;
    const narrowed = (a - 0.5) * outputScale + 0.5;
    data[i] = Math.max(face.data[i], narrowed < 0 ? 0 : narrowed > 1 ? 1 : narrowed);
  }
}
