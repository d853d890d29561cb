/**
 * Guided filter (He, Sun, Tang 2010/2013) with a colour guide, for refining a cut-out alpha so
 * that its edges follow the photo's edges. In each (2r+1)² window the output is a linear
 * function of the guide colour, q = a·I + b, fitted to the input alpha by ridge regression
 * (3×3 colour covariance + ε). Every box mean is a sliding sum (O(N) in r) with Float64
 * accumulators, so long running sums do not drift. `subsample` gives the fast guided filter
 * (He & Sun 2015): coefficients at 1/s resolution, their means upsampled bilinearly.
 */
import { createGrayImage, type GrayImage, type RgbaImage } from './rgba-image.js';
import {
  assertGrayImage,
  assertObject,
  assertPositiveInteger,
  assertPositiveNumber,
  assertRgbaImage,
  assertSameSize,
  describeValue,
} from './validate.js';

export interface GuidedFilterOptions {
  /** Window radius in full-resolution pixels: each window is (2·radius + 1)². */
  readonly radius: number;
  /**
   * Regularisation ε on the guide's [0, 1] colour scale: small values (1e-4) copy fine image
   * edges into the alpha, large ones (1e-1) approach a plain box blur.
   */
  readonly epsilon: number;
  /**
   * Where to filter: a Uint8Array (non-zero) or GrayImage (> 0) of the image's size. Elsewhere the
   * input alpha is returned bit for bit, so solid 0/1 regions stay exactly 0/1.
   */
  readonly band?: Uint8Array | GrayImage;
  /** Fast guided filter factor s ≥ 1 (1, the default, is the exact filter). */
  readonly subsample?: number;
}

/** A rectangle of the image, in pixels. */
interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function guidedFilterAlpha(image: RgbaImage, alpha: GrayImage, options: GuidedFilterOptions): GrayImage {
  assertRgbaImage(image, 'image');
  assertGrayImage(alpha, 'alpha');
  assertSameSize(image, 'image', alpha, 'alpha');
  assertObject(options, 'options');
  const { radius, epsilon, band, subsample = 1 } = options;
  assertPositiveInteger(radius, 'options.radius');
  assertPositiveNumber(epsilon, 'options.epsilon');
  assertPositiveInteger(subsample, 'options.subsample');
  const { width, height } = image;
  const mask = band === undefined ? null : bandMask(band, width, height);

  const out = createGrayImage(width, height, new Float32Array(alpha.data));
  const lowRadius = Math.max(1, Math.round(radius / subsample));
  // A band pixel's output reads coefficients up to one radius away, and those read the input up
  // to another radius away (plus a block and an interpolation step when subsampled): only that
  // neighbourhood of the band needs computing, and the result there is the same as on the whole.
  const reach = subsample === 1 ? 2 * radius : subsample * (2 * lowRadius + 2);
  const region = mask ? bandRegion(mask, width, height, reach, subsample) : { x: 0, y: 0, width, height };
  if (!region) return out;

  if (subsample === 1) {
    const coef = meanCoefficients(cropGuide(image, region), cropPlane(alpha.data, width, region), region.width, region.height, radius, epsilon);
    writeExact(out.data, image.data, width, region, mask, coef);
  } else {
    const lw = Math.ceil(region.width / subsample);
    const lh = Math.ceil(region.height / subsample);
    const guide = blockMeans(image.data, 4, 3, 1 / 255, width, region, subsample);
    const input = blockMeans(alpha.data, 1, 1, 1, width, region, subsample);
    const coef = meanCoefficients(guide, input, lw, lh, lowRadius, epsilon);
    writeUpsampled(out.data, image.data, width, region, mask, coef, lw, lh, subsample);
  }
  return out;
}

/** The band as one byte per pixel (1 = filter here). */
function bandMask(band: unknown, width: number, height: number): Uint8Array {
  if (band instanceof Uint8Array) {
    if (band.length !== width * height) {
      throw new RangeError(`Expected ${width * height} values in options.band for ${width}×${height} but received ${band.length}`);
    }
    return band;
  }
  if (typeof band !== 'object' || band === null || !('data' in band)) {
    throw new TypeError(`Expected Uint8Array or GrayImage for options.band but received ${describeValue(band)}`);
  }
  assertGrayImage(band, 'options.band');
  assertSameSize({ width, height }, 'image', band, 'options.band');
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = band.data[i] > 0 ? 1 : 0;
  return mask;
}

/** Bounding box of the band grown by `margin`, its origin on the subsampling grid; null if empty. */
function bandRegion(mask: Uint8Array, width: number, height: number, margin: number, step: number): Region | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[row + x] !== 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  // Aligning the origin keeps the subsampling blocks where they would be on the whole image.
  const x = Math.floor(Math.max(0, x0 - margin) / step) * step;
  const y = Math.floor(Math.max(0, y0 - margin) / step) * step;
  return { x, y, width: Math.min(width, x1 + margin + 1) - x, height: Math.min(height, y1 + margin + 1) - y };
}

/** RGB of the region as interleaved floats on [0, 1]. */
function cropGuide(image: RgbaImage, region: Region): Float32Array {
  const guide = new Float32Array(region.width * region.height * 3);
  const src = image.data;
  const k = 1 / 255;
  for (let y = 0, o = 0; y < region.height; y++) {
    for (let x = 0, i = ((region.y + y) * image.width + region.x) * 4; x < region.width; x++, i += 4, o += 3) {
      guide[o] = src[i] * k;
      guide[o + 1] = src[i + 1] * k;
      guide[o + 2] = src[i + 2] * k;
    }
  }
  return guide;
}

function cropPlane(data: Float32Array, width: number, region: Region): Float32Array {
  const plane = new Float32Array(region.width * region.height);
  for (let y = 0; y < region.height; y++) {
    const start = (region.y + y) * width + region.x;
    plane.set(data.subarray(start, start + region.width), y * region.width);
  }
  return plane;
}

/**
 * What the two box-filter stages of meanCoefficients read and write. The row functions that
 * slidingBoxMeans calls are module-level, not closures made per call: V8 keeps a closure's
 * optimised code only while a closure of it lives, so closures made anew for each portrait were
 * compiled again for each one (about 50 ms of compiling a portrait across the pipeline, on a
 * second core that the pipeline's own work needs).
 */
interface MomentStages {
  readonly guide: Float32Array;
  readonly p: Float32Array;
  readonly width: number;
  readonly epsilon: number;
  /** Stage one's output, stage two's input: (a_r, a_g, a_b, b) per pixel. */
  readonly coef: Float32Array;
  /** Stage two's output: the same, window-averaged. */
  readonly result: Float32Array;
}

/** Adds (sign 1) or removes (sign −1) row y into the column sums, or receives finished row y of means (channel c of pixel x at c·width + x). */
type AddRow = (stages: MomentStages, y: number, sums: Float64Array, pitch: number, sign: number) => void;
type EmitRow = (stages: MomentStages, y: number, means: Float64Array) => void;

/**
 * Sliding (2r+1)² window means of `channels` values per pixel, windows clipped at the borders and
 * divided by the pixels they hold. Sums and means are planar (channel c of column x at
 * c·pitch + x), which keeps every inner loop sequential. `addRow` adds or removes a source row
 * into the column sums; `emit` receives each finished row.
 */
function slidingBoxMeans(stages: MomentStages, width: number, height: number, channels: number, radius: number, addRow: AddRow, emit: EmitRow): void {
  // Each channel's column sums carry r + 1 zero columns on the left and r on the right, so the
  // running sum along x needs no edge tests; the zeros add nothing and the divisor counts only
  // real pixels.
  const pitch = width + 2 * radius + 1;
  const columns = new Float64Array(channels * pitch);
  const real = columns.subarray(radius + 1);
  const means = new Float64Array(channels * width);
  const spans = new Float64Array(width);
  for (let x = 0; x < width; x++) spans[x] = Math.min(width - 1, x + radius) - Math.max(0, x - radius) + 1;
  const scale = new Float64Array(width);
  const ahead = 2 * radius + 1;
  for (let y = 0; y < Math.min(radius, height); y++) addRow(stages, y, real, pitch, 1);
  // The divisors change only with the window's height: away from the top and bottom, never.
  let scaledRows = 0;
  for (let y = 0; y < height; y++) {
    if (y + radius < height) addRow(stages, y + radius, real, pitch, 1);
    if (y - radius - 1 >= 0) addRow(stages, y - radius - 1, real, pitch, -1);
    const rows = Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1;
    if (rows !== scaledRows) {
      for (let x = 0; x < width; x++) scale[x] = 1 / (rows * spans[x]);
      scaledRows = rows;
    }
    for (let c = 0; c < channels; c++) {
      const col = c * pitch;
      const out = c * width;
      let acc = 0;
      for (let j = col + radius + 1; j < col + 2 * radius + 1; j++) acc += columns[j];
      for (let x = 0; x < width; x++) {
        acc += columns[col + x + ahead] - columns[col + x];
        means[out + x] = acc * scale[x];
      }
    }
    emit(stages, y, means);
  }
}

/**
 * Window-averaged coefficients (ā_r, ā_g, ā_b, b̄), interleaved per pixel: the two box-filter
 * stages of the guided filter. Stage one streams the 13 moments (I, p, I·p, upper triangle of
 * I·Iᵀ) so that no N×13 buffer is ever allocated.
 */
function meanCoefficients(guide: Float32Array, p: Float32Array, width: number, height: number, radius: number, epsilon: number): Float32Array {
  const stages: MomentStages = { guide, p, width, epsilon, coef: new Float32Array(width * height * 4), result: new Float32Array(width * height * 4) };
  slidingBoxMeans(stages, width, height, 13, radius, addMomentRow, emitCoefficientRow);
  // Stage two: every pixel averages the coefficients of all windows that contain it.
  slidingBoxMeans(stages, width, height, 4, radius, addCoefficientRow, emitMeanCoefficientRow);
  return stages.result;
}

/** Stage one's input: the 13 moments of row y. */
function addMomentRow({ guide, p, width }: MomentStages, y: number, sums: Float64Array, pitch: number, sign: number): void {
  for (let x = 0, i = y * width; x < width; x++, i++) {
    const r = guide[i * 3];
    const g = guide[i * 3 + 1];
    const b = guide[i * 3 + 2];
    const v = sign * p[i];
    const sr = sign * r;
    const sg = sign * g;
    const sb = sign * b;
    sums[x] += sr;
    sums[pitch + x] += sg;
    sums[2 * pitch + x] += sb;
    sums[3 * pitch + x] += v;
    sums[4 * pitch + x] += r * v;
    sums[5 * pitch + x] += g * v;
    sums[6 * pitch + x] += b * v;
    sums[7 * pitch + x] += sr * r;
    sums[8 * pitch + x] += sr * g;
    sums[9 * pitch + x] += sr * b;
    sums[10 * pitch + x] += sg * g;
    sums[11 * pitch + x] += sg * b;
    sums[12 * pitch + x] += sb * b;
  }
}

/** Stage one's output: each pixel's ridge-regression coefficients from its window's moments. */
function emitCoefficientRow({ width: w, epsilon, coef }: MomentStages, y: number, m: Float64Array): void {
  for (let x = 0, o = y * w * 4; x < w; x++, o += 4) {
    const mr = m[x];
    const mg = m[w + x];
    const mb = m[2 * w + x];
    const mp = m[3 * w + x];
    const cr = m[4 * w + x] - mr * mp;
    const cg = m[5 * w + x] - mg * mp;
    const cb = m[6 * w + x] - mb * mp;
    const srr = m[7 * w + x] - mr * mr + epsilon;
    const srg = m[8 * w + x] - mr * mg;
    const srb = m[9 * w + x] - mr * mb;
    const sgg = m[10 * w + x] - mg * mg + epsilon;
    const sgb = m[11 * w + x] - mg * mb;
    const sbb = m[12 * w + x] - mb * mb + epsilon;
    // (Σ + εU)⁻¹ by cofactors; Σ + εU is symmetric positive definite, so det > 0.
    const i00 = sgg * sbb - sgb * sgb;
    const i01 = srb * sgb - srg * sbb;
    const i02 = srg * sgb - srb * sgg;
    const i11 = srr * sbb - srb * srb;
    const i12 = srg * srb - srr * sgb;
    const i22 = srr * sgg - srg * srg;
    const invDet = 1 / (srr * i00 + srg * i01 + srb * i02);
    const ar = (i00 * cr + i01 * cg + i02 * cb) * invDet;
    const ag = (i01 * cr + i11 * cg + i12 * cb) * invDet;
    const ab = (i02 * cr + i12 * cg + i22 * cb) * invDet;
    coef[o] = ar;
    coef[o + 1] = ag;
    coef[o + 2] = ab;
    coef[o + 3] = mp - ar * mr - ag * mg - ab * mb;
  }
}

/** Stage two's input: the coefficients of row y. */
function addCoefficientRow({ width, coef }: MomentStages, y: number, sums: Float64Array, pitch: number, sign: number): void {
  for (let x = 0, i = y * width * 4; x < width; x++, i += 4) {
    sums[x] += sign * coef[i];
    sums[pitch + x] += sign * coef[i + 1];
    sums[2 * pitch + x] += sign * coef[i + 2];
    sums[3 * pitch + x] += sign * coef[i + 3];
  }
}

/** Stage two's output: the window-averaged coefficients, interleaved again. */
function emitMeanCoefficientRow({ width, result }: MomentStages, y: number, m: Float64Array): void {
  for (let x = 0, o = y * width * 4; x < width; x++, o += 4) {
    result[o] = m[x];
    result[o + 1] = m[width + x];
    result[o + 2] = m[2 * width + x];
    result[o + 3] = m[3 * width + x];
  }
}

/**
 * Means over s×s blocks of the region (the last row and column of blocks may be partial) of the
 * first `channels` of `stride` interleaved values, times `scale`. Block by block, each block's
 * sum in locals, its pixels added in raster order (the order a row-by-row sweep adds them in);
 * the guide (bytes, RGB of RGBA) and the alpha (floats) each have their own loop, so that
 * neither reads through an array access shared by both types.
 */
function blockMeans(src: Uint8ClampedArray | Float32Array, stride: 4 | 1, channels: 3 | 1, scale: number, width: number, region: Region, s: number): Float32Array {
  const lw = Math.ceil(region.width / s);
  const lh = Math.ceil(region.height / s);
  const out = new Float32Array(lw * lh * channels);
  for (let ly = 0, l = 0; ly < lh; ly++) {
    const y0 = ly * s;
    const y1 = Math.min(region.height, y0 + s);
    for (let lx = 0; lx < lw; lx++, l += channels) {
      const x0 = lx * s;
      const x1 = Math.min(region.width, x0 + s);
      const k = scale / ((y1 - y0) * (x1 - x0));
      const first = (region.y + y0) * width + region.x + x0;
      if (src instanceof Uint8ClampedArray) blockMeanRgb(src, stride, first, width, y1 - y0, x1 - x0, k, out, l);
      else blockMeanGray(src, first, width, y1 - y0, x1 - x0, k, out, l);
    }
  }
  return out;
}

/** The mean of one block's first three of `stride` bytes per pixel, times k, into out[l…l + 2]. */
function blockMeanRgb(src: Uint8ClampedArray, stride: number, first: number, width: number, rows: number, cols: number, k: number, out: Float32Array, l: number): void {
  let r = 0;
  let g = 0;
  let b = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0, i = (first + y * width) * stride; x < cols; x++, i += stride) {
      r += src[i];
      g += src[i + 1];
      b += src[i + 2];
    }
  }
  out[l] = r * k;
  out[l + 1] = g * k;
  out[l + 2] = b * k;
}

/** The mean of one block of floats, times k, into out[l]. */
function blockMeanGray(src: Float32Array, first: number, width: number, rows: number, cols: number, k: number, out: Float32Array, l: number): void {
  let v = 0;
  for (let y = 0; y < rows; y++) for (let x = 0, i = first + y * width; x < cols; x++, i++) v += src[i];
  out[l] = v * k;
}

const clamp01 = (v: number): number => (v > 0 ? (v < 1 ? v : 1) : 0);

/** q = ā·I + b̄ at every band pixel of the region (every pixel without a band). */
function writeExact(out: Float32Array, rgba: Uint8ClampedArray, width: number, region: Region, mask: Uint8Array | null, coef: Float32Array): void {
  const k = 1 / 255;
  for (let y = 0, o = 0; y < region.height; y++) {
    const row = (region.y + y) * width + region.x;
    for (let x = 0; x < region.width; x++, o += 4) {
      const p = row + x;
      if (mask && mask[p] === 0) continue;
      const i = p * 4;
      out[p] = clamp01((coef[o] * rgba[i] + coef[o + 1] * rgba[i + 1] + coef[o + 2] * rgba[i + 2]) * k + coef[o + 3]);
    }
  }
}

/** Per full-resolution position along an axis of n: its two coarse samples (of ln) and the weight of the second. */
function upsampleAxis(n: number, ln: number, s: number): { lo: Int32Array; hi: Int32Array; t: Float64Array } {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.min(ln - 1, Math.max(0, (i + 0.5) / s - 0.5));
    lo[i] = Math.floor(u);
    hi[i] = Math.min(ln - 1, lo[i] + 1);
    t[i] = u - lo[i];
  }
  return { lo, hi, t };
}

/**
 * The fast filter's output: coefficients interpolated bilinearly from the coarse grid, whose
 * samples sit at block centres (full-resolution x maps to (x + ½)/s − ½), clamped at the borders.
 */
function writeUpsampled(
  out: Float32Array,
  rgba: Uint8ClampedArray,
  width: number,
  region: Region,
  mask: Uint8Array | null,
  coef: Float32Array,
  lw: number,
  lh: number,
  s: number,
): void {
  const xs = upsampleAxis(region.width, lw, s);
  const ys = upsampleAxis(region.height, lh, s);
  const k = 1 / 255;
  for (let y = 0; y < region.height; y++) {
    const r0 = ys.lo[y] * lw;
    const r1 = ys.hi[y] * lw;
    const ty = ys.t[y];
    const row = (region.y + y) * width + region.x;
    for (let x = 0; x < region.width; x++) {
      const p = row + x;
      if (mask && mask[p] === 0) continue;
      const tx = xs.t[x];
      const w00 = (1 - tx) * (1 - ty);
      const w01 = tx * (1 - ty);
      const w10 = (1 - tx) * ty;
      const w11 = tx * ty;
      const i00 = (r0 + xs.lo[x]) * 4;
      const i01 = (r0 + xs.hi[x]) * 4;
      const i10 = (r1 + xs.lo[x]) * 4;
      const i11 = (r1 + xs.hi[x]) * 4;
      const i = p * 4;
      let v = w00 * coef[i00 + 3] + w01 * coef[i01 + 3] + w10 * coef[i10 + 3] + w11 * coef[i11 + 3];
      for (let c = 0; c < 3; c++) {
        v += (w00 * coef[i00 + c] + w01 * coef[i01 + c] + w10 * coef[i10 + c] + w11 * coef[i11 + c]) * rgba[i + c] * k;
      }
      out[p] = clamp01(v);
    }
  }
}
