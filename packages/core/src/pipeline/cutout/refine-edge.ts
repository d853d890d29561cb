import { gaussianBlurGray } from '../../image/gaussian-blur.js';
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
const SUBSAMPLE = 2;

/**
 * Snaps the cut-out's soft edge to the photo's edges: the guided filter with the crop as guide,
 * only where the alpha is neither solid nor clear (grown by a few pixels), so the solid subject
 * and the cleared background stay exactly as they are. The face stays opaque.
 */
export function refineEdge(crop: RgbaImage, alpha: GrayImage, face: GrayImage): GrayImage {
  const scale = Math.max(crop.width, crop.height) / REFERENCE;
  const radius = Math.max(2, Math.round(RADIUS * scale));
  // The band: soft pixels and their neighbourhood (a blur of the "is soft" map reaches ~radius/2 out).
  const soft: GrayImage = { width: alpha.width, height: alpha.height, data: new Float32Array(alpha.data.length) };
  for (let i = 0; i < soft.data.length; i++) soft.data[i] = alpha.data[i] > 0.02 && alpha.data[i] < 0.98 ? 1 : 0;
  const reach = gaussianBlurGray(soft, Math.max(1, radius / 2));
  const band = new Uint8Array(alpha.data.length);
  for (let i = 0; i < band.length; i++) band[i] = reach.data[i] > 0.02 ? 1 : 0;
  const refined = guidedFilterAlpha(crop, alpha, { radius, epsilon: EPSILON, band, subsample: radius >= 6 ? SUBSAMPLE : 1 });
  for (let i = 0; i < refined.data.length; i++) refined.data[i] = Math.max(refined.data[i], face.data[i]) * (crop.data[i * 4 + 3] / 255);
  return refined;
}
