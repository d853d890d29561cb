/**
 * sRGB ↔ CIE L*a*b* (D65) for 8-bit RGB.
 *
 * The constants are OpenCV's (its sRGB→XYZ matrix and D65 white), so lightness computed here
 * agrees with `cv2.cvtColor(img, COLOR_RGB2Lab)` up to OpenCV's own 8-bit rounding. OpenCV stores
 * L on 0..255 (L·255/100) for 8-bit images; the enhancement thresholds are quoted on that scale,
 * hence the `opencv8` helpers.
 */
import { createRgbaImage, type GrayImage, type RgbaImage } from './rgba-image.js';
import { assertFiniteNumber, assertOneOf, assertOptionalMask, assertRgbaImage, describeValue } from './validate.js';

export interface Lab {
  /** Lightness, 0..100. */
  L: number;
  a: number;
  b: number;
}

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** Planar Lab image; L in 0..100 (CIE scale). */
export interface LabImage {
  readonly width: number;
  readonly height: number;
  readonly L: Float32Array;
  readonly a: Float32Array;
  readonly b: Float32Array;
}

export type LightnessScale = 'opencv8' | 'cie';
const SCALES: readonly LightnessScale[] = ['opencv8', 'cie'];

/** Multiply CIE L (0..100) by this to get OpenCV's 8-bit L (0..255). */
export const OPENCV_L_SCALE = 255 / 100;

// OpenCV's sRGB (linear) → XYZ matrix, and the D65 white it normalises by.
const M = [0.412453, 0.35758, 0.180423, 0.212671, 0.71516, 0.072169, 0.019334, 0.119193, 0.950227] as const;
const WHITE_X = 0.950456;
const WHITE_Z = 1.088754;
// Rows pre-divided by the white point so that Lab needs no further division.
const MX = [M[0] / WHITE_X, M[1] / WHITE_X, M[2] / WHITE_X] as const;
const MY = [M[3], M[4], M[5]] as const;
const MZ = [M[6] / WHITE_Z, M[7] / WHITE_Z, M[8] / WHITE_Z] as const;
const MINV = invert3x3(M);

const DELTA = 6 / 29;
const DELTA3 = DELTA * DELTA * DELTA;
const LINEAR_SLOPE = 1 / (3 * DELTA * DELTA);

function invert3x3(m: readonly number[]): readonly number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
    B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
    C / det, -(a * h - b * g) / det, (a * e - b * d) / det,
  ];
}

/** 8-bit sRGB code value → linear light in [0, 1]; a table because there are only 256 inputs. */
const SRGB_TO_LINEAR = (() => {
  const lut = new Float64Array(256);
  for (let i = 0; i < 256; i++) {
    const c = i / 255;
    lut[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  return lut;
})();

/** 8-bit sRGB code value (an integer 0..255) → linear light in [0, 1]. */
export function linearOfSrgbByte(value: number): number {
  return SRGB_TO_LINEAR[value];
}

/** Linear light in [0, 1] → sRGB on 0..1, exactly (the curve, not a table). */
export function encodeSrgbExact(linear: number): number {
  return linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.pow(linear, 1 / 2.4) - 0.055;
}

// Linear → sRGB (0..255) through an interpolated table: ~0.005 levels worst-case error, and it
// avoids a pow() per channel in the image loops.
const ENCODE_STEPS = 4096;
const LINEAR_TO_SRGB = (() => {
  const lut = new Float64Array(ENCODE_STEPS + 2);
  for (let i = 0; i <= ENCODE_STEPS + 1; i++) lut[i] = 255 * encodeSrgbExact(Math.min(i / ENCODE_STEPS, 1));
  return lut;
})();

/** Linear light → sRGB on 0..255 (not rounded; clamped to the gamut). */
function encodeSrgb255(linear: number): number {
  if (!(linear > 0)) return 0;
  if (linear >= 1) return 255;
  const x = linear * ENCODE_STEPS;
  const i = x | 0;
  return LINEAR_TO_SRGB[i] + (LINEAR_TO_SRGB[i + 1] - LINEAR_TO_SRGB[i]) * (x - i);
}

function labF(t: number): number {
  return t > DELTA3 ? Math.cbrt(t) : t * LINEAR_SLOPE + 4 / 29;
}

function labFInv(t: number): number {
  return t > DELTA ? t * t * t : (t - 4 / 29) / LINEAR_SLOPE;
}

function assertByte(value: unknown, name: string): asserts value is number {
  assertFiniteNumber(value, name);
  if (value < 0 || value > 255) throw new RangeError(`Expected number in [0, 255] for ${name} but received ${describeValue(value)}`);
}

/** Converts one 8-bit sRGB colour (values may be fractional) to Lab with L on 0..100. */
export function srgbToLab(r: number, g: number, b: number): Lab {
  assertByte(r, 'r');
  assertByte(g, 'g');
  assertByte(b, 'b');
  // Fractional inputs (e.g. averages) take the exact path; integers use the table.
  const lr = Number.isInteger(r) ? SRGB_TO_LINEAR[r] : decodeSrgb(r);
  const lg = Number.isInteger(g) ? SRGB_TO_LINEAR[g] : decodeSrgb(g);
  const lb = Number.isInteger(b) ? SRGB_TO_LINEAR[b] : decodeSrgb(b);
  const fx = labF(MX[0] * lr + MX[1] * lg + MX[2] * lb);
  const fy = labF(MY[0] * lr + MY[1] * lg + MY[2] * lb);
  const fz = labF(MZ[0] * lr + MZ[1] * lg + MZ[2] * lb);
  return { L: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz) };
}

function decodeSrgb(v: number): number {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** Converts Lab (L on 0..100) to 8-bit sRGB, rounded and clamped to 0..255. */
export function labToSrgb(L: number, a: number, b: number): Rgb {
  assertFiniteNumber(L, 'L');
  assertFiniteNumber(a, 'a');
  assertFiniteNumber(b, 'b');
  const fy = (L + 16) / 116;
  const x = labFInv(fy + a / 500) * WHITE_X;
  const y = labFInv(fy);
  const z = labFInv(fy - b / 200) * WHITE_Z;
  return {
    r: Math.round(255 * encodeSrgbExact(clamp01(MINV[0] * x + MINV[1] * y + MINV[2] * z))),
    g: Math.round(255 * encodeSrgbExact(clamp01(MINV[3] * x + MINV[4] * y + MINV[5] * z))),
    b: Math.round(255 * encodeSrgbExact(clamp01(MINV[6] * x + MINV[7] * y + MINV[8] * z))),
  };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** CIE L (0..100) → OpenCV 8-bit L (0..255, not rounded). */
export function lightnessToOpenCv8(L: number): number {
  return L * OPENCV_L_SCALE;
}

/** OpenCV 8-bit L (0..255) → CIE L (0..100). */
export function openCv8ToLightness(v: number): number {
  return v / OPENCV_L_SCALE;
}

/** RGB channels → planar Lab (alpha is ignored: it is not part of the colour). */
export function rgbaToLab(img: RgbaImage): LabImage {
  assertRgbaImage(img, 'img');
  const n = img.width * img.height;
  const src = img.data;
  const Lp = new Float32Array(n);
  const ap = new Float32Array(n);
  const bp = new Float32Array(n);
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const lr = SRGB_TO_LINEAR[src[i]];
    const lg = SRGB_TO_LINEAR[src[i + 1]];
    const lb = SRGB_TO_LINEAR[src[i + 2]];
    const fx = labF(MX[0] * lr + MX[1] * lg + MX[2] * lb);
    const fy = labF(MY[0] * lr + MY[1] * lg + MY[2] * lb);
    const fz = labF(MZ[0] * lr + MZ[1] * lg + MZ[2] * lb);
    Lp[p] = 116 * fy - 16;
    ap[p] = 500 * (fx - fy);
    bp[p] = 200 * (fy - fz);
  }
  return { width: img.width, height: img.height, L: Lp, a: ap, b: bp };
}

/**
 * rgbaToLab for one 8-bit colour, the same arithmetic: L, a, b rounded to float32 as the planes
 * store them, written to out[at], out[at + 1], out[at + 2].
 */
export function labOfByteRgb(r: number, g: number, b: number, out: Float32Array, at: number): void {
  const lr = SRGB_TO_LINEAR[r];
  const lg = SRGB_TO_LINEAR[g];
  const lb = SRGB_TO_LINEAR[b];
  const fx = labF(MX[0] * lr + MX[1] * lg + MX[2] * lb);
  const fy = labF(MY[0] * lr + MY[1] * lg + MY[2] * lb);
  const fz = labF(MZ[0] * lr + MZ[1] * lg + MZ[2] * lb);
  out[at] = 116 * fy - 16;
  out[at + 1] = 500 * (fx - fy);
  out[at + 2] = 200 * (fy - fz);
}

/** labToRgba's bytes for one colour: its rounding and clamping, through a clamped store. */
const BYTE = new Uint8ClampedArray(3);

/** labToRgba for one colour (L, a, b as float32 values), the same arithmetic: R | G << 8 | B << 16. */
export function byteRgbOfLab(L: number, a: number, b: number): number {
  const fy = (L + 16) / 116;
  const x = labFInv(fy + a / 500) * WHITE_X;
  const y = labFInv(fy);
  const z = labFInv(fy - b / 200) * WHITE_Z;
  BYTE[0] = encodeSrgb255(MINV[0] * x + MINV[1] * y + MINV[2] * z);
  BYTE[1] = encodeSrgb255(MINV[3] * x + MINV[4] * y + MINV[5] * z);
  BYTE[2] = encodeSrgb255(MINV[6] * x + MINV[7] * y + MINV[8] * z);
  return BYTE[0] | (BYTE[1] << 8) | (BYTE[2] << 16);
}

/**
 * Planar Lab → RGBA. Alpha is copied from `alphaSource` when given (same size), else opaque.
 * Out-of-gamut colours are clamped per channel.
 */
export function labToRgba(lab: LabImage, alphaSource?: RgbaImage): RgbaImage {
  if (typeof lab !== 'object' || lab === null || !(lab.L instanceof Float32Array) || !(lab.a instanceof Float32Array) || !(lab.b instanceof Float32Array)) {
    throw new TypeError(`Expected LabImage for lab but received ${describeValue(lab)}`);
  }
  const { width, height } = lab;
  const out = createRgbaImage(width, height);
  const n = width * height;
  if (lab.L.length !== n || lab.a.length !== n || lab.b.length !== n) {
    throw new RangeError(`Expected ${n} values per plane for a ${width}×${height} LabImage`);
  }
  if (alphaSource !== undefined) {
    assertRgbaImage(alphaSource, 'alphaSource');
    if (alphaSource.width !== width || alphaSource.height !== height) {
      throw new RangeError(`Expected alphaSource to be ${width}×${height} but received ${alphaSource.width}×${alphaSource.height}`);
    }
  }
  const dst = out.data;
  const alpha = alphaSource?.data;
  const Lp = lab.L;
  const ap = lab.a;
  const bp = lab.b;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const fy = (Lp[p] + 16) / 116;
    const x = labFInv(fy + ap[p] / 500) * WHITE_X;
    const y = labFInv(fy);
    const z = labFInv(fy - bp[p] / 200) * WHITE_Z;
    dst[i] = encodeSrgb255(MINV[0] * x + MINV[1] * y + MINV[2] * z);
    dst[i + 1] = encodeSrgb255(MINV[3] * x + MINV[4] * y + MINV[5] * z);
    dst[i + 2] = encodeSrgb255(MINV[6] * x + MINV[7] * y + MINV[8] * z);
    dst[i + 3] = alpha ? alpha[i + 3] : 255;
  }
  return out;
}

/**
 * Mean lightness of the image, optionally weighted per pixel by `mask` (e.g. the alpha of a cut-out
 * subject, so that the background does not count). Returned on OpenCV's 8-bit scale (0..255) by
 * default, because that is the scale the enhancement thresholds use; pass `'cie'` for 0..100.
 */
export function meanLightness(img: RgbaImage, mask?: GrayImage, scale: LightnessScale = 'opencv8'): number {
  assertRgbaImage(img, 'img');
  assertOptionalMask(mask, 'mask', img, 'img');
  assertOneOf(scale, 'scale', SCALES);
  const src = img.data;
  const weights = mask?.data;
  const n = img.width * img.height;
  let sum = 0;
  let total = 0;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const w = weights ? weights[p] : 1;
    if (!(w > 0)) continue;
    const Y = MY[0] * SRGB_TO_LINEAR[src[i]] + MY[1] * SRGB_TO_LINEAR[src[i + 1]] + MY[2] * SRGB_TO_LINEAR[src[i + 2]];
    sum += w * (116 * labF(Y) - 16);
    total += w;
  }
  if (!(total > 0)) throw new RangeError('Expected mask with positive total weight but received one that is zero everywhere');
  const meanL = sum / total;
  return scale === 'opencv8' ? meanL * OPENCV_L_SCALE : meanL;
}
