/**
 * Separable Gaussian blur (kernel radius ceil(3σ), edges clamped) for float planes and for RGBA.
 * RGBA is blurred in premultiplied alpha so that transparent pixels contribute no colour.
 */
import { createGrayImage, createRgbaImage, isOpaqueRgba, type GrayImage, type RgbaImage } from './rgba-image.js';
import { assertGrayImage, assertNonNegativeNumber, assertRgbaImage } from './validate.js';

/** Normalised 1-D Gaussian, length 2·ceil(3σ) + 1; σ = 0 gives the identity kernel [1]. */
export function gaussianKernel(sigma: number): Float32Array {
  assertNonNegativeNumber(sigma, 'sigma');
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float32Array(2 * radius + 1);
  if (radius === 0) {
    kernel[0] = 1;
    return kernel;
  }
  const inv = -1 / (2 * sigma * sigma);
  let total = 0;
  for (let i = -radius; i <= radius; i++) total += Math.exp(i * i * inv);
  for (let i = -radius; i <= radius; i++) kernel[i + radius] = Math.exp(i * i * inv) / total;
  return kernel;
}

/**
 * One horizontal pass over interleaved rows with `channels` (1, 3 or 4) values per pixel, writing
 * the result transposed (dst is height × width). Running it twice blurs both axes and restores
 * the orientation, and both passes read memory sequentially, which is several times faster in JS
 * than a column pass. Each row is first copied into a buffer extended by `radius` clamped pixels
 * per side, so the convolution itself needs no edge tests.
 */
function convolveRowsTransposed(src: Float32Array, dst: Float32Array, width: number, height: number, channels: 1 | 3 | 4, kernel: Float32Array): void {
  const radius = (kernel.length - 1) >> 1;
  const taps = kernel.length;
  const rowLen = width * channels;
  const ext = new Float32Array((width + 2 * radius) * channels);
  for (let y = 0; y < height; y++) {
    const row = y * rowLen;
    ext.set(src.subarray(row, row + rowLen), radius * channels);
    for (let p = 0; p < radius; p++) {
      for (let c = 0; c < channels; c++) {
        ext[p * channels + c] = src[row + c];
        ext[(radius + width + p) * channels + c] = src[row + rowLen - channels + c];
      }
    }
    if (taps === 7 && channels !== 1) {
      convolveRow7(ext, dst, width, height, y, channels, kernel);
    } else if (channels === 1) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let k = 0; k < taps; k++) sum += kernel[k] * ext[x + k];
        dst[x * height + y] = sum;
      }
    } else if (channels === 3) {
      for (let x = 0; x < width; x++) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        for (let k = 0, i = x * 3; k < taps; k++, i += 3) {
          const w = kernel[k];
          s0 += w * ext[i];
          s1 += w * ext[i + 1];
          s2 += w * ext[i + 2];
        }
        const o = (x * height + y) * 3;
        dst[o] = s0;
        dst[o + 1] = s1;
        dst[o + 2] = s2;
      }
    } else {
      for (let x = 0; x < width; x++) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0, i = x * 4; k < taps; k++, i += 4) {
          const w = kernel[k];
          s0 += w * ext[i];
          s1 += w * ext[i + 1];
          s2 += w * ext[i + 2];
          s3 += w * ext[i + 3];
        }
        const o = (x * height + y) * 4;
        dst[o] = s0;
        dst[o + 1] = s1;
        dst[o + 2] = s2;
        dst[o + 3] = s3;
      }
    }
  }
}

/**
 * One row of convolveRowsTransposed for a 7-tap kernel (σ = 1) on 3 or 4 channels, the tap loop
 * unrolled with the weights in locals: the same products added in the same order.
 */
function convolveRow7(ext: Float32Array, dst: Float32Array, width: number, height: number, y: number, channels: 3 | 4, kernel: Float32Array): void {
  if (channels === 3) convolveRow7x3(ext, dst, width, height, y, kernel);
  else convolveRow7x4(ext, dst, width, height, y, kernel);
}

function convolveRow7x3(ext: Float32Array, dst: Float32Array, width: number, height: number, y: number, kernel: Float32Array): void {
  const [k0, k1, k2, k3, k4, k5, k6] = kernel;
  for (let x = 0, i = 0; x < width; x++, i += 3) {
    const o = (x * height + y) * 3;
    let s0 = 0;
    s0 += k0 * ext[i + 0];
    s0 += k1 * ext[i + 3];
    s0 += k2 * ext[i + 6];
    s0 += k3 * ext[i + 9];
    s0 += k4 * ext[i + 12];
    s0 += k5 * ext[i + 15];
    s0 += k6 * ext[i + 18];
    let s1 = 0;
    s1 += k0 * ext[i + 1];
    s1 += k1 * ext[i + 4];
    s1 += k2 * ext[i + 7];
    s1 += k3 * ext[i + 10];
    s1 += k4 * ext[i + 13];
    s1 += k5 * ext[i + 16];
    s1 += k6 * ext[i + 19];
    let s2 = 0;
    s2 += k0 * ext[i + 2];
    s2 += k1 * ext[i + 5];
    s2 += k2 * ext[i + 8];
    s2 += k3 * ext[i + 11];
    s2 += k4 * ext[i + 14];
    s2 += k5 * ext[i + 17];
    s2 += k6 * ext[i + 20];
    dst[o + 0] = s0;
    dst[o + 1] = s1;
    dst[o + 2] = s2;
  }
}

function convolveRow7x4(ext: Float32Array, dst: Float32Array, width: number, height: number, y: number, kernel: Float32Array): void {
  const [k0, k1, k2, k3, k4, k5, k6] = kernel;
  for (let x = 0, i = 0; x < width; x++, i += 4) {
    const o = (x * height + y) * 4;
    let s0 = 0;
    s0 += k0 * ext[i + 0];
    s0 += k1 * ext[i + 4];
    s0 += k2 * ext[i + 8];
    s0 += k3 * ext[i + 12];
    s0 += k4 * ext[i + 16];
    s0 += k5 * ext[i + 20];
    s0 += k6 * ext[i + 24];
    let s1 = 0;
    s1 += k0 * ext[i + 1];
    s1 += k1 * ext[i + 5];
    s1 += k2 * ext[i + 9];
    s1 += k3 * ext[i + 13];
    s1 += k4 * ext[i + 17];
    s1 += k5 * ext[i + 21];
    s1 += k6 * ext[i + 25];
    let s2 = 0;
    s2 += k0 * ext[i + 2];
    s2 += k1 * ext[i + 6];
    s2 += k2 * ext[i + 10];
    s2 += k3 * ext[i + 14];
    s2 += k4 * ext[i + 18];
    s2 += k5 * ext[i + 22];
    s2 += k6 * ext[i + 26];
    let s3 = 0;
    s3 += k0 * ext[i + 3];
    s3 += k1 * ext[i + 7];
    s3 += k2 * ext[i + 11];
    s3 += k3 * ext[i + 15];
    s3 += k4 * ext[i + 19];
    s3 += k5 * ext[i + 23];
    s3 += k6 * ext[i + 27];
    dst[o + 0] = s0;
    dst[o + 1] = s1;
    dst[o + 2] = s2;
    dst[o + 3] = s3;
  }
}

/** Blurs interleaved float data in place (through one scratch buffer). */
function blurInterleavedInPlace(data: Float32Array, width: number, height: number, channels: 1 | 3 | 4, sigma: number): void {
  const kernel = gaussianKernel(sigma);
  if (kernel.length === 1) return;
  if (channels === 1) {
    blurPlaneInPlace(data, width, height, kernel);
    return;
  }
  const scratch = new Float32Array(data.length);
  convolveRowsTransposed(data, scratch, width, height, channels, kernel);
  convolveRowsTransposed(scratch, data, height, width, channels, kernel);
}

/**
 * A single plane, blurred along the rows and then down the columns without transposing: a
 * transposed write of one float per pixel touches a new cache line at every pixel (4 bytes of
 * each 64 used), which made a plane's blur slower than an RGB image's. The column pass adds the
 * same products in the same order as the transposed row pass did: the same values.
 */
function blurPlaneInPlace(data: Float32Array, width: number, height: number, kernel: Float32Array): void {
  const radius = (kernel.length - 1) >> 1;
  const taps = kernel.length;
  const rows = new Float32Array(data.length);
  const ext = new Float32Array(width + 2 * radius);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    ext.set(data.subarray(row, row + width), radius);
    ext.fill(data[row], 0, radius);
    ext.fill(data[row + width - 1], radius + width);
    if (taps === 7) blurRow7(ext, kernel, rows, row, width);
    else {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let k = 0; k < taps; k++) sum += kernel[k] * ext[x + k];
        rows[row + x] = sum;
      }
    }
  }
  const above = new Int32Array(taps);
  for (let y = 0; y < height; y++) {
    for (let k = 0; k < taps; k++) above[k] = Math.min(height - 1, Math.max(0, y + k - radius)) * width;
    if (taps === 7) blurColumnsOfRow7(rows, above, kernel, data, y * width, width);
    else blurColumnsOfRow(rows, above, kernel, data, y * width, width);
  }
}

/** out[at + x] = Σₖ kernel[k] · rows[rowStarts[k] + x] for a row of `width` pixels. */
function blurColumnsOfRow(rows: Float32Array, rowStarts: Int32Array, kernel: Float32Array, out: Float32Array, at: number, width: number): void {
  const taps = kernel.length;
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let k = 0; k < taps; k++) sum += kernel[k] * rows[rowStarts[k] + x];
    out[at + x] = sum;
  }
}

// The two loops above for σ = 1 (7 taps), unrolled with the weights in locals: the same
// products added in the same order.

function blurRow7(ext: Float32Array, kernel: Float32Array, out: Float32Array, at: number, width: number): void {
  const [k0, k1, k2, k3, k4, k5, k6] = kernel;
  for (let x = 0; x < width; x++) {
    let sum = 0;
    sum += k0 * ext[x];
    sum += k1 * ext[x + 1];
    sum += k2 * ext[x + 2];
    sum += k3 * ext[x + 3];
    sum += k4 * ext[x + 4];
    sum += k5 * ext[x + 5];
    sum += k6 * ext[x + 6];
    out[at + x] = sum;
  }
}

function blurColumnsOfRow7(rows: Float32Array, rowStarts: Int32Array, kernel: Float32Array, out: Float32Array, at: number, width: number): void {
  const [k0, k1, k2, k3, k4, k5, k6] = kernel;
  const [a0, a1, a2, a3, a4, a5, a6] = rowStarts;
  for (let x = 0; x < width; x++) {
    let sum = 0;
    sum += k0 * rows[a0 + x];
    sum += k1 * rows[a1 + x];
    sum += k2 * rows[a2 + x];
    sum += k3 * rows[a3 + x];
    sum += k4 * rows[a4 + x];
    sum += k5 * rows[a5 + x];
    sum += k6 * rows[a6 + x];
    out[at + x] = sum;
  }
}

export function gaussianBlurGray(img: GrayImage, sigma: number): GrayImage {
  assertGrayImage(img, 'img');
  assertNonNegativeNumber(sigma, 'sigma');
  const out = createGrayImage(img.width, img.height, new Float32Array(img.data));
  blurInterleavedInPlace(out.data, img.width, img.height, 1, sigma);
  return out;
}

/**
 * Blurs in premultiplied alpha and returns straight (un-premultiplied) RGBA as floats on 0..255,
 * unrounded: for callers such as unsharp masking that need the blur at full precision.
 */
export function gaussianBlurRgbaFloat(img: RgbaImage, sigma: number): Float32Array {
  assertRgbaImage(img, 'img');
  assertNonNegativeNumber(sigma, 'sigma');
  const src = img.data;
  if (isOpaqueRgba(src)) return blurOpaque(img, sigma);
  const buf = new Float32Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3];
    const s = a / 255;
    buf[i] = src[i] * s;
    buf[i + 1] = src[i + 1] * s;
    buf[i + 2] = src[i + 2] * s;
    buf[i + 3] = a;
  }
  blurInterleavedInPlace(buf, img.width, img.height, 4, sigma);
  for (let i = 0; i < buf.length; i += 4) {
    const a = buf[i + 3];
    if (a > 1e-6) {
      const s = 255 / a;
      buf[i] *= s;
      buf[i + 1] *= s;
      buf[i + 2] *= s;
    } else {
      buf[i] = 0;
      buf[i + 1] = 0;
      buf[i + 2] = 0;
      buf[i + 3] = 0;
    }
  }
  return buf;
}

/**
 * gaussianBlurRgbaFloat for an opaque image, a quarter less work and the same numbers: alpha is
 * 255 everywhere, so premultiplying multiplies by exactly 1 and the blurred alpha is one constant,
 * computed here by the same float operations (two passes over 255) as the general path would.
 */
function blurOpaque(img: RgbaImage, sigma: number): Float32Array {
  const src = img.data;
  const n = img.width * img.height;
  const rgb = new Float32Array(n * 3);
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    rgb[p * 3] = src[i];
    rgb[p * 3 + 1] = src[i + 1];
    rgb[p * 3 + 2] = src[i + 2];
  }
  blurInterleavedInPlace(rgb, img.width, img.height, 3, sigma);
  const kernel = gaussianKernel(sigma);
  let alpha = 255;
  if (kernel.length > 1) {
    for (let pass = 0; pass < 2; pass++) {
      let sum = 0;
      for (let k = 0; k < kernel.length; k++) sum += kernel[k] * alpha;
      alpha = Math.fround(sum);
    }
  }
  const out = new Float32Array(src.length);
  // As the general path: alpha > 1e-6 always here, colour scaled by 255 / alpha in float32.
  const scale = 255 / alpha;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    out[i] = rgb[p * 3] * scale;
    out[i + 1] = rgb[p * 3 + 1] * scale;
    out[i + 2] = rgb[p * 3 + 2] * scale;
    out[i + 3] = alpha;
  }
  return out;
}

export function gaussianBlurRgba(img: RgbaImage, sigma: number): RgbaImage {
  const blurred = gaussianBlurRgbaFloat(img, sigma);
  const out = createRgbaImage(img.width, img.height);
  const dst = out.data;
  // Uint8ClampedArray rounds and clamps on assignment (a plain loop beats TypedArray.set here).
  for (let i = 0; i < blurred.length; i++) dst[i] = blurred[i];
  return out;
}
