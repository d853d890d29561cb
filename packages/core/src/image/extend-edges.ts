import { applyAffine, type Affine2D } from './affine.js';
import type { RgbaImage } from './rgba-image.js';

/**
 * Fills the pixels of a warped image that lie (partly) outside its source with the source's
 * nearest edge colour, made opaque: a model then sees the photo continue past its edge instead
 * of a black border, whose straight contour (a tilted rectangle once the head is levelled) it
 * would take for an object's outline. `dstToSrc` maps the warped image's pixels to the source's,
 * as given to `warpAffine`. Changes `image` in place.
 */
export function extendEdges(image: RgbaImage, source: RgbaImage, dstToSrc: Affine2D): void {
  const { width, height, data } = image;
  const sw = source.width;
  const sh = source.height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const alpha = data[o + 3];
      if (alpha === 255) continue;
      const p = applyAffine(dstToSrc, x + 0.5, y + 0.5);
      const sx = Math.min(sw - 1, Math.max(0, Math.floor(p.x)));
      const sy = Math.min(sh - 1, Math.max(0, Math.floor(p.y)));
      const s = (sy * sw + sx) * 4;
      const a = alpha / 255;
      for (let c = 0; c < 3; c++) data[o + c] = data[o + c] * a + source.data[s + c] * (1 - a);
      data[o + 3] = 255;
    }
  }
}
