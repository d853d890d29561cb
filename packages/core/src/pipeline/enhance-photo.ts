import { applyChannelLuts, applyLut } from '../image/channel-lut.js';
import { linearOfSrgbByte, meanLightness } from '../image/color-space.js';
import { agreedCastGains, linearGainLuts, markCastSamples } from '../image/cast-estimate.js';
import { bilateralFilter } from '../image/denoise.js';
import { createRgbaImage, cropGrayImage, cropRgbaImage, type GrayImage, type RgbaImage } from '../image/rgba-image.js';
import { unsharpMaskLuma } from '../image/sharpen.js';
import { adjustSaturation, contrastTable, exposureLut, highlightLevel } from '../image/tone.js';
import type { EnhanceOptions } from '../options/index.js';

/**
 * Exposure is judged by the subject's highlights, never by its skin: a dark face is often dark
 * skin, and lifting every face towards one lightness (as this step once did: the face's mean L
 * to 150 by a gamma curve, then CLAHE) paled darker skin, turned black hair silver and gave
 * well-lit faces a gritty, over-processed look. A photo is underexposed when even the brightest
 * 1 % of the subject (a white collar, the eyes' whites, the light on skin and hair) stays below
 * UNDEREXPOSED_BELOW on its brightest channel; it then gets the exposure a camera would have
 * given it, a gain in linear light that brings that level to HIGHLIGHT_TARGET, at most one stop.
 * A bright photo is left alone: what clipped cannot be brought back, and darkening only greys it.
 */
const HIGHLIGHT_QUANTILE = 0.99;
const UNDEREXPOSED_BELOW = 200;
const HIGHLIGHT_TARGET = 230;
const MAX_EXPOSURE_GAIN = 2;
/** The white balance's gains stay within [1/1.5, 1.5] (the original service's limit). */
const WHITE_BALANCE_MAX_GAIN = 1.5;
/** The unsharp mask's blur; its kernel reaches ceil(3σ) pixels. */
const SHARPEN_SIGMA = 1;

/** A rectangle of the crop, in whole pixels. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

function hasWeight(mask: GrayImage): boolean {
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] > 0) return true;
  return false;
}

/** Below this share of the crop, the background is too small to read the light from. */
const MIN_BACKGROUND_SHARE = 0.1;

/**
 * Where the white balance reads the light: the photo's background (inside the photo, outside
 * the subject), where skin and hair, warm by nature, do not pose as a warm light; the whole photo
 * area when the subject leaves less than MIN_BACKGROUND_SHARE of the crop. On the development
 * portraits under a cool light this left a median 7.5° of cast instead of 8.8° (whole crop), and
 * balanced photos moved 0.1° instead of 1.5° (bench/white-balance.mts).
 */
function lightReadingMask(inPhoto: GrayImage, subject: GrayImage): GrayImage {
  const data = new Float32Array(inPhoto.data.length);
  let background = 0;
  for (let i = 0; i < data.length; i++) {
    data[i] = inPhoto.data[i] * (1 - subject.data[i]);
    if (data[i] > 0.5) background++;
  }
  return background >= data.length * MIN_BACKGROUND_SHARE ? { width: inPhoto.width, height: inPhoto.height, data } : inPhoto;
}

/** The pixels whose denoised colour anyone reads: the rectangle worked on, and the white balance's samples. */
function denoisedPixels(image: RgbaImage, rect: PixelRect, lightMask: GrayImage | undefined): Uint8Array {
  const flags = new Uint8Array(image.width * image.height);
  for (let y = rect.y; y < rect.y + rect.height; y++) flags.fill(1, y * image.width + rect.x, y * image.width + rect.x + rect.width);
  if (lightMask) markCastSamples(image.width, image.height, lightMask, flags);
  return flags;
}

export interface EnhanceReport {
  readonly steps: readonly string[];
  /** The face's mean lightness (OpenCV 8-bit L) before any step: reported, not acted on. */
  readonly meanLightnessBefore: number;
  /** The gain in linear light the exposure step applied (present only when it did). */
  readonly exposureGain?: number;
  readonly whiteBalanceGains?: { r: number; g: number; b: number };
}

/** The smallest rectangle holding every pixel of `mask` above 0 and `extra`, clamped to the image; null if empty. */
function weightBox(mask: GrayImage, extra: PixelRect | undefined): PixelRect | null {
  const { width, height, data } = mask;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0, i = 0; y < height; y++) {
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++, i++) {
      if (data[i] > 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
    if (y < y0) y0 = y;
    y1 = y;
  }
  if (extra && extra.width > 0 && extra.height > 0) {
    x0 = Math.min(x0, Math.floor(extra.x));
    y0 = Math.min(y0, Math.floor(extra.y));
    x1 = Math.max(x1, Math.ceil(extra.x + extra.width) - 1);
    y1 = Math.max(y1, Math.ceil(extra.y + extra.height) - 1);
  }
  x0 = Math.max(0, x0);
  y0 = Math.max(0, y0);
  x1 = Math.min(width - 1, x1);
  y1 = Math.min(height - 1, y1);
  return x1 < x0 || y1 < y0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Photo enhancement on the portrait crop, in the original service's order: exposure, denoise,
 * white balance, sharpen, contrast, saturation. Statistics (exposure, contrast pivot) are taken
 * over `subject` (the segmentation alpha) so that a removed background does not steer them;
 * white balance reads the background inside the photo, where the subject's skin and hair do
 * not pose as a warm light.
 *
 * With `needed`, only the pixels that anyone will look at are exact: those inside `needed` and
 * every pixel with `subject` weight > 0 (the caller adds what later stages read: the foreground
 * estimate's box, the landmark net's window). Exposure runs over the whole crop; denoise over
 * the bounding rectangle of those pixels grown by the blur's reach, and outside it only on the
 * pixels the white-balance statistic reads (it reads the background, after denoise). Applying
 * the gains, the unsharp mask, contrast and saturation run on that rectangle; the pixels outside
 * it keep their colours from before these steps (every one is transparent in the portrait).
 * Inside, every step computes what it computes on the whole crop: the blur is the same
 * separable kernel with clamped edges (within its reach of the rectangle's inner sides nothing is
 * kept), and the contrast pivot sums the same weights in the same raster order.
 */
export function enhancePhoto(
  image: RgbaImage,
  masks: { readonly face: GrayImage; readonly subject: GrayImage; readonly inPhoto: GrayImage },
  options: EnhanceOptions,
  needed?: PixelRect,
): { image: RgbaImage; report: EnhanceReport } {
  const steps: string[] = [];
  let out = image;
  // Statistics over an empty mask are undefined: fall back to the whole photo area.
  const face = hasWeight(masks.face) ? masks.face : masks.inPhoto;
  let subject = hasWeight(masks.subject) ? masks.subject : masks.inPhoto;
  const lightness = meanLightness(out, face);
  let exposureGain: number | undefined;
  const highlights = options.exposure ? highlightLevel(out, HIGHLIGHT_QUANTILE, subject) : undefined;
  if (highlights !== undefined && highlights < UNDEREXPOSED_BELOW) {
    // A black frame has no highlights to bring up: the one-stop limit applies.
    const level = linearOfSrgbByte(highlights);
    exposureGain = level > 0 ? Math.min(MAX_EXPOSURE_GAIN, linearOfSrgbByte(HIGHLIGHT_TARGET) / level) : MAX_EXPOSURE_GAIN;
    out = applyLut(out, exposureLut(exposureGain));
    steps.push('exposure');
  }
  // After denoise every step is local (the unsharp mask reaches ceil(3σ) pixels) or a statistic
  // over `subject`: work on the rectangle that holds what is needed, grown by that reach.
  const reach = options.sharpen ? Math.ceil(3 * SHARPEN_SIGMA) : 0;
  const box = needed ? weightBox(subject, needed) : null;
  const rect = box && {
    x: Math.max(0, box.x - reach),
    y: Math.max(0, box.y - reach),
    width: Math.min(out.width, box.x + box.width + reach) - Math.max(0, box.x - reach),
    height: Math.min(out.height, box.y + box.height + reach) - Math.max(0, box.y - reach),
  };
  const part = rect && (rect.width < out.width || rect.height < out.height) ? rect : null;
  const lightMask = options.whiteBalance ? lightReadingMask(masks.inPhoto, subject) : undefined;
  if (options.denoise) {
    // Outside the rectangle only the pixels the white balance reads need denoising (a quarter
    // of the background, or none): the rest are made transparent and never seen.
    out = bilateralFilter(out, { radius: 2, sigmaColor: 12, sigmaSpace: 1.5 }, part ? denoisedPixels(out, part, lightMask) : undefined);
    steps.push('denoise');
  }
  // Only a cast two unlike estimates agree on is taken out (see image/cast-estimate.ts): grey
  // world took warm skin for a cast and cooled every face. The light is read off the background.
  const gains = lightMask ? agreedCastGains(out, { mask: lightMask, maxGain: WHITE_BALANCE_MAX_GAIN }) : undefined;
  const whole = out;
  if (part) {
    out = cropRgbaImage(out, part.x, part.y, part.width, part.height);
    subject = cropGrayImage(subject, part.x, part.y, part.width, part.height);
  }

  // A balanced photo's gains are 1: its pixels are not rewritten. Otherwise the gains' tables
  // go into the unsharp mask's own pass when it runs (the same pixels, one pass fewer).
  const balance = gains && (gains.r !== 1 || gains.g !== 1 || gains.b !== 1) ? linearGainLuts(gains) : undefined;
  if (balance && !options.sharpen) out = applyChannelLuts(out, ...balance);
  if (gains) steps.push('white-balance');
  if (options.sharpen) {
    out = unsharpMaskLuma(out, { amount: 0.5, sigma: SHARPEN_SIGMA, threshold: 2, ...(balance ? { before: balance } : {}) });
    steps.push('sharpen');
  }
  // Contrast is a table once its mean is known: saturation applies it in its own pass.
  const contrast = options.contrast !== 1 ? contrastTable(out, options.contrast, { mask: subject }) : undefined;
  if (contrast) steps.push('contrast');
  if (options.saturation !== 1) {
    out = adjustSaturation(out, options.saturation, contrast ? { before: contrast } : {});
    steps.push('saturation');
  } else if (contrast) {
    out = applyLut(out, contrast);
  }
  if (part) {
    // Back into the whole crop: outside the rectangle the denoised colours stay. The denoised
    // image is this function's own and takes the rows in place; the caller's input is copied.
    const full = whole === image ? createRgbaImage(whole.width, whole.height, new Uint8ClampedArray(whole.data)) : whole;
    const rowBytes = part.width * 4;
    for (let y = 0; y < part.height; y++) full.data.set(out.data.subarray(y * rowBytes, (y + 1) * rowBytes), ((part.y + y) * whole.width + part.x) * 4);
    out = full;
  }
  return { image: out, report: { steps, meanLightnessBefore: lightness, ...(exposureGain !== undefined ? { exposureGain } : {}), ...(gains ? { whiteBalanceGains: gains } : {}) } };
}
