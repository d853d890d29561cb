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

/**
 * Snaps the cut-out's soft edge to the photo's edges: the guided filter with the crop as guide,
 * only where the alpha is neither solid nor clear (grown by a few pixels), so the solid subject
 * and the cleared background stay exactly as they are. The face stays opaque.
 */
export function refineEdge(crop: RgbaImage, alpha: GrayImage, face: GrayImage): GrayImage {
  const scale = Math.max(crop.width, crop.height) / REFERENCE;
  const radius = Math.max(2, Math.round(RADIUS * scale));
  // The band: soft pixels and their neighbourhood, half the filter's radius out.
  const soft = new Uint8Array(alpha.data.length);
  for (let i = 0; i < soft.length; i++) soft[i] = alpha.data[i] > 0.02 && alpha.data[i] < 0.98 ? 1 : 0;
  const band = dilateBox(soft, alpha.width, alpha.height, Math.max(1, Math.round(radius / 2)));
  const refined = guidedFilterAlpha(crop, alpha, { radius, epsilon: EPSILON, band, subsample: radius >= 8 ? SUBSAMPLE : radius >= 4 ? 2 : 1 });
  for (let i = 0; i < refined.data.length; i++) refined.data[i] = Math.max(refined.data[i], face.data[i]) * (crop.data[i * 4 + 3] / 255);
  return refined;
}

/** Binary dilation by a (2r+1)² box: a running count along rows, then along columns, O(N) in r. */
export function dilateBox(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let count = 0;
    for (let x = 0; x < Math.min(r, width); x++) count += mask[row + x];
    for (let x = 0; x < width; x++) {
      if (x + r < width) count += mask[row + x + r];
      if (x - r - 1 >= 0) count -= mask[row + x - r - 1];
      rows[row + x] = count > 0 ? 1 : 0;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++) {
    let count = 0;
    for (let y = 0; y < Math.min(r, height); y++) count += rows[y * width + x];
    for (let y = 0; y < height; y++) {
      if (y + r < height) count += rows[(y + r) * width + x];
      if (y - r - 1 >= 0) count -= rows[(y - r - 1) * width + x];
      out[y * width + x] = count > 0 ? 1 : 0;
    }
  }
  return out;
}
