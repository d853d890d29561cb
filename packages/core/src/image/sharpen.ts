/**
 * Unsharp mask: add back `amount` × (image − Gaussian blur). The threshold leaves low-contrast
 * detail (skin texture, sensor noise) alone so that only real edges are sharpened, as in
 * Pillow's ImageFilter.UnsharpMask.
 */
import { gaussianBlurGray, gaussianBlurRgbaFloat } from './gaussian-blur.js';
import { createGrayImage, createRgbaImage, isOpaqueRgba, type RgbaImage } from './rgba-image.js';
import { assertNonNegativeNumber, assertNumberInRange, assertOptionalObject, assertPositiveNumber, assertRgbaImage } from './validate.js';

export interface UnsharpMaskOptions {
  /** Strength as a fraction: 1 = 100 % (Pillow's percent / 100). Default 0.5. */
  amount?: number;
  /** Gaussian sigma of the blur, pixels. Default 1. */
  sigma?: number;
  /** Channels whose |image − blur| is not above this many levels (0..255) are left as is. Default 3. */
  threshold?: number;
}

function checkedOptions(img: RgbaImage, options: UnsharpMaskOptions): Required<UnsharpMaskOptions> {
  assertRgbaImage(img, 'img');
  assertOptionalObject(options, 'options');
  const { amount = 0.5, sigma = 1, threshold = 3 } = options;
  assertNonNegativeNumber(amount, 'options.amount');
  assertPositiveNumber(sigma, 'options.sigma');
  assertNumberInRange(threshold, 'options.threshold', 0, 255);
  return { amount, sigma, threshold };
}

/** Sharpens R, G and B independently; alpha is copied unchanged. */
export function unsharpMask(img: RgbaImage, options: UnsharpMaskOptions = {}): RgbaImage {
  const { amount, sigma, threshold } = checkedOptions(img, options);
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

/** Rec. 601 luma weights (as Pillow's and OpenCV's greyscale). */
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

export interface UnsharpMaskLumaOptions extends UnsharpMaskOptions {
  /**
   * Tables applied to R, G and B first (e.g. white-balance gains): the result is exactly that of
   * sharpening the image the tables make, without making it (one pass over the pixels fewer).
   */
  readonly before?: readonly [Uint8Array, Uint8Array, Uint8Array];
}

const IDENTITY_TABLE = Uint8Array.from({ length: 256 }, (_, v) => v);

function checkedTables(before: UnsharpMaskLumaOptions['before']): readonly [Uint8Array, Uint8Array, Uint8Array] {
  if (before === undefined) return [IDENTITY_TABLE, IDENTITY_TABLE, IDENTITY_TABLE];
  if (!Array.isArray(before) || before.length !== 3 || !before.every((t) => t instanceof Uint8Array && t.length === 256)) {
    throw new TypeError('Expected options.before to be three 256-entry Uint8Arrays (R, G, B)');
  }
  return before as readonly [Uint8Array, Uint8Array, Uint8Array];
}

/**
 * Unsharp mask on the luma only: amount × (Y − blurred Y) is added to R, G and B alike where
 * |Y − blurred Y| exceeds the threshold. Edges and texture sharpen as with unsharpMask, but a
 * coloured edge (lips on skin, a red collar on a blue shirt) gains no colour fringe and colour
 * noise is not amplified — the way photo editors sharpen portraits. One plane is blurred instead
 * of three. Transparent pixels lend no luma to the blur (it is weighted by alpha); alpha is
 * copied unchanged.
 */
export function unsharpMaskLuma(img: RgbaImage, options: UnsharpMaskLumaOptions = {}): RgbaImage {
  const { amount, sigma, threshold } = checkedOptions(img, options);
  const [tr, tg, tb] = checkedTables(options.before);
  const { width, height, data: src } = img;
  const n = width * height;
  const opaque = isOpaqueRgba(src);
  const luma = createGrayImage(width, height);
  const weight = opaque ? undefined : createGrayImage(width, height);
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const y = LUMA_R * tr[src[i]] + LUMA_G * tg[src[i + 1]] + LUMA_B * tb[src[i + 2]];
    if (weight) {
      const a = src[i + 3] / 255;
      luma.data[p] = y * a;
      weight.data[p] = a;
    } else luma.data[p] = y;
  }
  const blurred = gaussianBlurGray(luma, sigma).data;
  const blurredWeight = weight && gaussianBlurGray(weight, sigma).data;
  const out = createRgbaImage(width, height);
  const dst = out.data;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const r = tr[src[i]];
    const g = tg[src[i + 1]];
    const b = tb[src[i + 2]];
    let d = 0;
    if (blurredWeight) {
      const w = blurredWeight[p];
      // A pixel with no opaque neighbour has no luma around it to sharpen against.
      if (w > 1e-6) d = LUMA_R * r + LUMA_G * g + LUMA_B * b - blurred[p] / w;
    } else d = LUMA_R * r + LUMA_G * g + LUMA_B * b - blurred[p];
    if (Math.abs(d) > threshold) {
      const lift = amount * d;
      dst[i] = r + lift;
      dst[i + 1] = g + lift;
      dst[i + 2] = b + lift;
    } else {
      dst[i] = r;
      dst[i + 1] = g;
      dst[i + 2] = b;
    }
    dst[i + 3] = src[i + 3];
  }
  return out;
}
