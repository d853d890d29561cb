/**
 * Grey-world white balance: assume the scene averages to neutral grey and scale each channel so
 * that its mean meets the grey mean. Gains are clamped because a photo that really is mostly one
 * colour (a red wall, a green lawn) would otherwise be "corrected" into a strong opposite cast.
 */
import { applyChannelLuts } from './channel-lut.js';
import type { GrayImage, RgbaImage } from './rgba-image.js';
import { assertNumberInRange, assertOptionalMask, assertOptionalObject, assertRgbaImage } from './validate.js';

export interface WhiteBalanceOptions {
  /** Each gain is clamped to [1/maxGain, maxGain]. Default 1.5; must be ≥ 1. */
  maxGain?: number;
  /** Per-pixel weight for the channel statistics (e.g. the subject's alpha). Default: uniform. */
  mask?: GrayImage;
  /**
   * How much of the correction to apply, 0..1: each applied gain is 1 + strength·(gain − 1),
   * with gain the clamped grey-world gain. Real portraits are rarely grey on average, so a partial
   * correction is often the safer choice. Default 1.
   */
  strength?: number;
}

export interface ChannelGains {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export interface WhiteBalanceResult {
  readonly image: RgbaImage;
  readonly gains: ChannelGains;
}

/** Weighted per-channel means of R, G, B (alpha is not used unless passed as the mask). */
export function channelMeans(img: RgbaImage, mask?: GrayImage): ChannelGains {
  assertRgbaImage(img, 'img');
  assertOptionalMask(mask, 'mask', img, 'img');
  const sums = mask ? weightedSums(img.data, mask.data) : weightedSums(img.data, null);
  const total = sums[3];
  if (!(total > 0)) throw new RangeError('Expected mask with positive total weight but received one that is zero everywhere');
  return { r: sums[0] / total, g: sums[1] / total, b: sums[2] / total };
}

/** Σw·R, Σw·G, Σw·B and Σw over the pixels with weight > 0 (weight 1 without `weights`), in raster order. */
function weightedSums(src: Uint8ClampedArray, weights: Float32Array | null): [number, number, number, number] {
  let r = 0;
  let g = 0;
  let b = 0;
  let total = 0;
  const n = src.length >> 2;
  if (weights) {
    for (let p = 0; p < n; p++) {
      const w = weights[p];
      if (!(w > 0)) continue;
      const i = p << 2;
      r += w * src[i];
      g += w * src[i + 1];
      b += w * src[i + 2];
      total += w;
    }
  } else {
    for (let i = 0; i < src.length; i += 4) {
      r += src[i];
      g += src[i + 1];
      b += src[i + 2];
      total += 1;
    }
  }
  return [r, g, b, total];
}

/** The gains of `greyWorldWhiteBalance` and their per-channel tables, without applying them. */
export function greyWorldGains(img: RgbaImage, options: WhiteBalanceOptions = {}): { gains: ChannelGains; luts: [Uint8ClampedArray, Uint8ClampedArray, Uint8ClampedArray] } {
  assertRgbaImage(img, 'img');
  assertOptionalObject(options, 'options');
  const { maxGain = 1.5, mask, strength = 1 } = options;
  assertNumberInRange(maxGain, 'options.maxGain', 1, Infinity, { maxExclusive: true });
  assertNumberInRange(strength, 'options.strength', 0, 1);
  const means = channelMeans(img, mask);
  const grey = (means.r + means.g + means.b) / 3;
  const gain = (mean: number): number => {
    // A channel with no signal at all would need an infinite gain: the clamp decides.
    const raw = mean > 0 ? grey / mean : maxGain;
    const clamped = Math.min(maxGain, Math.max(1 / maxGain, raw));
    return 1 + strength * (clamped - 1);
  };
  const gains = { r: gain(means.r), g: gain(means.g), b: gain(means.b) };
  const lut = (k: number): Uint8ClampedArray => {
    const table = new Uint8ClampedArray(256);
    for (let v = 0; v < 256; v++) table[v] = v * k;
    return table;
  };
  return { gains, luts: [lut(gains.r), lut(gains.g), lut(gains.b)] };
}

/**
 * Gains = grey mean / channel mean, each clamped to [1/maxGain, maxGain] and then scaled towards 1
 * by `strength`; returns the balanced image and the gains applied. Alpha is untouched.
 */
export function greyWorldWhiteBalance(img: RgbaImage, options: WhiteBalanceOptions = {}): WhiteBalanceResult {
  const { gains, luts } = greyWorldGains(img, options);
  return { image: applyChannelLuts(img, luts[0], luts[1], luts[2]), gains };
}
