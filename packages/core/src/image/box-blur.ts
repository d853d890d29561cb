/**
 * A Gaussian blur approximated by three box filters in a row (their sum of variances is σ²):
 * a handful of additions per pixel whatever σ, where a true Gaussian of σ 6–12 reads 37–73
 * taps per pixel and axis. Values outside the plane count as 0, so a weighted mean blurred this
 * way (the values times their weights, and the weights, each blurred, then divided) averages
 * only what is in the plane.
 */
import { createGrayImage, type GrayImage } from './rgba-image.js';
import { assertGrayImage, assertNonNegativeNumber } from './validate.js';

/** How many boxes: three already come within a few per cent of the Gaussian's shape. */
const PASSES = 3;

/** The box radius whose three passes come closest to a Gaussian of `sigma` (at least 1 unless σ is 0). */
export function boxRadiusFor(sigma: number): number {
  if (sigma <= 0) return 0;
  // Three boxes of width w have variance 3 (w² − 1) / 12 = σ².
  const width = Math.sqrt((12 * sigma * sigma) / PASSES + 1);
  return Math.max(1, Math.round((width - 1) / 2));
}

/** PASSES box passes along each row, in place (zeros past either end of the row). */
function boxRows(data: Float32Array, width: number, height: number, radius: number): void {
  const scale = 1 / (2 * radius + 1);
  const line = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let pass = 0; pass < PASSES; pass++) {
      line.set(data.subarray(row, row + width));
      let sum = 0;
      for (let x = 0; x < Math.min(radius, width); x++) sum += line[x];
      // The additions and subtractions split by where they apply, not tested per pixel (the same
      // operations in the same order).
      const addEnd = Math.max(0, width - radius); // x + radius < width
      const subStart = radius + 1; // x − radius − 1 ≥ 0
      let x = 0;
      for (; x < Math.min(addEnd, subStart); x++) {
        sum += line[x + radius];
        data[row + x] = sum * scale;
      }
      for (; x < addEnd; x++) {
        sum += line[x + radius];
        sum -= line[x - radius - 1];
        data[row + x] = sum * scale;
      }
      for (; x < width; x++) {
        if (x + radius < width) sum += line[x + radius];
        if (x - radius - 1 >= 0) sum -= line[x - radius - 1];
        data[row + x] = sum * scale;
      }
    }
  }
}

/**
 * PASSES box passes down each column, in place: every column's running sum at once, a row at a
 * time (memory in order, where a column at a time strides through the plane). Each column sees
 * the same additions in the same order as boxRows gives a row, so the values are the same as
 * transposing, filtering the rows and transposing back.
 */
function boxColumns(data: Float32Array, width: number, height: number, radius: number): void {
  const scale = 1 / (2 * radius + 1);
  const source = new Float32Array(data.length);
  const sums = new Float64Array(width);
  for (let pass = 0; pass < PASSES; pass++) {
    source.set(data);
    sums.fill(0);
    for (let y = 0; y < Math.min(radius, height); y++) for (let x = 0, i = y * width; x < width; x++, i++) sums[x] += source[i];
    for (let y = 0; y < height; y++) {
      const add = y + radius < height ? (y + radius) * width : -1;
      const sub = y - radius - 1 >= 0 ? (y - radius - 1) * width : -1;
      const row = y * width;
      for (let x = 0; x < width; x++) {
        let sum = sums[x];
        if (add >= 0) sum += source[add + x];
        if (sub >= 0) sum -= source[sub + x];
        sums[x] = sum;
        data[row + x] = sum * scale;
      }
    }
  }
}

export function stackedBoxBlurGray(image: GrayImage, sigma: number): GrayImage {
  assertGrayImage(image, 'image');
  assertNonNegativeNumber(sigma, 'sigma');
  const { width, height } = image;
  const radius = boxRadiusFor(sigma);
  const out = createGrayImage(width, height, new Float32Array(image.data));
  if (radius === 0) return out;
  boxRows(out.data, width, height, radius);
  boxColumns(out.data, width, height, radius);
  return out;
}
