/**
 * Shared pieces of the cut-out quality benchmark: the processor, the variants, the geometry of
 * the result's crop window, masks (polygons, hulls), alpha statistics, matting errors and the
 * contact-sheet tiles.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createNodePortraitProcessor, type PortraitProcessor } from '../../packages/core/src/node.ts';
import { cropWindowAffine, invertAffine, warpAffine, type Affine2D } from '../../packages/core/src/image/affine.ts';
import { dilateBox } from '../../packages/core/src/image/dilate.ts';
import type { RgbaImage } from '../../packages/core/src/image/rgba-image.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const qualityDir = path.join(root, 'bench/quality');
export const resultsDir = path.join(root, 'bench/results');

/** Every cut-out the pipeline can make; 'salient' is the old pipeline, the baseline. */
export const VARIANTS = ['salient', 'person', 'refined'] as const;
export type Variant = (typeof VARIANTS)[number];
/** The output canvas (the pipeline's default). */
export const SIZE = 648;

export async function loadProcessor(): Promise<PortraitProcessor> {
  const variant = process.env.QUALITY_SEGMENTATION_VARIANT as 'int8' | 'float16' | 'float32' | undefined;
  return createNodePortraitProcessor({ modelsDir: process.env.QUALITY_MODELS_DIR ?? path.join(root, 'models'), device: 'cpu', threads: 2, ...(variant ? { segmentationVariant: variant } : {}) });
}

export interface ResultWindow {
  readonly centerX: number;
  readonly centerY: number;
  readonly width: number;
  readonly height: number;
  readonly angleDegrees: number;
}

/** Output pixel → photo pixel for a result's window, exactly as the pipeline builds its crop (cropWindowAffine). */
export function outputToPhoto(window: ResultWindow, size = SIZE): Affine2D {
  return cropWindowAffine({
    centerX: window.centerX,
    centerY: window.centerY,
    width: window.width,
    height: window.height,
    angle: (window.angleDegrees * Math.PI) / 180,
    outputWidth: size,
    outputHeight: size,
  });
}

export function photoToOutput(window: ResultWindow, size = SIZE): Affine2D {
  return invertAffine(outputToPhoto(window, size));
}

export function mapPoint(m: Affine2D, x: number, y: number): { x: number; y: number } {
  return { x: m[0] * x + m[1] * y + m[2], y: m[3] * x + m[4] * y + m[5] };
}

/** A single-channel alpha plane in [0, 1], taken from RGBA data. */
export function alphaOf(image: RgbaImage): Float32Array {
  const out = new Float32Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) out[i] = image.data[i * 4 + 3] / 255;
  return out;
}

/** Warps a plane (alpha in [0, 1], photo-sized) into output space through a result's window, with the pipeline's own warp. */
export function warpPlane(plane: Float32Array, width: number, height: number, window: ResultWindow, size = SIZE): Float32Array {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < plane.length; i++) {
    rgba[i * 4] = 255;
    rgba[i * 4 + 1] = 255;
    rgba[i * 4 + 2] = 255;
    rgba[i * 4 + 3] = Math.round(plane[i] * 255);
  }
  return alphaOf(warpAffine({ width, height, data: rgba }, outputToPhoto(window, size), size, size));
}

/** Warps an RGB image (bytes, photo-sized) into output space through a result's window, as warpPlane does a plane. */
export function warpRgb(rgb: Uint8Array, width: number, height: number, window: ResultWindow, size = SIZE): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = rgb[i * 3];
    rgba[i * 4 + 1] = rgb[i * 3 + 1];
    rgba[i * 4 + 2] = rgb[i * 3 + 2];
    rgba[i * 4 + 3] = 255;
  }
  return warpAffine({ width, height, data: rgba }, outputToPhoto(window, size), size, size).data;
}

/** How far inside the true outline the rim colour error looks, in output pixels. */
const RIM_DEPTH = 4;

/**
 * Rim colour error: the subject's edge as seen on a black and on a white backdrop. Over the
 * pixels both the truth and the cut-out call subject (α ≥ 0.5) within RIM_DEPTH px of the true
 * outline, the mean absolute difference, in grey levels per channel and averaged over the two
 * backdrops, between the output composited there and the subject alone composited there (the
 * truth's αF, warped the same way). A halo of the old background on hair or a shoulder raises
 * it; losing or keeping pixels (SAD's part) does not. Both backdrops, because on one alone a
 * too-high alpha is hidden by a colour darkened (or lightened) by the old background.
 */
export function rimColourError(image: RgbaImage, truth: Float32Array, truthOnBlack: Uint8ClampedArray): { value: number | null; pixels: number } {
  const { width: w, height: h, data } = image;
  const outside = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) if (truth[i] < 0.5) outside[i] = 1;
  const nearOutside = dilateBox(outside, w, h, RIM_DEPTH);
  let sum = 0;
  let pixels = 0;
  for (let i = 0; i < w * h; i++) {
    if (outside[i] || data[i * 4 + 3] < 128 || !nearOutside[i]) continue;
    const a = data[i * 4 + 3] / 255;
    // On black αC against αF; on white αC + (1 − α)·255 against the truth's the same way.
    const white = (a - truth[i]) * 255;
    for (let c = 0; c < 3; c++) {
      const diff = a * data[i * 4 + c] - truthOnBlack[i * 4 + c];
      sum += (Math.abs(diff) + Math.abs(diff - white)) / 2;
    }
    pixels++;
  }
  return { value: pixels ? sum / pixels / 3 : null, pixels };
}

/** Pixels whose centre lies inside a polygon (even–odd rule), as a 0/1 mask. */
export function fillPolygon(points: readonly { x: number; y: number }[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  if (points.length < 3) return mask;
  const ys = points.map((p) => p.y);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  for (let y = y0; y <= y1; y++) {
    const cy = y + 0.5;
    const xs: number[] = [];
    for (let i = 0; i < points.length; i++) {
      const a = points[i];
      const b = points[(i + 1) % points.length];
      if ((a.y <= cy && b.y > cy) || (b.y <= cy && a.y > cy)) xs.push(a.x + ((cy - a.y) / (b.y - a.y)) * (b.x - a.x));
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k] - 0.5));
      const to = Math.min(width - 1, Math.floor(xs[k + 1] - 0.5));
      for (let x = from; x <= to; x++) mask[y * width + x] = 1;
    }
  }
  return mask;
}

/** Mean of `alpha` where `mask` is set; null when the mask is empty. */
export function meanOver(alpha: Float32Array, mask: Uint8Array): { mean: number | null; pixels: number } {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) { sum += alpha[i]; n++; }
  return { mean: n ? sum / n : null, pixels: n };
}

export function rectMask(x0: number, y0: number, x1: number, y1: number, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const ax = Math.max(0, Math.round(x0));
  const bx = Math.min(width, Math.round(x1));
  const ay = Math.max(0, Math.round(y0));
  const by = Math.min(height, Math.round(y1));
  for (let y = ay; y < by; y++) mask.fill(1, y * width + ax, y * width + bx);
  return mask;
}

/** RGBA composited over a flat colour, as PNG bytes (what `analyze` reads back). */
export async function onColourPng(image: RgbaImage, grey = 128): Promise<Buffer> {
  const rgb = Buffer.alloc(image.width * image.height * 3);
  for (let i = 0, j = 0; i < image.data.length; i += 4, j += 3) {
    const a = image.data[i + 3] / 255;
    for (let c = 0; c < 3; c++) rgb[j + c] = Math.round(image.data[i + c] * a + grey * (1 - a));
  }
  return sharp(rgb, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
}

// ---- matting errors (as in the alphamatting.com / Rhemann et al. evaluation) ----

/** SAD: sum of |α − α*| over the canvas, / 1000 (α in [0, 1]). */
export function sad(pred: Float32Array, truth: Float32Array): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.abs(pred[i] - truth[i]);
  return s / 1000;
}

/**
 * SAD split by what the true alpha is at each pixel, so the three parts add up to `sad`:
 * `background` where the truth is clear (background kept), `edge` where it is soft (hair, the
 * edge's ramp), `subject` where it is solid (subject lost).
 */
export function sadParts(pred: Float32Array, truth: Float32Array): { background: number; edge: number; subject: number } {
  let background = 0;
  let edge = 0;
  let subject = 0;
  for (let i = 0; i < pred.length; i++) {
    const t = truth[i];
    const e = Math.abs(pred[i] - t);
    if (t <= SOFT_TRUTH_MIN) background += e;
    else if (t >= 1 - SOFT_TRUTH_MIN) subject += e;
    else edge += e;
  }
  return { background: background / 1000, edge: edge / 1000, subject: subject / 1000 };
}
/** A true alpha within this of 0 or 1 counts as clear or solid in sadParts. */
const SOFT_TRUTH_MIN = 0.01;

/** MSE over the whole canvas (α in [0, 1]). */
export function mse(pred: Float32Array, truth: Float32Array): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - truth[i]) ** 2;
  return s / pred.length;
}

/** The derivative-of-Gaussian filter pair of the matting papers' gaussgradient.m: each 1-D part of unit L2 norm, so the 2-D kernel is too. */
function gaussianKernels(sigma: number): { g: Float64Array; dg: Float64Array } {
  const r = Math.ceil(sigma * Math.sqrt(-2 * Math.log(Math.sqrt(2 * Math.PI) * sigma * 1e-2)));
  const g = new Float64Array(2 * r + 1);
  const dg = new Float64Array(2 * r + 1);
  for (let i = -r; i <= r; i++) {
    g[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
    dg[i + r] = (-i * g[i + r]) / (sigma * sigma);
  }
  const gn = Math.hypot(...g);
  const dn = Math.hypot(...dg);
  for (let i = 0; i < g.length; i++) {
    g[i] /= gn;
    dg[i] /= dn;
  }
  return { g, dg };
}

function convolve(src: Float32Array, w: number, h: number, kx: Float64Array, ky: Float64Array): Float32Array {
  const rx = (kx.length - 1) / 2;
  const ry = (ky.length - 1) / 2;
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -rx; k <= rx; k++) s += src[y * w + Math.min(w - 1, Math.max(0, x + k))] * kx[k + rx];
      tmp[y * w + x] = s;
    }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -ry; k <= ry; k++) s += tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x] * ky[k + ry];
      out[y * w + x] = s;
    }
  return out;
}

function gradientMagnitude(a: Float32Array, w: number, h: number): Float32Array {
  const { g, dg } = gaussianKernels(1.4);
  const gx = convolve(a, w, h, dg, g);
  const gy = convolve(a, w, h, g, dg);
  const out = new Float32Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = Math.hypot(gx[i], gy[i]);
  return out;
}

/** Gradient error: Σ (|∇α| − |∇α*|)² over the canvas, derivative-of-Gaussian filters with σ = 1.4 (unit L2 norm, as gaussgradient.m), / 1000. */
export function gradientError(pred: Float32Array, truth: Float32Array, w: number, h: number): number {
  const gp = gradientMagnitude(pred, w, h);
  const gt = gradientMagnitude(truth, w, h);
  let s = 0;
  for (let i = 0; i < gp.length; i++) s += (gp[i] - gt[i]) ** 2;
  return s / 1000;
}

// ---- contact sheets: each output on a checkerboard and on a dark backdrop, with captions ----

/** A checkerboard and a dark backdrop under an RGBA portrait: see-through parts and halos show on one or the other. */
export async function onBackdrops(png: Uint8Array, size: number): Promise<Buffer[]> {
  const tile = Math.max(4, Math.round(size / 24));
  const checker = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const v = (Math.floor(x / tile) + Math.floor(y / tile)) % 2 ? 200 : 255;
      checker.fill(v, (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  const fg = await sharp(png).resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
  const onChecker = await sharp(checker, { raw: { width: size, height: size, channels: 3 } }).composite([{ input: fg }]).png().toBuffer();
  const onDark = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 24, g: 28, b: 36 } } }).composite([{ input: fg }]).png().toBuffer();
  return [onChecker, onDark];
}

/** A photo (any format sharp reads) fitted into a square tile. */
export async function photoTile(bytes: Uint8Array, size: number): Promise<Buffer> {
  return sharp(bytes).rotate().resize(size, size, { fit: 'contain', background: '#555' }).png().toBuffer();
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** Writes a short caption on the bottom of a tile (a red one for a failed check). */
export async function caption(tile: Buffer, text: string, size: number, bad = false): Promise<Buffer> {
  const h = Math.max(14, Math.round(size / 14));
  const svg = `<svg width="${size}" height="${h}"><rect width="100%" height="100%" fill="${bad ? '#a01010' : '#000'}" fill-opacity="0.65"/><text x="4" y="${h - 4}" font-family="sans-serif" font-size="${h - 5}" fill="#fff">${escapeXml(text)}</text></svg>`;
  return sharp(tile).composite([{ input: Buffer.from(svg), left: 0, top: size - h }]).png().toBuffer();
}

/** Lays tiles out in rows of `columns`, each `size` square, with a gap. */
export async function contactSheet(tiles: Buffer[], columns: number, size: number, gap = 6): Promise<Buffer> {
  const rows = Math.ceil(tiles.length / columns);
  const width = columns * size + (columns + 1) * gap;
  const height = rows * size + (rows + 1) * gap;
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .composite(tiles.map((input, i) => ({ input, left: gap + (i % columns) * (size + gap), top: gap + Math.floor(i / columns) * (size + gap) })))
    .png({ palette: true, colours: 256, dither: 0.6, effort: 7 })
    .toBuffer();
}

export const round = (v: number | null | undefined, digits = 4): number | null => (v == null || !Number.isFinite(v) ? null : Number(v.toFixed(digits)));
