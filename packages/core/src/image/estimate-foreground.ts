/**
 * Multi-level foreground estimation (Germer, Uelwer, Conrad, Harmeling 2020, "Fast Multi-Level
 * Foreground Estimation"; the same scheme as pymatting's `estimate_foreground_ml`). Where a
 * cut-out is soft (hair, motion blur, feathered edges) the photo mixes the subject's colour F with
 * the old background B, I = αF + (1 − α)B; compositing I onto a new background leaves a halo of
 * the old one. Per pixel we solve for F and B by least squares on that equation plus a smoothness
 * term weighted by the local alpha gradient, coarse to fine, a few Gauss–Seidel sweeps per level.
 *
 * Only soft pixels (0 < α < 0.999) get a new colour; the rest keep theirs bit for bit. The solve
 * runs on the bounding box of the soft pixels (plus a margin), and at the larger levels only on
 * the soft pixels and a thin ring around them, so a mostly solid cut-out costs little.
 */
import { createRgbaImage, type GrayImage, type RgbaImage } from './rgba-image.js';
import {
  assertGrayImage,
  assertNonNegativeNumber,
  assertOptionalObject,
  assertPositiveInteger,
  assertPositiveNumber,
  assertRgbaImage,
  assertSameSize,
} from './validate.js';

export interface EstimateForegroundOptions {
  /** Weight of the plain smoothness term (the paper's ε); default 1e-5. */
  readonly regularization?: number;
  /** Weight of the alpha-gradient smoothness term; larger gives smoother colours. Default 1. */
  readonly gradientWeight?: number;
  /** Sweeps at levels whose width and height are both ≤ `smallSize`; default 10. */
  readonly smallIterations?: number;
  /** Sweeps at the larger levels; default 2. */
  readonly bigIterations?: number;
  /** Size threshold between small and big levels; default 32. */
  readonly smallSize?: number;
}

/** At or above this alpha a pixel is solid subject and keeps its colour exactly. */
const SOLID = 0.999;
/** Context kept around the soft pixels' bounding box, in pixels. */
const MARGIN = 8;

/**
 * The rectangle of `image` that `estimateForeground(image, alpha)` reads (the soft pixels'
 * bounding box plus its margin, clamped), or null when it reads nothing: every other pixel's
 * colour passes through unread.
 */
export function foregroundReadBox(alpha: GrayImage): { x: number; y: number; width: number; height: number } | null {
  assertGrayImage(alpha, 'alpha');
  const { width, height } = alpha;
  const data = alpha.data;
  const soft = new SoftBox();
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const v = data[i];
      // As below: soft once clamped to [0, 1] (NaN counts as 0).
      if (v > 0 && v < SOLID) soft.add(x, y);
    }
  }
  return soft.readBox(width, height);
}

/** The bounding box of the soft pixels, added in raster order, and the read box around it. */
class SoftBox {
  x0 = Infinity;
  y0 = Infinity;
  x1 = -1;
  y1 = -1;

  add(x: number, y: number): void {
    if (x < this.x0) this.x0 = x;
    if (x > this.x1) this.x1 = x;
    if (y < this.y0) this.y0 = y;
    this.y1 = y;
  }

  /** The box plus its margin, clamped to the image; null when no pixel is soft. */
  readBox(width: number, height: number): { x: number; y: number; width: number; height: number } | null {
    if (this.x1 < 0) return null;
    const rx = Math.max(0, this.x0 - MARGIN);
    const ry = Math.max(0, this.y0 - MARGIN);
    return { x: rx, y: ry, width: Math.min(width, this.x1 + MARGIN + 1) - rx, height: Math.min(height, this.y1 + MARGIN + 1) - ry };
  }
}

/** v / 255 for every byte, as the float32 the crop stores (a table read instead of a division). */
const UNIT = (() => {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = v / 255;
  return table;
})();

export function estimateForeground(image: RgbaImage, alpha: GrayImage, options?: EstimateForegroundOptions): RgbaImage {
  assertRgbaImage(image, 'image');
  assertGrayImage(alpha, 'alpha');
  assertSameSize(image, 'image', alpha, 'alpha');
  assertOptionalObject(options, 'options');
  const { regularization = 1e-5, gradientWeight = 1, smallIterations = 10, bigIterations = 2, smallSize = 32 } = options ?? {};
  // ε > 0 keeps every pixel's 2×2 system invertible, even inside solid regions.
  assertPositiveNumber(regularization, 'options.regularization');
  assertNonNegativeNumber(gradientWeight, 'options.gradientWeight');
  assertPositiveInteger(smallIterations, 'options.smallIterations');
  assertPositiveInteger(bigIterations, 'options.bigIterations');
  assertPositiveInteger(smallSize, 'options.smallSize');

  const { width, height } = image;
  const out = createRgbaImage(width, height, new Uint8ClampedArray(image.data));
  const dst = out.data;
  const src = image.data;
  const given = alpha.data;
  const a = new Float32Array(width * height);
  // The clamped alpha, its bytes, and the read box (foregroundReadBox's) in one pass.
  const soft = new SoftBox();
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const v = given[i];
      // NaN and out-of-range values clamp to [0, 1] (NaN to 0).
      const c = v > 0 ? (v < 1 ? v : 1) : 0;
      a[i] = c;
      dst[i * 4 + 3] = Math.round(c * 255);
      if (c > 0 && c < SOLID) soft.add(x, y);
    }
  }
  const box = soft.readBox(width, height);
  if (!box) return out;
  const { x: rx, y: ry, width: rw, height: rh } = box;
  const crop = new Float32Array(rw * rh * 3);
  const cropAlpha = new Float32Array(rw * rh);
  for (let y = 0, o = 0; y < rh; y++) {
    for (let x = 0, i = (ry + y) * width + rx; x < rw; x++, i++, o++) {
      cropAlpha[o] = a[i];
      crop[o * 3] = UNIT[src[i * 4]];
      crop[o * 3 + 1] = UNIT[src[i * 4 + 1]];
      crop[o * 3 + 2] = UNIT[src[i * 4 + 2]];
    }
  }

  const foreground = solveForeground(crop, cropAlpha, rw, rh, { regularization, gradientWeight, smallIterations, bigIterations, smallSize });
  for (let y = 0, o = 0; y < rh; y++) {
    for (let x = 0, i = (ry + y) * width + rx; x < rw; x++, i++, o++) {
      const v = a[i];
      if (v > 0 && v < SOLID) {
        // Uint8ClampedArray rounds half to even and clamps; F is already in [0, 1].
        dst[i * 4] = foreground[o * 3] * 255;
        dst[i * 4 + 1] = foreground[o * 3 + 1] * 255;
        dst[i * 4 + 2] = foreground[o * 3 + 2] * 255;
      }
    }
  }
  return out;
}

interface SolveOptions {
  readonly regularization: number;
  readonly gradientWeight: number;
  readonly smallIterations: number;
  readonly bigIterations: number;
  readonly smallSize: number;
}

/** Nearest-neighbour source index along one axis (the paper's resampling), for n → m samples. */
function nearestMap(n: number, m: number): Int32Array {
  const map = new Int32Array(m);
  for (let i = 0; i < m; i++) map[i] = Math.min(n - 1, Math.floor((i * n) / m));
  return map;
}

/** F for every pixel of an interleaved RGB image on [0, 1], coarse to fine. */
function solveForeground(image: Float32Array, alpha: Float32Array, width: number, height: number, opts: SolveOptions): Float32Array {
  // Level sizes halve (rounding up) from the full size down to 1×1. Unlike pymatting's
  // w^(i/n), this is exact integer arithmetic, identical in every JavaScript engine, and keeps
  // the aspect ratio.
  const sizes: Array<[number, number]> = [[width, height]];
  while (sizes[0][0] > 1 || sizes[0][1] > 1) sizes.unshift([Math.ceil(sizes[0][0] / 2), Math.ceil(sizes[0][1] / 2)]);

  // Start from the alpha-weighted mean colours of foreground and background (pymatting leaves
  // the 1×1 start uninitialised; any start converges, a good one converges faster).
  // Sums in locals, each added to in the same order as a per-channel loop would.
  let wf = 0;
  let wb = 0;
  let f0 = 0;
  let f1 = 0;
  let f2 = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0, i3 = 0; i < alpha.length; i++, i3 += 3) {
    const v = alpha[i];
    const u = 1 - v;
    wf += v;
    wb += u;
    f0 += v * image[i3];
    b0 += u * image[i3];
    f1 += v * image[i3 + 1];
    b1 += u * image[i3 + 1];
    f2 += v * image[i3 + 2];
    b2 += u * image[i3 + 2];
  }
  // The crop holds at least one soft pixel, so both weights are positive.
  let prevF: Float32Array = Float32Array.of(f0 / wf, f1 / wf, f2 / wf);
  let prevB: Float32Array = Float32Array.of(b0 / wb, b1 / wb, b2 / wb);
  let prevW = 1;
  let prevH = 1;

  for (const [w, h] of sizes) {
    const full = w === width && h === height;
    const levelImage = full ? image : resizeNearest(image, width, height, 3, w, h);
    const levelAlpha = full ? alpha : resizeNearest(alpha, width, height, 1, w, h);
    const F = resizeNearest(prevF, prevW, prevH, 3, w, h);
    const B = resizeNearest(prevB, prevW, prevH, 3, w, h);
    const small = w <= opts.smallSize && h <= opts.smallSize;
    const iterations = small ? opts.smallIterations : opts.bigIterations;
    // Small levels are cheap: sweep them whole. On big ones a solid or empty pixel more than
    // `iterations` steps from any soft one cannot influence a soft pixel within this level's
    // sweeps, so it keeps the value upsampled from the coarser level.
    const active = small ? null : activePixels(levelAlpha, w, h, iterations);
    for (let k = 0; k < iterations; k++) sweep(levelImage, levelAlpha, F, B, w, h, active, opts);
    prevF = F;
    prevB = B;
    prevW = w;
    prevH = h;
  }
  return prevF;
}

function resizeNearest(src: Float32Array, sw: number, sh: number, channels: 1 | 3, w: number, h: number): Float32Array {
  const xs = nearestMap(sw, w);
  const ys = nearestMap(sh, h);
  const dst = new Float32Array(w * h * channels);
  for (let y = 0, o = 0; y < h; y++) {
    // Consecutive output rows often read the same source row: copy the row already made.
    if (y > 0 && ys[y] === ys[y - 1]) {
      dst.copyWithin(o, o - w * channels, o);
      o += w * channels;
      continue;
    }
    const row = ys[y] * sw;
    if (channels === 1) {
      for (let x = 0; x < w; x++, o++) dst[o] = src[row + xs[x]];
    } else {
      for (let x = 0; x < w; x++, o += 3) {
        const i = (row + xs[x]) * 3;
        dst[o] = src[i];
        dst[o + 1] = src[i + 1];
        dst[o + 2] = src[i + 2];
      }
    }
  }
  return dst;
}

/** Indices, in raster order, of the pixels within `ring` steps (Chebyshev) of a soft pixel. */
function activePixels(alpha: Float32Array, w: number, h: number, ring: number): Int32Array {
  // Soft pixels are a thin band: each marks its (2·ring + 1)² square directly, a row span at a
  // time, skipping what the previous soft pixel on the row already covered.
  const marked = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - ring);
    const y1 = Math.min(h - 1, y + ring);
    let covered = -1;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const v = alpha[i];
      if (!(v > 0 && v < 1)) continue;
      const x0 = Math.max(covered + 1, x - ring);
      const x1 = Math.min(w - 1, x + ring);
      for (let yy = y0; yy <= y1; yy++) for (let xx = x0, j = yy * w + x0; xx <= x1; xx++, j++) marked[j] = 1;
      covered = x1;
    }
  }
  const list = new Int32Array(marked.length);
  let n = 0;
  for (let i = 0; i < marked.length; i++) if (marked[i]) list[n++] = i;
  return list.subarray(0, n);
}

/**
 * One Gauss–Seidel sweep in raster order. Each pixel solves the 2×2 system for (F, B) per
 * channel: the compositing equation weighted by α and 1 − α, plus each 4-neighbour's F and B
 * with weight ε + gradientWeight·|Δα| (neighbours clamp at the border, as in the reference).
 */
function sweep(
  image: Float32Array,
  alpha: Float32Array,
  F: Float32Array,
  B: Float32Array,
  w: number,
  h: number,
  active: Int32Array | null,
  { regularization, gradientWeight }: SolveOptions,
): void {
  const n = active ? active.length : w * h;
  for (let k = 0; k < n; k++) {
    const i = active ? active[k] : k;
    const y = (i / w) | 0;
    const x = i - y * w;
    const a0 = alpha[i];
    const a1 = 1 - a0;
    let a00 = a0 * a0;
    const a01 = a0 * a1;
    let a11 = a1 * a1;
    const i3 = i * 3;
    const r = image[i3];
    const g = image[i3 + 1];
    const b = image[i3 + 2];
    let f0 = a0 * r;
    let f1 = a0 * g;
    let f2 = a0 * b;
    let b0 = a1 * r;
    let b1 = a1 * g;
    let b2 = a1 * b;
    // The four neighbours (left, right, up, down; clamped at the border) unrolled, in that order.
    let j = x > 0 ? i - 1 : i;
    let diff = a0 - alpha[j];
    let da = regularization + gradientWeight * (diff < 0 ? -diff : diff);
    let j3 = j * 3;
    a00 += da;
    a11 += da;
    f0 += da * F[j3];
    f1 += da * F[j3 + 1];
    f2 += da * F[j3 + 2];
    b0 += da * B[j3];
    b1 += da * B[j3 + 1];
    b2 += da * B[j3 + 2];
    j = x < w - 1 ? i + 1 : i;
    diff = a0 - alpha[j];
    da = regularization + gradientWeight * (diff < 0 ? -diff : diff);
    j3 = j * 3;
    a00 += da;
    a11 += da;
    f0 += da * F[j3];
    f1 += da * F[j3 + 1];
    f2 += da * F[j3 + 2];
    b0 += da * B[j3];
    b1 += da * B[j3 + 1];
    b2 += da * B[j3 + 2];
    j = y > 0 ? i - w : i;
    diff = a0 - alpha[j];
    da = regularization + gradientWeight * (diff < 0 ? -diff : diff);
    j3 = j * 3;
    a00 += da;
    a11 += da;
    f0 += da * F[j3];
    f1 += da * F[j3 + 1];
    f2 += da * F[j3 + 2];
    b0 += da * B[j3];
    b1 += da * B[j3 + 1];
    b2 += da * B[j3 + 2];
    j = y < h - 1 ? i + w : i;
    diff = a0 - alpha[j];
    da = regularization + gradientWeight * (diff < 0 ? -diff : diff);
    j3 = j * 3;
    a00 += da;
    a11 += da;
    f0 += da * F[j3];
    f1 += da * F[j3 + 1];
    f2 += da * F[j3 + 2];
    b0 += da * B[j3];
    b1 += da * B[j3 + 1];
    b2 += da * B[j3 + 2];
    const inv = 1 / (a00 * a11 - a01 * a01);
    const m00 = inv * a11;
    const m01 = -inv * a01;
    const m11 = inv * a00;
    F[i3] = clamp01(m00 * f0 + m01 * b0);
    F[i3 + 1] = clamp01(m00 * f1 + m01 * b1);
    F[i3 + 2] = clamp01(m00 * f2 + m01 * b2);
    B[i3] = clamp01(m01 * f0 + m11 * b0);
    B[i3 + 1] = clamp01(m01 * f1 + m11 * b1);
    B[i3 + 2] = clamp01(m01 * f2 + m11 * b2);
  }
}

const clamp01 = (v: number): number => (v > 0 ? (v < 1 ? v : 1) : 0);
