/** Image similarity measures used by tests across the project. */
import type { RgbaImage } from './rgba-image.js';
import { assertOneOf, assertOptionalObject, assertRgbaImage, assertSameSize } from './validate.js';

export type CompareChannels = 'rgb' | 'rgba';
const CHANNELS: readonly CompareChannels[] = ['rgb', 'rgba'];

export interface CompareOptions {
  /** Which channels count. Default 'rgb' for psnr, 'rgba' for maxChannelDifference. */
  channels?: CompareChannels;
}

/** Peak signal-to-noise ratio in dB over 8-bit values (peak 255); Infinity when identical. */
export function psnr(a: RgbaImage, b: RgbaImage, options: CompareOptions = {}): number {
  assertRgbaImage(a, 'a');
  assertRgbaImage(b, 'b');
  assertSameSize(a, 'a', b, 'b');
  assertOptionalObject(options, 'options');
  const channels = options.channels ?? 'rgb';
  assertOneOf(channels, 'options.channels', CHANNELS);
  const count = channels === 'rgba' ? 4 : 3;
  const da = a.data;
  const db = b.data;
  let sum = 0;
  for (let i = 0; i < da.length; i += 4) {
    for (let c = 0; c < count; c++) {
      const d = da[i + c] - db[i + c];
      sum += d * d;
    }
  }
  if (sum === 0) return Infinity;
  const mse = sum / ((da.length / 4) * count);
  return 10 * Math.log10((255 * 255) / mse);
}

/** Largest absolute difference of any single channel value (0..255). */
export function maxChannelDifference(a: RgbaImage, b: RgbaImage, options: CompareOptions = {}): number {
  assertRgbaImage(a, 'a');
  assertRgbaImage(b, 'b');
  assertSameSize(a, 'a', b, 'b');
  assertOptionalObject(options, 'options');
  const channels = options.channels ?? 'rgba';
  assertOneOf(channels, 'options.channels', CHANNELS);
  const count = channels === 'rgba' ? 4 : 3;
  const da = a.data;
  const db = b.data;
  let max = 0;
  for (let i = 0; i < da.length; i += 4) {
    for (let c = 0; c < count; c++) {
      const d = Math.abs(da[i + c] - db[i + c]);
      if (d > max) max = d;
    }
  }
  return max;
}
