/**
 * Global tone adjustments with Pillow's ImageEnhance semantics (the enhancement recipe was tuned
 * with Pillow, so results should match it level for level), plus exposure compensation, a gamma
 * curve and the highlight level that exposure is judged by. Alpha is never changed.
 */
import { applyLut } from './channel-lut.js';
import { encodeSrgbExact, linearOfSrgbByte } from './color-space.js';
import { createRgbaImage, type GrayImage, type RgbaImage } from './rgba-image.js';
import { assertFiniteNumber, assertNumberInRange, assertOptionalMask, assertOptionalObject, assertPositiveNumber, assertRgbaImage } from './validate.js';

/** Pillow's RGB → L conversion (ITU-R 601-2 luma, 16-bit fixed point, rounded). */
export function pillowLuma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/**
 * Pillow's ImagingBlend for one 8-bit value: in1 + α·(in2 − in1) in float32, truncated
 * (clamped first when α lies outside [0, 1], i.e. when extrapolating).
 */
function pillowBlend(in1: number, in2: number, alpha32: number): number {
  const t = Math.fround(in1 + Math.fround(alpha32 * (in2 - in1)));
  if (t <= 0) return 0;
  if (t >= 255) return 255;
  return Math.trunc(t);
}

export interface ContrastOptions {
  /**
   * Optional per-pixel weight for the mean grey level (e.g. the subject's alpha, so a removed
   * background does not pull the mean). Pillow weighs every pixel equally, which is the default.
   */
  mask?: GrayImage;
}

/**
 * Pillow `ImageEnhance.Contrast(img).enhance(factor)`: blends every channel with the image's mean
 * grey level (rounded Pillow luma mean). 1 = unchanged, 1.15 = 15 % more contrast, 0 = flat grey.
 */
export function adjustContrast(img: RgbaImage, factor: number, options: ContrastOptions = {}): RgbaImage {
  return applyLut(img, contrastTable(img, factor, options));
}

/** The per-level table of `adjustContrast` for this image (its mean grey decides it). */
export function contrastTable(img: RgbaImage, factor: number, options: ContrastOptions = {}): Uint8Array {
  assertRgbaImage(img, 'img');
  assertFiniteNumber(factor, 'factor');
  assertOptionalObject(options, 'options');
  const { mask } = options;
  assertOptionalMask(mask, 'options.mask', img, 'img');
  const src = img.data;
  const weights = mask?.data;
  let sum = 0;
  let total = 0;
  for (let p = 0, i = 0; i < src.length; p++, i += 4) {
    const w = weights ? weights[p] : 1;
    if (!(w > 0)) continue;
    sum += w * pillowLuma(src[i], src[i + 1], src[i + 2]);
    total += w;
  }
  if (!(total > 0)) throw new RangeError('Expected mask with positive total weight but received one that is zero everywhere');
  const mean = Math.trunc(sum / total + 0.5);
  // Every channel value maps independently once the mean is known: a table does the rest.
  const alpha32 = Math.fround(factor);
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = pillowBlend(mean, v, alpha32);
  return lut;
}

export interface SaturationOptions {
  /** A table applied to R, G and B first (e.g. `contrastTable`): two steps in one pass. */
  readonly before?: Uint8Array;
}

const IDENTITY_LUT = Uint8Array.from({ length: 256 }, (_, v) => v);

/** Above this many pixels adjustSaturation looks its blends up in a table. */
const BLEND_TABLE_PIXELS = 22_000;

/** `table[grey · 256 + v]` = pillowBlend(grey, v, alpha32). */
function blendTable(alpha32: number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let grey = 0; grey < 256; grey++) for (let v = 0; v < 256; v++) table[(grey << 8) | v] = pillowBlend(grey, v, alpha32);
  return table;
}

/**
 * Pillow `ImageEnhance.Color(img).enhance(factor)`: blends each pixel with its own grey (Pillow
 * luma). 1 = unchanged, 0 = greyscale, > 1 = more saturated.
 */
export function adjustSaturation(img: RgbaImage, factor: number, options: SaturationOptions = {}): RgbaImage {
  assertRgbaImage(img, 'img');
  assertFiniteNumber(factor, 'factor');
  assertOptionalObject(options, 'options');
  const before = options.before ?? IDENTITY_LUT;
  if (!(before instanceof Uint8Array) || before.length !== 256) throw new TypeError('Expected options.before to be a 256-entry Uint8Array');
  const alpha32 = Math.fround(factor);
  const src = img.data;
  const out = createRgbaImage(img.width, img.height);
  const dst = out.data;
  // The blend of a level with its pixel's grey, as a table over (grey, level): 65536 blends once
  // instead of three per pixel, once the image has more than about 22000 pixels.
  const big = src.length > 4 * BLEND_TABLE_PIXELS;
  const blend = big ? blendTable(alpha32) : undefined;
  for (let i = 0; i < src.length; i += 4) {
    const r = before[src[i]];
    const g = before[src[i + 1]];
    const b = before[src[i + 2]];
    const grey = pillowLuma(r, g, b);
    if (blend) {
      const row = grey << 8;
      dst[i] = blend[row | r];
      dst[i + 1] = blend[row | g];
      dst[i + 2] = blend[row | b];
    } else {
      dst[i] = pillowBlend(grey, r, alpha32);
      dst[i + 1] = pillowBlend(grey, g, alpha32);
      dst[i + 2] = pillowBlend(grey, b, alpha32);
    }
    dst[i + 3] = src[i + 3];
  }
  return out;
}

/** Table for out = 255·(in/255)^(1/gamma), rounded. */
export function gammaLut(gamma: number): Uint8Array {
  assertPositiveNumber(gamma, 'gamma');
  const lut = new Uint8Array(256);
  const inv = 1 / gamma;
  for (let v = 0; v < 256; v++) lut[v] = Math.round(255 * Math.pow(v / 255, inv));
  return lut;
}

/**
 * Exposure compensation as a camera makes it: linear light times `gain` (2 = one stop brighter),
 * clipped at white, as a table on 8-bit sRGB values. Unlike a gamma curve it keeps the ratios
 * between tones (the look of the light) and moves the highlights as much as the shadows.
 */
export function exposureLut(gain: number): Uint8Array {
  assertPositiveNumber(gain, 'gain');
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(255 * encodeSrgbExact(Math.min(1, linearOfSrgbByte(v) * gain)));
  return lut;
}

/**
 * The level (0..255) below which `quantile` of the pixels' brightest channel lies, over the
 * pixels where `mask` is above 0.5 (all pixels without a mask); undefined when there are none.
 * The brightest channel, max(R, G, B), goes through any per-channel tone table unchanged in
 * rank: after a table, this level is the table's value at the level before.
 */
export function highlightLevel(img: RgbaImage, quantile: number, mask?: GrayImage): number | undefined {
  assertRgbaImage(img, 'img');
  assertNumberInRange(quantile, 'quantile', 0, 1);
  assertOptionalMask(mask, 'mask', img, 'img');
  const counts = new Float64Array(256);
  const src = img.data;
  let total = 0;
  for (let p = 0, i = 0; p < img.width * img.height; p++, i += 4) {
    if (mask && !(mask.data[p] > 0.5)) continue;
    const r = src[i];
    const g = src[i + 1];
    const b = src[i + 2];
    counts[r > g ? (r > b ? r : b) : g > b ? g : b]++;
    total++;
  }
  if (total === 0) return undefined;
  let below = 0;
  for (let v = 0; v < 256; v++) {
    below += counts[v];
    if (below > 0 && below >= quantile * total) return v;
  }
  return 255;
}

/**
 * Gamma curve out = 255·(in/255)^(1/gamma) on R, G, B: gamma > 1 brightens the mid-tones,
 * gamma < 1 darkens them, 0 and 255 stay put.
 */
export function adjustGamma(img: RgbaImage, gamma: number): RgbaImage {
  assertRgbaImage(img, 'img');
  return applyLut(img, gammaLut(gamma));
}
