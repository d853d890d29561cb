/**
 * Alpha compositing with straight (non-premultiplied) 8-bit RGBA: applying masks to alpha,
 * flattening onto a colour, and placing an image on a larger canvas.
 */
import { createGrayImage, createRgbaImage, type GrayImage, type RgbaImage } from './rgba-image.js';
import { assertGrayImage, assertInteger, assertNumberInRange, assertObject, assertPositiveInteger, assertRgbaImage, assertSameSize } from './validate.js';
import { LITTLE_ENDIAN } from './endianness.js';

export interface RgbColor {
  r: number;
  g: number;
  b: number;
}

export interface RgbaColor extends RgbColor {
  /** 0..255, default 255. */
  a?: number;
}

function readColor(color: unknown, name: string): { r: number; g: number; b: number; a: number } {
  assertObject(color, name);
  const { r, g, b, a = 255 } = color as { r?: unknown; g?: unknown; b?: unknown; a?: unknown };
  assertNumberInRange(r, `${name}.r`, 0, 255);
  assertNumberInRange(g, `${name}.g`, 0, 255);
  assertNumberInRange(b, `${name}.b`, 0, 255);
  assertNumberInRange(a, `${name}.a`, 0, 255);
  return { r, g, b, a };
}

/** The alpha channel as a 0..1 weight plane (for masks and weighted statistics). */
export function alphaToMask(img: RgbaImage): GrayImage {
  assertRgbaImage(img, 'img');
  const mask = createGrayImage(img.width, img.height);
  const src = img.data;
  const dst = mask.data;
  for (let p = 0, i = 3; p < dst.length; p++, i += 4) dst[p] = src[i] / 255;
  return mask;
}

function maskByte(v: number): number {
  // Clamp to [0, 1]; NaN counts as 0 so that a broken mask hides rather than shows.
  return v > 0 ? (v < 1 ? v : 1) : 0;
}

/** alpha' = alpha · mask (mask clamped to [0, 1]); colour unchanged. */
export function multiplyAlpha(img: RgbaImage, mask: GrayImage): RgbaImage {
  assertRgbaImage(img, 'img');
  assertGrayImage(mask, 'mask');
  assertSameSize(img, 'img', mask, 'mask');
  const out = createRgbaImage(img.width, img.height, new Uint8ClampedArray(img.data));
  const dst = out.data;
  const m = mask.data;
  for (let p = 0, i = 3; p < m.length; p++, i += 4) dst[i] = dst[i] * maskByte(m[p]);
  return out;
}

/**
 * alpha' = 255 · mask (mask clamped to [0, 1]), replacing the old alpha; colour unchanged except
 * where alpha' is 0: those pixels become transparent black. A removed background must not stay
 * in the file under alpha 0 (drop the alpha channel and it would be back), and zeros compress.
 */
export function withAlpha(img: RgbaImage, mask: GrayImage): RgbaImage {
  assertRgbaImage(img, 'img');
  assertGrayImage(mask, 'mask');
  assertSameSize(img, 'img', mask, 'mask');
  const out = createRgbaImage(img.width, img.height, new Uint8ClampedArray(img.data));
  setAlphaClearingTransparent(out.data, mask.data);
  return out;
}

function setAlphaClearingTransparent(dst: Uint8ClampedArray, m: Float32Array): void {
  for (let p = 0, i = 0; p < m.length; p++, i += 4) {
    // The clamped store rounds as before (half to even); the byte it stored decides.
    dst[i + 3] = 255 * maskByte(m[p]);
    if (dst[i + 3] === 0) {
      dst[i] = 0;
      dst[i + 1] = 0;
      dst[i + 2] = 0;
    }
  }
}

/**
 * compositeOnColor's loop a pixel word (R | G << 8 | B << 16 | A << 24) at a time, on a
 * little-endian host: a solid or empty pixel, most of a cut-out, is one read and one write.
 * The same bytes as the loop below.
 */
function flattenWords(src: Uint8ClampedArray, dst: Uint8ClampedArray, bg: { r: number; g: number; b: number }): void {
  const words = new Uint32Array(src.buffer, src.byteOffset, src.length >> 2);
  const out = new Uint32Array(dst.buffer, dst.byteOffset, dst.length >> 2);
  const background = (bg.r | (bg.g << 8) | (bg.b << 16) | (255 << 24)) >>> 0;
  for (let p = 0; p < words.length; p++) {
    const q = words[p];
    const alpha = q >>> 24;
    if (alpha === 255) out[p] = q;
    else if (alpha === 0) out[p] = background;
    else blendOnto(src, dst, p * 4, alpha, bg);
  }
}

/** One partly transparent pixel at byte `i` flattened onto `bg`: c·α + bg·(1 − α), alpha 255. */
function blendOnto(src: Uint8ClampedArray, dst: Uint8ClampedArray, i: number, alpha: number, bg: { r: number; g: number; b: number }): void {
  const a = alpha / 255;
  const ia = 1 - a;
  dst[i] = src[i] * a + bg.r * ia;
  dst[i + 1] = src[i + 1] * a + bg.g * ia;
  dst[i + 2] = src[i + 2] * a + bg.b * ia;
  dst[i + 3] = 255;
}

/** Flattens onto an opaque colour: out = c·α + bg·(1 − α), alpha 255. */
export function compositeOnColor(img: RgbaImage, color: RgbColor): RgbaImage {
  assertRgbaImage(img, 'img');
  assertObject(color, 'color');
  // The flattening colour is opaque by definition; any alpha in it is ignored.
  const bg = readColor({ ...color, a: 255 }, 'color');
  const src = img.data;
  const out = createRgbaImage(img.width, img.height);
  const dst = out.data;
  if (LITTLE_ENDIAN && src.byteOffset % 4 === 0) {
    flattenWords(src, dst, bg);
    return out;
  }
  for (let i = 0; i < src.length; i += 4) {
    const alpha = src[i + 3];
    // A cut-out is mostly solid or empty: c·1 + bg·0 is c, and c·0 + bg·1 is bg, exactly.
    if (alpha === 255) {
      dst[i] = src[i];
      dst[i + 1] = src[i + 1];
      dst[i + 2] = src[i + 2];
      dst[i + 3] = 255;
    } else if (alpha === 0) {
      dst[i] = bg.r;
      dst[i + 1] = bg.g;
      dst[i + 2] = bg.b;
      dst[i + 3] = 255;
    } else blendOnto(src, dst, i, alpha, bg);
  }
  return out;
}

/**
 * Places `img` with its top-left corner at integer (x, y) on a new `canvasWidth × canvasHeight`
 * canvas filled with `background` (transparent by default), compositing it "over" the
 * background. Parts that fall outside the canvas are clipped; x and y may be negative.
 */
export function placeOnCanvas(
  img: RgbaImage,
  canvasWidth: number,
  canvasHeight: number,
  x: number,
  y: number,
  background: RgbaColor = { r: 0, g: 0, b: 0, a: 0 },
): RgbaImage {
  assertRgbaImage(img, 'img');
  assertPositiveInteger(canvasWidth, 'canvasWidth');
  assertPositiveInteger(canvasHeight, 'canvasHeight');
  assertInteger(x, 'x');
  assertInteger(y, 'y');
  const bg = readColor(background, 'background');
  const out = createRgbaImage(canvasWidth, canvasHeight);
  const dst = out.data;
  if (bg.a > 0) {
    for (let i = 0; i < dst.length; i += 4) {
      dst[i] = bg.r;
      dst[i + 1] = bg.g;
      dst[i + 2] = bg.b;
      dst[i + 3] = bg.a;
    }
  }
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(canvasWidth, x + img.width);
  const y1 = Math.min(canvasHeight, y + img.height);
  if (x0 >= x1 || y0 >= y1) return out;
  const src = img.data;
  const bgA = bg.a / 255;
  for (let cy = y0; cy < y1; cy++) {
    let s = ((cy - y) * img.width + (x0 - x)) * 4;
    let o = (cy * canvasWidth + x0) * 4;
    if (bgA === 0) {
      // Nothing underneath: "over" reduces to a copy.
      dst.set(src.subarray(s, s + (x1 - x0) * 4), o);
      continue;
    }
    for (let cx = x0; cx < x1; cx++, s += 4, o += 4) {
      const a = src[s + 3] / 255;
      const under = bgA * (1 - a);
      const outA = a + under;
      // outA > 0 because bgA > 0 here.
      const inv = 1 / outA;
      dst[o] = (src[s] * a + bg.r * under) * inv;
      dst[o + 1] = (src[s + 1] * a + bg.g * under) * inv;
      dst[o + 2] = (src[s + 2] * a + bg.b * under) * inv;
      dst[o + 3] = outA * 255;
    }
  }
  return out;
}
