/**
 * Unsharp mask: add back `amount` × (image − Gaussian blur). The threshold leaves low-contrast
 * detail (skin texture, sensor noise) alone so that only real edges are sharpened, as in
 * Pillow's ImageFilter.UnsharpMask.
 */
import { gaussianBlurRgbaFloat } from './gaussian-blur.js';
import { createRgbaImage, type RgbaImage } from './rgba-image.js';
import { assertNonNegativeNumber, assertNumberInRange, assertOptionalObject, assertPositiveNumber, assertRgbaImage } from './validate.js';

export interface UnsharpMaskOptions {
  /** Strength as a fraction: 1 = 100 % (Pillow's percent / 100). Default 0.5. */
  amount?: number;
  /** Gaussian sigma of the blur, pixels. Default 1. */
  sigma?: number;
  /** Channels whose |image − blur| is not above this many levels (0..255) are left as is. Default 3. */
  threshold?: number;
}

/** Sharpens R, G and B independently; alpha is copied unchanged. */
export function unsharpMask(img: RgbaImage, options: UnsharpMaskOptions = {}): RgbaImage {
  assertRgbaImage(img, 'img');
  assertOptionalObject(options, 'options');
  const { amount = 0.5, sigma = 1, threshold = 3 } = options;
  assertNonNegativeNumber(amount, 'options.amount');
  assertPositiveNumber(sigma, 'options.sigma');
  assertNumberInRange(threshold, 'options.threshold', 0, 255);
  const blurred = gaussianBlurRgbaFloat(img, sigma);
  const src = img.data;
  const out = createRgbaImage(img.width, img.height);
  const dst = out.data;
  // Per channel: v + amount·(v − blur) where |v − blur| > threshold, else v (unrolled).
  for (let i = 0; i < src.length; i += 4) {
    const r = src[i];
    const g = src[i + 1];
    const b = src[i + 2];
    const dr = r - blurred[i];
    const dg = g - blurred[i + 1];
    const db = b - blurred[i + 2];
    dst[i] = Math.abs(dr) > threshold ? r + amount * dr : r;
    dst[i + 1] = Math.abs(dg) > threshold ? g + amount * dg : g;
    dst[i + 2] = Math.abs(db) > threshold ? b + amount * db : b;
    dst[i + 3] = src[i + 3];
  }
  return out;
}
