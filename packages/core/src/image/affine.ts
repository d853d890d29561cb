/**
 * 2-D affine transforms and the affine warp that turns a rotated crop window of a photo into an
 * upright output image.
 *
 * Coordinates are continuous image coordinates: pixel (i, j) covers [i, i+1) × [j, j+1) and its
 * centre is (i + 0.5, j + 0.5); x grows to the right and y grows downwards. With y pointing down a
 * positive rotation angle turns the x axis towards the y axis, i.e. it looks clockwise on screen.
 */
import { ImpossibleWindowError } from '../errors.js';
import { createRgbaImage, cropRgbaImage, type RgbaImage } from './rgba-image.js';
import { boxReduce } from './box-reduce.js';
import { resizeImage } from './resize.js';
import {
  assertFiniteNumber,
  assertNumber,
  assertObject,
  assertPositiveInteger,
  assertPositiveNumber,
  assertRgbaImage,
  describeValue,
} from './validate.js';
import { LITTLE_ENDIAN } from './endianness.js';

/**
 * `[a, b, c, d, e, f]` meaning x' = a·x + b·y + c and y' = d·x + e·y + f: the top two rows of
 * the 3×3 homogeneous matrix.
 */
export type Affine2D = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

export interface Point2D {
  readonly x: number;
  readonly y: number;
}

export const IDENTITY_AFFINE: Affine2D = Object.freeze([1, 0, 0, 0, 1, 0] as const);

/** Beyond this many source pixels per output pixel, supersampling alone stops being enough. */
const MAX_SUPERSAMPLING = 4;
/** The scale left for supersampling after the resize prefilter has taken out the rest. */
const PREFILTER_RESIDUAL_SCALE = 2;
/** A Lanczos3 prefilter reducing by this much or more starts with whole blocks (see warpAffine). */
const LANCZOS_BLOCKS_FROM = 2.5;

export function assertAffine(value: unknown, name: string): asserts value is Affine2D {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    throw new TypeError(`Expected 6-element array for ${name} but received ${describeValue(value)}`);
  }
  const arr = value as ArrayLike<unknown>;
  if (arr.length !== 6) {
    throw new RangeError(`Expected 6 elements for ${name} but received ${arr.length}`);
  }
  for (let i = 0; i < 6; i++) assertFiniteNumber(arr[i], `${name}[${i}]`);
}

export function applyAffine(m: Affine2D, x: number, y: number): Point2D {
  assertAffine(m, 'm');
  assertFiniteNumber(x, 'x');
  assertFiniteNumber(y, 'y');
  return { x: m[0] * x + m[1] * y + m[2], y: m[3] * x + m[4] * y + m[5] };
}

/** `outer ∘ inner`: the transform that applies `inner` first, then `outer`. */
export function composeAffine(outer: Affine2D, inner: Affine2D): Affine2D {
  assertAffine(outer, 'outer');
  assertAffine(inner, 'inner');
  const [oa, ob, oc, od, oe, of] = outer;
  const [ia, ib, ic, id, ie, iF] = inner;
  return [
    oa * ia + ob * id,
    oa * ib + ob * ie,
    oa * ic + ob * iF + oc,
    od * ia + oe * id,
    od * ib + oe * ie,
    od * ic + oe * iF + of,
  ];
}

export function invertAffine(m: Affine2D): Affine2D {
  assertAffine(m, 'm');
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  // Relative test: a transform that squashes the plane onto a line cannot be undone.
  const magnitude = Math.max(Math.abs(a * e), Math.abs(b * d), Number.MIN_VALUE);
  if (det === 0 || Math.abs(det) < 1e-12 * magnitude) {
    throw new RangeError(`Expected invertible affine transform but received one with determinant ${det}`);
  }
  const inv = 1 / det;
  return [e * inv, -b * inv, (b * f - e * c) * inv, -d * inv, a * inv, (d * c - a * f) * inv];
}

export function translateAffine(tx: number, ty: number): Affine2D {
  assertFiniteNumber(tx, 'tx');
  assertFiniteNumber(ty, 'ty');
  return [1, 0, tx, 0, 1, ty];
}

export function scaleAffine(sx: number, sy: number = sx): Affine2D {
  assertFiniteNumber(sx, 'sx');
  assertFiniteNumber(sy, 'sy');
  return [sx, 0, 0, 0, sy, 0];
}

/** Rotation by `angle` radians about the origin (clockwise on screen for positive angles). */
export function rotateAffine(angle: number): Affine2D {
  assertFiniteNumber(angle, 'angle');
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  return [cos, -sin, 0, sin, cos, 0];
}

export interface RotateScaleTranslateOptions {
  /** Rotation in radians about (pivotX, pivotY). Default 0. */
  angle?: number;
  pivotX?: number;
  pivotY?: number;
  /** Uniform scale about the origin, applied after the rotation. Default 1. */
  scale?: number;
  translateX?: number;
  translateY?: number;
}

/**
 * Rotate by `angle` about the pivot, then scale by `scale` (about the origin), then translate:
 * p' = s · (R(θ)(p − pivot) + pivot) + t. The pivot therefore lands on s·pivot + t.
 */
export function rotateScaleTranslateAffine(options: RotateScaleTranslateOptions): Affine2D {
  assertObject(options, 'options');
  const { angle = 0, pivotX = 0, pivotY = 0, scale = 1, translateX = 0, translateY = 0 } = options;
  assertFiniteNumber(angle, 'options.angle');
  assertFiniteNumber(pivotX, 'options.pivotX');
  assertFiniteNumber(pivotY, 'options.pivotY');
  assertPositiveNumber(scale, 'options.scale');
  assertFiniteNumber(translateX, 'options.translateX');
  assertFiniteNumber(translateY, 'options.translateY');
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  return [
    cos,
    -sin,
    scale * pivotX - cos * pivotX + sin * pivotY + translateX,
    sin,
    cos,
    scale * pivotY - sin * pivotX - cos * pivotY + translateY,
  ];
}

export interface CropWindow {
  /** Centre of the window in source coordinates. */
  centerX: number;
  centerY: number;
  /** Size of the window in source pixels (along its own, possibly rotated, axes). */
  width: number;
  height: number;
  /**
   * Direction of the window's x axis in the source, radians: the window's top edge runs along
   * (cos θ, sin θ). Pass the measured tilt of the eye line to get a levelled head. Default 0.
   */
  angle?: number;
  /** Size of the image that `warpAffine` will produce. */
  outputWidth: number;
  outputHeight: number;
}

/**
 * The destination→source transform for `warpAffine` that cuts a rotated rectangle out of the
 * source and maps it onto an upright `outputWidth × outputHeight` image. A window with a
 * non-finite or non-positive size (or a non-finite centre or angle) throws
 * `ImpossibleWindowError`; non-numbers throw TypeError, bad output sizes RangeError.
 */
export function cropWindowAffine(window: CropWindow): Affine2D {
  assertObject(window, 'window');
  const { centerX, centerY, width, height, angle = 0, outputWidth, outputHeight } = window;
  // Numbers that cannot make a window (NaN, ±∞, no area) come from a face that could not be
  // placed, not from a caller's mistake: a typed error (no_face, 422), never a RangeError.
  for (const [name, value] of [['centerX', centerX], ['centerY', centerY], ['width', width], ['height', height], ['angle', angle]] as const) {
    assertNumber(value, `window.${name}`);
    const sized = name === 'width' || name === 'height';
    if (!Number.isFinite(value) || (sized && value <= 0)) {
      throw new ImpossibleWindowError(`The crop window cannot be made: its ${name} is ${describeValue(value)}`, {
        window: { centerX, centerY, width, height, angle },
      });
    }
  }
  assertPositiveInteger(outputWidth, 'window.outputWidth');
  assertPositiveInteger(outputHeight, 'window.outputHeight');
  // Output centre → origin, scale to source units, rotate, move to the window centre.
  const toWindowUnits: Affine2D = [width / outputWidth, 0, -width / 2, 0, height / outputHeight, -height / 2];
  return composeAffine(composeAffine(translateAffine(centerX, centerY), rotateAffine(angle)), toWindowUnits);
}

/** The RGBA bytes as one word per pixel (a copy only when the bytes are not 4-byte aligned). */
function wordView(data: Uint8ClampedArray): Uint32Array {
  const aligned = data.byteOffset % 4 === 0 ? data : new Uint8ClampedArray(data);
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
}

/**
 * Adds the bilinear sample at pixel-index position (sx, sy) to `acc` as premultiplied
 * (r·a, g·a, b·a, a). Taps outside the image count as transparent, which is what gives the
 * warped image a one-pixel soft edge instead of a jagged one.
 */
function accumulateBilinear(data: Uint8ClampedArray, w: number, h: number, sx: number, sy: number, acc: Float64Array): void {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) return;
  const fx = sx - x0;
  const fy = sy - y0;
  const gx = 1 - fx;
  const gy = 1 - fy;
  if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
    // Interior: all four taps exist.
    const i00 = (y0 * w + x0) * 4;
    const i10 = i00 + 4;
    const i01 = i00 + w * 4;
    const i11 = i01 + 4;
    const a00 = data[i00 + 3] * gx * gy;
    const a10 = data[i10 + 3] * fx * gy;
    const a01 = data[i01 + 3] * gx * fy;
    const a11 = data[i11 + 3] * fx * fy;
    acc[0] += data[i00] * a00 + data[i10] * a10 + data[i01] * a01 + data[i11] * a11;
    acc[1] += data[i00 + 1] * a00 + data[i10 + 1] * a10 + data[i01 + 1] * a01 + data[i11 + 1] * a11;
    acc[2] += data[i00 + 2] * a00 + data[i10 + 2] * a10 + data[i01 + 2] * a01 + data[i11 + 2] * a11;
    acc[3] += a00 + a10 + a01 + a11;
    return;
  }
  for (let ty = 0; ty < 2; ty++) {
    const y = y0 + ty;
    if (y < 0 || y >= h) continue;
    const wy = ty === 0 ? gy : fy;
    for (let tx = 0; tx < 2; tx++) {
      const x = x0 + tx;
      if (x < 0 || x >= w) continue;
      const i = (y * w + x) * 4;
      const al = data[i + 3] * wy * (tx === 0 ? gx : fx);
      acc[0] += data[i] * al;
      acc[1] += data[i + 1] * al;
      acc[2] += data[i + 2] * al;
      acc[3] += al;
    }
  }
}

/**
 * Resamples `src` through `dstToSrc`: every output pixel centre (x + 0.5, y + 0.5) is mapped into
 * source coordinates and sampled bilinearly in premultiplied alpha. Output pixels that land
 * outside the source become transparent, with a one-pixel soft transition at the border.
 *
 * Downsampling is antialiased: with s source pixels per output pixel, each output pixel averages
 * k×k bilinear samples, k = min(4, ceil(s)). Beyond s = 4 the part of the source the output
 * covers is first reduced with a Lanczos3 resize so that only a factor of about 2 remains for the
 * supersampling (a mip level, in effect).
 */
export interface WarpOptions {
  /** At most k×k samples per output pixel below the prefilter threshold (default 4): a model input that is coarse anyway can take 2. */
  readonly maxSupersampling?: number;
  /**
   * How a source more than 4× the output's resolution is first reduced (default 'lanczos3', to
   * about 2× the output). 'box': whole n×n blocks averaged (n = ⌊reach / 2⌋ per axis, leaving
   * 2–4× for the supersampling), a fraction of the cost, for a model's input that is coarse anyway.
   */
  readonly prefilter?: 'lanczos3' | 'box';
}

export function warpAffine(src: RgbaImage, dstToSrc: Affine2D, width: number, height: number, options: WarpOptions = {}): RgbaImage {
  assertRgbaImage(src, 'src');
  assertAffine(dstToSrc, 'dstToSrc');
  assertPositiveInteger(width, 'width');
  assertPositiveInteger(height, 'height');

  let source = src;
  let m = dstToSrc;
  // How far one output pixel reaches along each source axis.
  const reachX = Math.hypot(m[0], m[1]);
  const reachY = Math.hypot(m[3], m[4]);
  if (reachX > MAX_SUPERSAMPLING || reachY > MAX_SUPERSAMPLING) {
    const box = options.prefilter === 'box';
    const factor = (reach: number): number => (reach > MAX_SUPERSAMPLING ? (box ? Math.floor(reach / PREFILTER_RESIDUAL_SCALE) : reach / PREFILTER_RESIDUAL_SCALE) : 1);
    const fx = factor(reachX);
    const fy = factor(reachY);
    // Only the part of the source that the output can see needs prefiltering (a face crop is a
    // small part of a big photo): the mapped output rectangle plus the Lanczos support and the
    // sampling reach, clamped to the image.
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const [ox, oy] of [[0, 0], [width, 0], [0, height], [width, height]]) {
      const sx = m[0] * ox + m[1] * oy + m[2];
      const sy = m[3] * ox + m[4] * oy + m[5];
      minX = Math.min(minX, sx);
      maxX = Math.max(maxX, sx);
      minY = Math.min(minY, sy);
      maxY = Math.max(maxY, sy);
    }
    const margin = Math.ceil(5 * Math.max(fx, fy)) + 2;
    // Lanczos3's taps grow with the reduction (6·f a side): from LANCZOS_BLOCKS_FROM× whole
    // blocks take the bulk of it first and Lanczos3 the last 1.25–3× (a face in a 9-megapixel
    // photo read by the 112² landmark net: 3.5× and 23 taps a side otherwise); below, the same
    // resize as ever. The blocks lie on the photo's own grid (the region starts on a multiple of
    // their size), so a window gives the same picture whatever part of the photo is cut around it.
    const blocks = (f: number) => (!box && f >= LANCZOS_BLOCKS_FROM ? Math.max(2, Math.floor(f / 2)) : 1);
    const nx = blocks(fx);
    const ny = blocks(fy);
    const x0 = Math.max(0, Math.floor((Math.floor(minX) - margin) / nx) * nx);
    const y0 = Math.max(0, Math.floor((Math.floor(minY) - margin) / ny) * ny);
    const x1 = Math.min(src.width, Math.ceil(maxX) + margin);
    const y1 = Math.min(src.height, Math.ceil(maxY) + margin);
    if (x0 >= x1 || y0 >= y1) return createRgbaImage(width, height); // sees nothing of the source
    const region = x0 === 0 && y0 === 0 && x1 === src.width && y1 === src.height ? src : cropRgbaImage(src, x0, y0, x1 - x0, y1 - y0);
    if (box) {
      // Block (i, j) covers region pixels [i·fx, (i + 1)·fx) × [j·fy, (j + 1)·fy): coordinates scale by exactly 1/f.
      source = boxReduce(region, fx, fy);
      m = composeAffine([1 / fx, 0, -x0 / fx, 0, 1 / fy, -y0 / fy], m);
    } else {
      // A partial last block counts as a whole one, as if the edge went on.
      const blocked = nx > 1 || ny > 1 ? boxReduce(region, nx, ny) : region;
      const extentX = blocked.width * nx;
      const extentY = blocked.height * ny;
      const pw = Math.max(1, Math.round(extentX / fx));
      const ph = Math.max(1, Math.round(extentY / fy));
      source = resizeImage(blocked, pw, ph, { filter: 'lanczos3' });
      // Source coordinates → region coordinates → reduced-region coordinates.
      m = composeAffine([pw / extentX, 0, (-x0 * pw) / extentX, 0, ph / extentY, (-y0 * ph) / extentY], m);
    }
  }

  const [a, b, c, d, e, f] = m;
  const step = Math.max(Math.hypot(a, d), Math.hypot(b, e));
  // The epsilon keeps an exact 2× (or 1×) mapping from rounding up to the next k.
  const k = Math.min(options.maxSupersampling ?? MAX_SUPERSAMPLING, MAX_SUPERSAMPLING, Math.max(1, Math.ceil(step - 1e-9)));
  const samples = k * k;
  // Sub-sample offsets in source units, relative to the mapped pixel centre.
  const subDx = new Float64Array(samples);
  const subDy = new Float64Array(samples);
  for (let j = 0; j < k; j++) {
    const oy = (j + 0.5) / k - 0.5;
    for (let i = 0; i < k; i++) {
      const ox = (i + 0.5) / k - 0.5;
      subDx[j * k + i] = a * ox + b * oy;
      subDy[j * k + i] = d * ox + e * oy;
    }
  }

  const out = createRgbaImage(width, height);
  sampleInto(out, source, a, b, c, d, e, f, subDx, subDy);
  return out;
}

/**
 * The warp's sampling loop: for each output pixel its samples' premultiplied bilinear sum,
 * divided by the summed alpha. Interior samples are read as one 32-bit word per pixel (the same
 * integers, so the same sums); near the border (and on big-endian hosts) accumulateBilinear.
 */
function sampleInto(out: RgbaImage, source: RgbaImage, a: number, b: number, c: number, d: number, e: number, f: number, subDx: Float64Array, subDy: Float64Array): void {
  const { width, height } = out;
  const dst = out.data;
  const sdata = source.data;
  const sw = source.width;
  const sh = source.height;
  const samples = subDx.length;
  if (b === 0 && d === 0 && samples > 1) {
    sampleAxisAligned(out, source, a, c, e, f, subDx, subDy);
    return;
  }
  // A view needs 4-byte alignment: rarely, a copy.
  const pixels = wordView(sdata);
  // Interior means all four taps exist: 0 ≤ sx < sw − 1 (then ⌊sx⌋ + 1 < sw), and there ⌊sx⌋
  // is the truncation sx | 0, cheaper than Math.floor and an integer to index with.
  const maxX = LITTLE_ENDIAN ? sw - 1 : -1;
  const maxY = sh - 1;
  const acc = new Float64Array(4);
  for (let y = 0; y < height; y++) {
    // Map the pixel centre, then shift by −0.5 to get pixel-index coordinates for sampling.
    const rowX = b * (y + 0.5) + c - 0.5;
    const rowY = e * (y + 0.5) + f - 0.5;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      const cx = a * (x + 0.5) + rowX;
      const cy = d * (x + 0.5) + rowY;
      // The interior case of accumulateBilinear, inlined into local sums (the same arithmetic in
      // the same order, so the same result): a call and four array stores per sample cost more
      // than the sample itself.
      let r = 0;
      let g = 0;
      let bl = 0;
      let al = 0;
      for (let s = 0; s < samples; s++) {
        const sx = cx + subDx[s];
        const sy = cy + subDy[s];
        if (sx >= 0 && sy >= 0 && sx < maxX && sy < maxY) {
          const x0 = sx | 0;
          const y0 = sy | 0;
          const fx = sx - x0;
          const fy = sy - y0;
          const gx = 1 - fx;
          const gy = 1 - fy;
          const p00 = y0 * sw + x0;
          const q00 = pixels[p00];
          const q10 = pixels[p00 + 1];
          const q01 = pixels[p00 + sw];
          const q11 = pixels[p00 + sw + 1];
          const a00 = (q00 >>> 24) * gx * gy;
          const a10 = (q10 >>> 24) * fx * gy;
          const a01 = (q01 >>> 24) * gx * fy;
          const a11 = (q11 >>> 24) * fx * fy;
          r += (q00 & 255) * a00 + (q10 & 255) * a10 + (q01 & 255) * a01 + (q11 & 255) * a11;
          g += ((q00 >>> 8) & 255) * a00 + ((q10 >>> 8) & 255) * a10 + ((q01 >>> 8) & 255) * a01 + ((q11 >>> 8) & 255) * a11;
          bl += ((q00 >>> 16) & 255) * a00 + ((q10 >>> 16) & 255) * a10 + ((q01 >>> 16) & 255) * a01 + ((q11 >>> 16) & 255) * a11;
          al += a00 + a10 + a01 + a11;
        } else if (sx >= -1 && sy >= -1 && sx < sw && sy < sh) {
          // Near the border (a sample further out has no tap in the image and adds nothing).
          acc[0] = r;
          acc[1] = g;
          acc[2] = bl;
          acc[3] = al;
          accumulateBilinear(sdata, sw, sh, sx, sy, acc);
          r = acc[0];
          g = acc[1];
          bl = acc[2];
          al = acc[3];
        }
      }
      if (al > 0) {
        const inv = 1 / al;
        dst[o] = r * inv;
        dst[o + 1] = g * inv;
        dst[o + 2] = bl * inv;
        dst[o + 3] = al / samples;
      }
      // else: stays transparent black (the buffer starts zeroed).
    }
  }
}

/**
 * One axis of an axis-aligned map: for each output index, the source taps its k bilinear samples
 * reach (k samples a pixel, centred as in warpAffine) as one contiguous run, each tap's weight the
 * sum of what the samples give it. Taps outside [0, size) are left out: they are transparent.
 */
interface AxisTaps {
  /** First source index of output i's run. */
  readonly start: Int32Array;
  /** Run length of output i (0: it sees nothing of the source). */
  readonly length: Int32Array;
  /** Weights, `span` a row: output i's run is weights[i·span … i·span + length[i]). */
  readonly weights: Float64Array;
  readonly span: number;
}

function axisTaps(count: number, scale: number, offset: number, sub: Float64Array, size: number): AxisTaps {
  const k = sub.length;
  // k samples spaced |scale|/k apart reach over |scale|·(k−1)/k, plus the two taps of each.
  const span = Math.ceil(Math.abs(scale)) + 3;
  const start = new Int32Array(count);
  const length = new Int32Array(count);
  const weights = new Float64Array(count * span);
  const first = new Int32Array(k);
  for (let i = 0; i < count; i++) {
    const centre = scale * (i + 0.5) + offset - 0.5;
    let lo = Infinity;
    let hi = -Infinity;
    for (let s = 0; s < k; s++) {
      first[s] = Math.floor(centre + sub[s]);
      lo = Math.min(lo, first[s]);
      hi = Math.max(hi, first[s] + 1);
    }
    const from = Math.max(0, lo);
    const to = Math.min(size - 1, hi);
    if (from > to) continue;
    start[i] = from;
    length[i] = to - from + 1;
    const row = i * span;
    for (let s = 0; s < k; s++) {
      const t = centre + sub[s];
      const fraction = t - first[s];
      if (first[s] >= 0 && first[s] < size) weights[row + first[s] - from] += 1 - fraction;
      if (first[s] + 1 >= 0 && first[s] + 1 < size) weights[row + first[s] + 1 - from] += fraction;
    }
  }
  return { start, length, weights, span };
}

/**
 * sampleInto for a map without rotation or shear (b = d = 0, as a detector's window). A bilinear
 * tap's weight is then a column weight times a row weight, and so is the sum over the k×k samples:
 * the same premultiplied average is one horizontal pass over the source rows the output reaches
 * and one vertical pass, each tap met once instead of once per sample that touches it (a 256²
 * detector input from a 900-pixel photo: a third of the work). The sums are the same up to the
 * order of floating-point additions.
 */
function sampleAxisAligned(out: RgbaImage, source: RgbaImage, a: number, c: number, e: number, f: number, subDx: Float64Array, subDy: Float64Array): void {
  const { width, height } = out;
  const dst = out.data;
  const src = source.data;
  const sw = source.width;
  const sh = source.height;
  const samples = subDx.length;
  const k = Math.round(Math.sqrt(samples));
  // The sub-sample offsets along each axis: the first row's x offsets, the first column's y
  // offsets (without rotation the other terms are zero).
  const sub = subDx.slice(0, k);
  const subY = Float64Array.from({ length: k }, (_, j) => subDy[j * k]);
  const cols = axisTaps(width, a, c, sub, sw);
  const rows = axisTaps(height, e, f, subY, sh);
  // Horizontal pass, one source row at a time as the vertical pass first needs it: per output
  // column the premultiplied (r, g, b, a) sums. A few rows are held (a ring the length of the
  // longest run, as the runs move down the source), not every row in reach: a photo-sized
  // buffer of them cost more in garbage collection than the pass itself.
  const { start: cs, length: cl, weights: cw, span: cspan } = cols;
  const { start: rs, length: rl, weights: rw, span: rspan } = rows;
  const stride = width * 4;
  const ring = new Float64Array(rspan * stride);
  const held = new Int32Array(rspan).fill(-1);
  const bases = new Int32Array(rspan);
  const rowSums = (sy: number): number => {
    const slot = sy % rspan;
    const at = slot * stride;
    if (held[slot] === sy) return at;
    held[slot] = sy;
    const rowAt = sy * sw;
    for (let x = 0, h = at; x < width; x++, h += 4) {
      let r = 0;
      let g = 0;
      let bl = 0;
      let al = 0;
      for (let t = 0, p = (rowAt + cs[x]) * 4, w = x * cspan, n = cl[x]; t < n; t++, p += 4, w++) {
        const wa = cw[w] * src[p + 3];
        r += src[p] * wa;
        g += src[p + 1] * wa;
        bl += src[p + 2] * wa;
        al += wa;
      }
      ring[h] = r;
      ring[h + 1] = g;
      ring[h + 2] = bl;
      ring[h + 3] = al;
    }
    return at;
  };
  // Vertical pass.
  for (let y = 0; y < height; y++) {
    const n = rl[y];
    if (n === 0) continue;
    for (let t = 0; t < n; t++) bases[t] = rowSums(rs[y] + t);
    const w0 = y * rspan;
    let o = y * stride;
    for (let x = 0, c = 0; x < width; x++, o += 4, c += 4) {
      let r = 0;
      let g = 0;
      let bl = 0;
      let al = 0;
      for (let t = 0; t < n; t++) {
        const w = rw[w0 + t];
        const h = bases[t] + c;
        r += ring[h] * w;
        g += ring[h + 1] * w;
        bl += ring[h + 2] * w;
        al += ring[h + 3] * w;
      }
      if (al > 0) {
        const inv = 1 / al;
        dst[o] = r * inv;
        dst[o + 1] = g * inv;
        dst[o + 2] = bl * inv;
        dst[o + 3] = al / samples;
      }
    }
  }
}
