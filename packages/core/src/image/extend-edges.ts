import { assertAffine, type Affine2D } from './affine.js';
import type { RgbaImage } from './rgba-image.js';

/**
 * Fills the pixels of a warped image that lie (partly) outside its source with the source's
 * nearest edge colour, made opaque: a model then sees the photo continue past its edge instead
 * of a black border, whose straight contour (a tilted rectangle once the head is levelled) it
 * would take for an object's outline. `dstToSrc` maps the warped image's pixels to the source's,
 * as given to `warpAffine`. Changes `image` in place.
 */
export function extendEdges(image: RgbaImage, source: RgbaImage, dstToSrc: Affine2D): void {
  assertAffine(dstToSrc, 'dstToSrc');
  const { width, height, data } = image;
  const src = source.data;
  const sw = source.width;
  const sh = source.height;
  const [m0, m1, m2, m3, m4, m5] = dstToSrc;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const alpha = data[o + 3];
      if (alpha === 255) continue;
      // applyAffine's arithmetic, inline (it validates its arguments on every call).
      const px = m0 * (x + 0.5) + m1 * (y + 0.5) + m2;
      const py = m3 * (x + 0.5) + m4 * (y + 0.5) + m5;
      const sx = Math.min(sw - 1, Math.max(0, Math.floor(px)));
      const sy = Math.min(sh - 1, Math.max(0, Math.floor(py)));
      const s = (sy * sw + sx) * 4;
      const a = alpha / 255;
      data[o] = data[o] * a + src[s] * (1 - a);
      data[o + 1] = data[o + 1] * a + src[s + 1] * (1 - a);
      data[o + 2] = data[o + 2] * a + src[s + 2] * (1 - a);
      data[o + 3] = 255;
    }
  }
}
