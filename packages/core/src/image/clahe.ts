/**
 * Contrast Limited Adaptive Histogram Equalisation with OpenCV's semantics (cv::CLAHE on CV_8U):
 * the image is cut into a grid of tiles, each tile gets a clipped, redistributed histogram and
 * its equalisation table, and every pixel blends the tables of its four nearest tile centres.
 * Matching OpenCV matters because the enhancement parameters were tuned against it.
 */
import { byteRgbOfLab, labOfByteRgb, OPENCV_L_SCALE } from './color-space.js';
import { createGray8Image, createRgbaImage, type Gray8Image, type RgbaImage } from './rgba-image.js';
import { assertNonNegativeNumber, assertOptionalObject, assertPositiveInteger, assertRgbaImage, describeValue } from './validate.js';

export interface ClaheOptions {
  /**
   * Histogram clip limit relative to the tile's average bin count (OpenCV's `clipLimit`):
   * bins are clipped at max(1, floor(clipLimit · tilePixels / 256)). 0 disables clipping.
   * Default 2.
   */
  clipLimit?: number;
  /** Tile grid columns. Default 8. */
  tilesX?: number;
  /** Tile grid rows. Default 8. */
  tilesY?: number;
}

const HIST_SIZE = 256;

/** BORDER_REFLECT_101 (…cb|abc…xyz|yx…): the mirror that does not repeat the edge pixel. */
function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - j;
}

/** Round half to even, as OpenCV's cvRound/saturate_cast does. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function saturateByte(v: number): number {
  const r = roundHalfEven(v);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

function assertGray8Image(value: unknown, name: string): asserts value is Gray8Image {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected Gray8Image for ${name} but received ${describeValue(value)}`);
  }
  const { width, height, data } = value as { width?: unknown; height?: unknown; data?: unknown };
  assertPositiveInteger(width, `${name}.width`);
  assertPositiveInteger(height, `${name}.height`);
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw new TypeError(`Expected Uint8Array for ${name}.data but received ${describeValue(data)}`);
  }
  if (data.length !== width * height) {
    throw new RangeError(`Expected ${width * height} bytes in ${name}.data for ${width}×${height} but received ${data.length}`);
  }
}

function readOptions(options: ClaheOptions | undefined): { clipLimit: number; tilesX: number; tilesY: number } {
  assertOptionalObject(options, 'options');
  const { clipLimit = 2, tilesX = 8, tilesY = 8 } = options ?? {};
  assertNonNegativeNumber(clipLimit, 'options.clipLimit');
  assertPositiveInteger(tilesX, 'options.tilesX');
  assertPositiveInteger(tilesY, 'options.tilesY');
  return { clipLimit, tilesX, tilesY };
}

/** CLAHE on an 8-bit plane; returns a new plane of the same size. */
export function clahe(plane: Gray8Image, options?: ClaheOptions): Gray8Image {
  assertGray8Image(plane, 'plane');
  const { clipLimit, tilesX, tilesY } = readOptions(options);
  const { width, height, data: src } = plane;

  // OpenCV pads (reflect-101) to a multiple of the grid whenever either side is not one; note
  // that it then pads *both* sides, a full tile count on the side that already divided.
  const divisible = width % tilesX === 0 && height % tilesY === 0;
  const extW = divisible ? width : width + tilesX - (width % tilesX);
  const extH = divisible ? height : height + tilesY - (height % tilesY);
  const tileW = extW / tilesX;
  const tileH = extH / tilesY;
  const tileArea = tileW * tileH;
  const lutScale = Math.fround((HIST_SIZE - 1) / tileArea);
  const clip = clipLimit > 0 ? Math.max(1, Math.floor((clipLimit * tileArea) / HIST_SIZE)) : 0;

  // Column → source column through the padding, once, instead of per pixel.
  const colMap = new Int32Array(extW);
  for (let x = 0; x < extW; x++) colMap[x] = reflect101(x, width);

  const luts = new Uint8Array(tilesX * tilesY * HIST_SIZE);
  const hist = new Int32Array(HIST_SIZE);
  for (let ty = 0; ty < tilesY; ty++) {
    for (let tx = 0; tx < tilesX; tx++) {
      hist.fill(0);
      for (let y = ty * tileH; y < (ty + 1) * tileH; y++) {
        const row = reflect101(y, height) * width;
        const x0 = tx * tileW;
        const x1 = x0 + tileW;
        // Columns inside the plane are read straight; only the padded ones go through colMap.
        const inside = Math.min(x1, width);
        for (let x = x0; x < inside; x++) hist[src[row + x]]++;
        for (let x = inside; x < x1; x++) hist[src[row + colMap[x]]]++;
      }
      if (clip > 0) {
        let clipped = 0;
        for (let i = 0; i < HIST_SIZE; i++) {
          if (hist[i] > clip) {
            clipped += hist[i] - clip;
            hist[i] = clip;
          }
        }
        // Spread the excess evenly, then the remainder one count at a time at a regular stride.
        const batch = Math.floor(clipped / HIST_SIZE);
        let residual = clipped - batch * HIST_SIZE;
        for (let i = 0; i < HIST_SIZE; i++) hist[i] += batch;
        if (residual !== 0) {
          const stride = Math.max(Math.floor(HIST_SIZE / residual), 1);
          for (let i = 0; i < HIST_SIZE && residual > 0; i += stride, residual--) hist[i]++;
        }
      }
      const lut = (ty * tilesX + tx) * HIST_SIZE;
      let sum = 0;
      for (let i = 0; i < HIST_SIZE; i++) {
        sum += hist[i];
        luts[lut + i] = saturateByte(Math.fround(sum * lutScale));
      }
    }
  }

  // Bilinear blend between the four surrounding tile tables (tile centres at (t + 0.5)·size).
  // The arithmetic is rounded to float32 step by step, as OpenCV computes it, so that results
  // agree with cv::CLAHE to the level rather than differing by one here and there.
  const f32 = Math.fround;
  const invTileW = f32(1 / tileW);
  const invTileH = f32(1 / tileH);
  const x1 = new Int32Array(width);
  const x2 = new Int32Array(width);
  const xa = new Float32Array(width);
  const xa1 = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const txf = f32(f32(x * invTileW) - 0.5);
    const t1 = Math.floor(txf);
    xa[x] = txf - t1;
    xa1[x] = 1 - xa[x];
    x1[x] = Math.max(t1, 0) * HIST_SIZE;
    x2[x] = Math.min(t1 + 1, tilesX - 1) * HIST_SIZE;
  }
  const out = createGray8Image(width, height);
  // Stored through a clamped view: its rounding (half to even) and clamping are saturateByte's.
  const dst = new Uint8ClampedArray(out.data.buffer, out.data.byteOffset, out.data.length);
  for (let y = 0; y < height; y++) {
    const tyf = f32(f32(y * invTileH) - 0.5);
    const t1 = Math.floor(tyf);
    const ya = f32(tyf - t1);
    const ya1 = f32(1 - ya);
    const plane1 = Math.max(t1, 0) * tilesX * HIST_SIZE;
    const plane2 = Math.min(t1 + 1, tilesY - 1) * tilesX * HIST_SIZE;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const v = src[row + x];
      const a = xa[x];
      const a1 = xa1[x];
      const top = f32(f32(luts[plane1 + x1[x] + v] * a1) + f32(luts[plane1 + x2[x] + v] * a));
      const bottom = f32(f32(luts[plane2 + x1[x] + v] * a1) + f32(luts[plane2 + x2[x] + v] * a));
      dst[row + x] = f32(f32(top * ya1) + f32(bottom * ya));
    }
  }
  return out;
}

/**
 * CLAHE on the lightness of an RGBA image: RGB → Lab, CLAHE on L at OpenCV's 8-bit scale, back to
 * RGB; a and b are untouched and so is alpha. Only the change CLAHE makes to the 8-bit L is
 * applied to the full-precision L, so pixels CLAHE leaves alone lose no precision.
 */
export function claheOnLightness(img: RgbaImage, options?: ClaheOptions): RgbaImage {
  assertRgbaImage(img, 'img');
  readOptions(options);
  const n = img.width * img.height;
  const src = img.data;
  // rgbaToLab, with each colour's Lab kept in a small cache: a photo repeats its colours (a
  // portrait crop has about one distinct colour in five pixels), and a hit skips three cube roots.
  const lab = new Float32Array(n * 3);
  const L8 = createGray8Image(img.width, img.height);
  const before = L8.data;
  const labCache = new ColourCache();
  const labValues = new Float32Array(ColourCache.SIZE * 3);
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const key = src[i] | (src[i + 1] << 8) | (src[i + 2] << 16);
    const at = labCache.slot(key);
    if (labCache.keys[at] !== key) {
      labOfByteRgb(src[i], src[i + 1], src[i + 2], labValues, at * 3);
      labCache.keys[at] = key;
    }
    lab[p * 3] = labValues[at * 3];
    lab[p * 3 + 1] = labValues[at * 3 + 1];
    lab[p * 3 + 2] = labValues[at * 3 + 2];
    const v = Math.round(lab[p * 3] * OPENCV_L_SCALE);
    before[p] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  const after = clahe(L8, options).data;
  // Back to RGB: the colour out depends only on the colour in and its new level, cached as such.
  // Where CLAHE left the level, L is as it was (adding 0 changes nothing).
  const out = createRgbaImage(img.width, img.height);
  const dst = out.data;
  const rgbCache = new ColourCache();
  const rgbValues = new Int32Array(ColourCache.SIZE);
  const scratch = new Float32Array(1);
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const key = (src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (after[p] << 24)) >>> 0;
    const at = rgbCache.slot(key);
    if (rgbCache.keys[at] !== key) {
      let L = lab[p * 3];
      if (after[p] !== before[p]) {
        scratch[0] = L + (after[p] - before[p]) / OPENCV_L_SCALE;
        L = scratch[0];
      }
      rgbValues[at] = byteRgbOfLab(L, lab[p * 3 + 1], lab[p * 3 + 2]);
      rgbCache.keys[at] = key;
    }
    const rgb = rgbValues[at];
    dst[i] = rgb & 255;
    dst[i + 1] = (rgb >>> 8) & 255;
    dst[i + 2] = rgb >>> 16;
    dst[i + 3] = src[i + 3];
  }
  return out;
}

/**
 * Direct-mapped cache keys: slot(key) is where a key's values live, `keys[slot]` the last key put
 * there (the caller keeps the values in its own arrays, indexed by slot). 2^15 slots: a larger
 * table holds more colours but falls out of the processor's cache.
 */
class ColourCache {
  static readonly BITS = 15;
  static readonly SIZE = 1 << ColourCache.BITS;
  /** Unsigned 32-bit keys; −1 marks an empty slot. */
  readonly keys = new Float64Array(ColourCache.SIZE).fill(-1);
  slot(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> (32 - ColourCache.BITS);
  }
}
