/**
 * Separable resampling with precomputed weight tables, the way Pillow and libvips do it: on
 * downscale the kernel is stretched by the scale factor so that it also acts as the
 * antialiasing low-pass; work happens in premultiplied alpha so transparent pixels contribute
 * no colour.
 */
import { createRgbaImage, type RgbaImage } from './rgba-image.js';
import { assertOneOf, assertOptionalObject, assertPositiveInteger, assertRgbaImage } from './validate.js';

export type ResizeFilter = 'lanczos3' | 'bilinear';

export interface ResizeOptions {
  /** Default 'lanczos3'. */
  filter?: ResizeFilter;
}

const FILTERS: readonly ResizeFilter[] = ['lanczos3', 'bilinear'];

interface Kernel {
  readonly support: number;
  readonly fn: (x: number) => number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

const KERNELS: Record<ResizeFilter, Kernel> = {
  lanczos3: { support: 3, fn: (x) => (x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
  bilinear: { support: 1, fn: (x) => (x > -1 && x < 1 ? 1 - Math.abs(x) : 0) },
};

/** Weights for one axis: output index i reads `count[i]` inputs from `start[i]` on. */
export interface AxisWeights {
  readonly start: Int32Array;
  readonly count: Int32Array;
  /** `outSize × taps`, row i holds the normalised weights of output i. */
  readonly weights: Float32Array;
  readonly taps: number;
}

/**
 * Builds the weight table for resampling `inSize` samples to `outSize`. Sample centres are
 * aligned (output i sits at input (i + 0.5)·scale − 0.5); taps that fall outside are dropped and
 * the rest renormalised, as Pillow does.
 */
export function computeAxisWeights(inSize: number, outSize: number, filter: ResizeFilter): AxisWeights {
  assertPositiveInteger(inSize, 'inSize');
  assertPositiveInteger(outSize, 'outSize');
  assertOneOf(filter, 'filter', FILTERS);
  const kernel = KERNELS[filter];
  const scale = inSize / outSize;
  // Stretching the kernel on downscale is what makes it an antialiasing filter.
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * taps);
  const invFilterScale = 1 / filterScale;
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support + 0.5));
    const hi = Math.min(inSize, Math.floor(center + support + 0.5));
    let n = Math.min(hi - lo, taps);
    let total = 0;
    const row = i * taps;
    for (let t = 0; t < n; t++) {
      const w = kernel.fn((lo + t - center + 0.5) * invFilterScale);
      weights[row + t] = w;
      total += w;
    }
    if (total === 0) {
      // Degenerate (cannot happen for these kernels, but never divide by zero): nearest sample.
      n = 1;
      weights[row] = 1;
      total = 1;
    }
    for (let t = 0; t < n; t++) weights[row + t] /= total;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, taps };
}

/**
 * Resizes to exactly `width × height` (aspect ratio is the caller's business) with a separable
 * filter: horizontal pass into a premultiplied float buffer, then vertical pass.
 */
export function resizeImage(src: RgbaImage, width: number, height: number, options: ResizeOptions = {}): RgbaImage {
  assertRgbaImage(src, 'src');
  assertPositiveInteger(width, 'width');
  assertPositiveInteger(height, 'height');
  assertOptionalObject(options, 'options');
  const filter = options.filter ?? 'lanczos3';
  assertOneOf(filter, 'options.filter', FILTERS);

  const sw = src.width;
  const sh = src.height;
  const sdata = src.data;
  const xw = computeAxisWeights(sw, width, filter);
  const yw = computeAxisWeights(sh, height, filter);

  // Horizontal pass: each source row → `width` premultiplied samples (c·a, a), made when the
  // first output row needs it. Each row is premultiplied once into a float buffer so the tap
  // loop is pure multiply-adds. An output row reads at most `taps` consecutive source rows, and
  // the first of them never moves back: a ring of `taps` rows holds them all, instead of a
  // float copy of the whole image (18 MB for a 1280-pixel detection copy).
  const ringRows = yw.taps;
  const rowLen = width * 4;
  const ring = new Float32Array(ringRows * rowLen);
  const rowBuf = new Float32Array(sw * 4);
  // Running count of visible pixels in the row: a window with none yields exactly 0 (every
  // product is ±0).
  const visible = new Int32Array(sw + 1);
  // Per source row, the outputs [spanStart, spanEnd) it wrote: elsewhere its samples are all 0.
  const spanStart = new Int32Array(sh);
  const spanEnd = new Int32Array(sh);
  let made = -1; // the last source row made
  // A row with every pixel opaque sums alpha 255 under each output's weights: the same value
  // in every such row, so it is summed once (in the tap loop's order) and the loop skips it.
  const opaqueAlpha = alphaOfOpaqueRows(xw, width);

  // Vertical pass: for each output row, the rows it reads are known up front, so every pixel
  // accumulates in registers.
  const out = createRgbaImage(width, height);
  const dst = out.data;
  const rowStart = new Int32Array(yw.taps);
  const rowWeight = new Float64Array(yw.taps);
  for (let y = 0; y < height; y++) {
    const n = yw.count[y];
    const last = yw.start[y] + n - 1;
    for (let row = Math.max(made + 1, yw.start[y]); row <= last; row++) resampleRow(sdata, row, sw, rowBuf, visible, xw, width, ring, (row % ringRows) * rowLen, spanStart, spanEnd, opaqueAlpha);
    made = Math.max(made, last);
    // Outside the rows' spans every sample read is 0: alpha sums to 0 there, below half a level,
    // so those pixels stay transparent black without being summed.
    let from = width;
    let to = 0;
    for (let t = 0; t < n; t++) {
      const row = yw.start[y] + t;
      rowStart[t] = (row % ringRows) * rowLen;
      rowWeight[t] = yw.weights[y * yw.taps + t];
      if (spanStart[row] < spanEnd[row]) {
        from = Math.min(from, spanStart[row]);
        to = Math.max(to, spanEnd[row]);
      }
    }
    if (from >= to) continue;
    const o = y * rowLen;
    if (n === 6 || n === 7) {
      resizeRowOf6or7(ring, rowStart, rowWeight, n, from * 4, to * 4, dst, o);
      continue;
    }
    if (n <= 5) resizeRowOfUpTo5(ring, rowStart, rowWeight, n, from * 4, to * 4, dst, o);
    else resizeRowOfN(ring, rowStart, rowWeight, n, from * 4, to * 4, dst, o);
  }
  return out;
}

/**
 * One output row of the vertical pass from one to five input rows (a bilinear reduction by up to
 * 2×, as for the detection copy), resizeRowOfN unrolled: the same products added in the same order.
 */
function resizeRowOfUpTo5(tmp: Float32Array, rowStart: Int32Array, rowWeight: Float64Array, n: number, jFrom: number, jTo: number, dst: Uint8ClampedArray, o: number): void {
  const [s0, s1, s2, s3, s4] = rowStart;
  const [w0, w1, w2, w3, w4] = rowWeight;
  for (let j = jFrom; j < jTo; j += 4) {
    let a = 0;
    a += tmp[s0 + j + 3] * w0;
    if (n > 1) a += tmp[s1 + j + 3] * w1;
    if (n > 2) a += tmp[s2 + j + 3] * w2;
    if (n > 3) a += tmp[s3 + j + 3] * w3;
    if (n > 4) a += tmp[s4 + j + 3] * w4;
    if (a >= 0.5) {
      let r = 0;
      let g = 0;
      let b = 0;
      r += tmp[s0 + j] * w0;
      g += tmp[s0 + j + 1] * w0;
      b += tmp[s0 + j + 2] * w0;
      if (n > 1) {
        r += tmp[s1 + j] * w1;
        g += tmp[s1 + j + 1] * w1;
        b += tmp[s1 + j + 2] * w1;
      }
      if (n > 2) {
        r += tmp[s2 + j] * w2;
        g += tmp[s2 + j + 1] * w2;
        b += tmp[s2 + j + 2] * w2;
      }
      if (n > 3) {
        r += tmp[s3 + j] * w3;
        g += tmp[s3 + j + 1] * w3;
        b += tmp[s3 + j + 2] * w3;
      }
      if (n > 4) {
        r += tmp[s4 + j] * w4;
        g += tmp[s4 + j + 1] * w4;
        b += tmp[s4 + j + 2] * w4;
      }
      const inv = 1 / a;
      dst[o + j] = r * inv;
      dst[o + j + 1] = g * inv;
      dst[o + j + 2] = b * inv;
      dst[o + j + 3] = a;
    }
  }
}

/** One output row of the vertical pass (its bytes jFrom … jTo) from any number of input rows. */
function resizeRowOfN(tmp: Float32Array, rowStart: Int32Array, rowWeight: Float64Array, n: number, jFrom: number, jTo: number, dst: Uint8ClampedArray, o: number): void {
  for (let j = jFrom; j < jTo; j += 4) {
    // Alpha first: below half a level the pixel rounds to transparent anyway (and dividing by
    // ~0 is avoided), so its colour need not be summed at all.
    let a = 0;
    for (let t = 0; t < n; t++) a += tmp[rowStart[t] + j + 3] * rowWeight[t];
    if (a >= 0.5) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = 0; t < n; t++) {
        const w = rowWeight[t];
        const i = rowStart[t] + j;
        r += tmp[i] * w;
        g += tmp[i + 1] * w;
        b += tmp[i + 2] * w;
      }
      const inv = 1 / a;
      dst[o + j] = r * inv;
      dst[o + j + 1] = g * inv;
      dst[o + j + 2] = b * inv;
      dst[o + j + 3] = a;
    }
  }
}

/**
 * The horizontal pass for source row y: premultiplied into `rowBuf`, resampled into `tmp` from
 * `tmpAt` on (every sample written, 0 where the window sees nothing), and the span of outputs
 * with something recorded. A module-level function, so that V8 keeps it optimised across calls
 * rather than running resizeImage's loops anew in each (measured: a bilinear 1394 → 1280
 * reduction took 38–170 ms inline).
 */
function resampleRow(sdata: Uint8ClampedArray, y: number, sw: number, rowBuf: Float32Array, visible: Int32Array, xw: AxisWeights, width: number, tmp: Float32Array, tmpAt: number, spanStart: Int32Array, spanEnd: Int32Array, opaqueAlpha: Float64Array): void {
  const xWeights = xw.weights;
  const xStart = xw.start;
  const xCount = xw.count;
  const xTaps = xw.taps;
  const srcRow = y * sw * 4;
  let opaque = 255;
  for (let i = 0, p = 0; i < sw * 4; i += 4, p++) {
    const a = sdata[srcRow + i + 3];
    rowBuf[i] = sdata[srcRow + i] * a;
    rowBuf[i + 1] = sdata[srcRow + i + 1] * a;
    rowBuf[i + 2] = sdata[srcRow + i + 2] * a;
    rowBuf[i + 3] = a;
    visible[p + 1] = visible[p] + (a > 0 ? 1 : 0);
    opaque &= a;
  }
  if (opaque === 255) {
    resampleOpaqueRow(rowBuf, xw, width, tmp, tmpAt, opaqueAlpha);
    spanStart[y] = 0;
    spanEnd[y] = width;
    return;
  }
  if (visible[sw] === 0) {
    tmp.fill(0, tmpAt, tmpAt + width * 4);
    spanStart[y] = 0;
    spanEnd[y] = 0;
    return;
  }
  let o = tmpAt;
  let first = width;
  let last = -1;
  for (let x = 0; x < width; x++, o += 4) {
    const n = xCount[x];
    if (visible[xStart[x] + n] === visible[xStart[x]]) {
      tmp[o] = 0;
      tmp[o + 1] = 0;
      tmp[o + 2] = 0;
      tmp[o + 3] = 0;
      continue;
    }
    if (first === width) first = x;
    last = x;
    const wRow = x * xTaps;
    let i = xStart[x] * 4;
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    let t = 0;
    // Six taps at a time (a Lanczos3 upscale has six or seven), then the rest: the same
    // products added in the same order as one tap at a time.
    for (; t + 6 <= n; t += 6, i += 24) {
      const w0 = xWeights[wRow + t];
      const w1 = xWeights[wRow + t + 1];
      const w2 = xWeights[wRow + t + 2];
      const w3 = xWeights[wRow + t + 3];
      const w4 = xWeights[wRow + t + 4];
      const w5 = xWeights[wRow + t + 5];
      r += rowBuf[i] * w0;
      r += rowBuf[i + 4] * w1;
      r += rowBuf[i + 8] * w2;
      r += rowBuf[i + 12] * w3;
      r += rowBuf[i + 16] * w4;
      r += rowBuf[i + 20] * w5;
      g += rowBuf[i + 1] * w0;
      g += rowBuf[i + 5] * w1;
      g += rowBuf[i + 9] * w2;
      g += rowBuf[i + 13] * w3;
      g += rowBuf[i + 17] * w4;
      g += rowBuf[i + 21] * w5;
      b += rowBuf[i + 2] * w0;
      b += rowBuf[i + 6] * w1;
      b += rowBuf[i + 10] * w2;
      b += rowBuf[i + 14] * w3;
      b += rowBuf[i + 18] * w4;
      b += rowBuf[i + 22] * w5;
      a += rowBuf[i + 3] * w0;
      a += rowBuf[i + 7] * w1;
      a += rowBuf[i + 11] * w2;
      a += rowBuf[i + 15] * w3;
      a += rowBuf[i + 19] * w4;
      a += rowBuf[i + 23] * w5;
    }
    for (; t < n; t++, i += 4) {
      const w = xWeights[wRow + t];
      r += rowBuf[i] * w;
      g += rowBuf[i + 1] * w;
      b += rowBuf[i + 2] * w;
      a += rowBuf[i + 3] * w;
    }
    tmp[o] = r;
    tmp[o + 1] = g;
    tmp[o + 2] = b;
    tmp[o + 3] = a;
  }
  spanStart[y] = first;
  spanEnd[y] = last + 1;
}

/**
 * One output row of the vertical pass (its bytes jFrom … jTo) from six or seven input rows (a
 * Lanczos3 upscale), the loops of resizeImage unrolled: the same products added in the same order.
 */
function resizeRowOf6or7(tmp: Float32Array, rowStart: Int32Array, rowWeight: Float64Array, n: number, jFrom: number, jTo: number, dst: Uint8ClampedArray, o: number): void {
  const [s0, s1, s2, s3, s4, s5] = rowStart;
  const [w0, w1, w2, w3, w4, w5] = rowWeight;
  const seventh = n === 7;
  const s6 = rowStart[6];
  const w6 = rowWeight[6];
  for (let j = jFrom; j < jTo; j += 4) {
    let a = 0;
    a += tmp[s0 + j + 3] * w0;
    a += tmp[s1 + j + 3] * w1;
    a += tmp[s2 + j + 3] * w2;
    a += tmp[s3 + j + 3] * w3;
    a += tmp[s4 + j + 3] * w4;
    a += tmp[s5 + j + 3] * w5;
    if (seventh) a += tmp[s6 + j + 3] * w6;
    if (a >= 0.5) {
      let r = 0;
      let g = 0;
      let b = 0;
      r += tmp[s0 + j] * w0;
      g += tmp[s0 + j + 1] * w0;
      b += tmp[s0 + j + 2] * w0;
      r += tmp[s1 + j] * w1;
      g += tmp[s1 + j + 1] * w1;
      b += tmp[s1 + j + 2] * w1;
      r += tmp[s2 + j] * w2;
      g += tmp[s2 + j + 1] * w2;
      b += tmp[s2 + j + 2] * w2;
      r += tmp[s3 + j] * w3;
      g += tmp[s3 + j + 1] * w3;
      b += tmp[s3 + j + 2] * w3;
      r += tmp[s4 + j] * w4;
      g += tmp[s4 + j + 1] * w4;
      b += tmp[s4 + j + 2] * w4;
      r += tmp[s5 + j] * w5;
      g += tmp[s5 + j + 1] * w5;
      b += tmp[s5 + j + 2] * w5;
      if (seventh) {
        r += tmp[s6 + j] * w6;
        g += tmp[s6 + j + 1] * w6;
        b += tmp[s6 + j + 2] * w6;
      }
      const inv = 1 / a;
      dst[o + j] = r * inv;
      dst[o + j + 1] = g * inv;
      dst[o + j + 2] = b * inv;
      dst[o + j + 3] = a;
    }
  }
}

/** For each output x, the alpha sum the tap loop reaches on a row of alpha 255: 255·w added tap by tap. */
function alphaOfOpaqueRows(xw: AxisWeights, width: number): Float64Array {
  const out = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    let a = 0;
    for (let t = 0; t < xw.count[x]; t++) a += 255 * xw.weights[x * xw.taps + t];
    out[x] = a;
  }
  return out;
}

/** resampleRow's tap loop for a row with every pixel opaque: colour only, alpha from `opaqueAlpha`, every output written. */
function resampleOpaqueRow(rowBuf: Float32Array, xw: AxisWeights, width: number, tmp: Float32Array, tmpAt: number, opaqueAlpha: Float64Array): void {
  const xWeights = xw.weights;
  const xStart = xw.start;
  const xCount = xw.count;
  const xTaps = xw.taps;
  for (let x = 0, o = tmpAt; x < width; x++, o += 4) {
    const n = xCount[x];
    const wRow = x * xTaps;
    let i = xStart[x] * 4;
    let r = 0;
    let g = 0;
    let b = 0;
    let t = 0;
    for (; t + 3 <= n; t += 3, i += 12) {
      const w0 = xWeights[wRow + t];
      const w1 = xWeights[wRow + t + 1];
      const w2 = xWeights[wRow + t + 2];
      r += rowBuf[i] * w0;
      r += rowBuf[i + 4] * w1;
      r += rowBuf[i + 8] * w2;
      g += rowBuf[i + 1] * w0;
      g += rowBuf[i + 5] * w1;
      g += rowBuf[i + 9] * w2;
      b += rowBuf[i + 2] * w0;
      b += rowBuf[i + 6] * w1;
      b += rowBuf[i + 10] * w2;
    }
    for (; t < n; t++, i += 4) {
      const w = xWeights[wRow + t];
      r += rowBuf[i] * w;
      g += rowBuf[i + 1] * w;
      b += rowBuf[i + 2] * w;
    }
    tmp[o] = r;
    tmp[o + 1] = g;
    tmp[o + 2] = b;
    tmp[o + 3] = opaqueAlpha[x];
  }
}
