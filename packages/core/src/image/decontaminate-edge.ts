/**
 * Frees the solid rim of a cut-out of the old background's colour. A photo's own blur (the lens,
 * JPEG, an upscaled or soft source) mixes the background into the last pixels of the subject, but
 * a cut-out's alpha often turns solid a pixel or two before the photo's colour does: those pixels
 * keep a light or dark line of the old background, which foreground estimation (soft pixels only)
 * leaves alone and which shows as a halo on a new backdrop.
 *
 * Each solid pixel within `band` pixels of the clear side is read as a mix of the subject's
 * colour nearby (the mean of solid pixels just past the band) and the background's (the mean of
 * clear pixels past the soft edge): I = t·F + (1 − t)·B, t by projection onto F − B. Its colour
 * moves to I + (1 − t)(F − B) — the old background's share swapped for the subject's — as far as
 * the pixel lies on that line; a colour off it (a real detail, not a mix) is left as it is. Alpha
 * does not change; nor does any pixel outside the band.
 */
import { createRgbaImage, type GrayImage, type RgbaImage } from './rgba-image.js';
import { assertGrayImage, assertOptionalObject, assertPositiveInteger, assertRgbaImage, assertSameSize } from './validate.js';

export interface DecontaminateEdgeOptions {
  /** Width, in pixels, of the solid rim that may hold the old background; default 2. */
  readonly band?: number;
  /** Radius of the square window the local subject and background colours are read in; default 6. */
  readonly window?: number;
}

/** At or above this alpha a pixel is solid (as in estimateForeground). */
const SOLID = 0.999;
/** Below this alpha a pixel is on the clear side of the edge. */
const CLEARISH = 0.5;
/** At or below this alpha a pixel is background, if no part of the subject lies within the band. */
const CLEAR = 0.02;
/** Fewer samples than this on either side: the local colour is not known well enough to act. */
const MIN_SAMPLES = 3;
/** Subject and background closer than this (RGB distance on 0–255): no visible rim to remove. */
const MIN_CONTRAST = 24;

/**
 * The rectangle of `image` that `decontaminateEdge(image, alpha, options)` reads (the rim's
 * bounding box grown by the window, clamped), or null when no pixel is on the rim: every other
 * pixel's colour passes through unread.
 */
export function decontaminateReadBox(alpha: GrayImage, options?: DecontaminateEdgeOptions): { x: number; y: number; width: number; height: number } | null {
  assertGrayImage(alpha, 'alpha');
  assertOptionalObject(options, 'options');
  const { band = 2, window = 6 } = options ?? {};
  assertPositiveInteger(band, 'options.band');
  assertPositiveInteger(window, 'options.window');
  const { width, height } = alpha;
  const a = alpha.data;
  const { nearClear } = edgeZones(a, width, height, band);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if (!(a[i] >= SOLID && nearClear[i])) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  if (x1 < 0) return null;
  const x = Math.max(0, x0 - window);
  const y = Math.max(0, y0 - window);
  return { x, y, width: Math.min(width, x1 + window + 1) - x, height: Math.min(height, y1 + window + 1) - y };
}

/**
 * Pixels within `band` (Chebyshev) of the clear side (α < 0.5), and within `band` of any trace of
 * the subject (α > 0.02). Only the pixels of a set that touch a pixel outside it mark their
 * square: any pixel within `band` of the set is within `band` of such a one (the last set pixel
 * on the way there), and the set's inside, most of the plane, costs one test a pixel.
 */
function edgeZones(a: Float32Array, width: number, height: number, band: number): { nearClear: Uint8Array; nearSubject: Uint8Array } {
  const nearClear = new Uint8Array(width * height);
  const nearSubject = new Uint8Array(width * height);
  // Each pixel's sets as bits (1: clear-ish, 2: a trace of the subject), in a plane with a
  // one-pixel frame that matches anything (PAD), so the neighbour test needs no bounds checks.
  // NaN compares false everywhere: it is in neither set.
  const pw = width + 2;
  const codes = new Uint8Array(pw * (height + 2)).fill(PAD);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0, j = (y + 1) * pw + 1; x < width; x++, i++, j++) {
      const v = a[i];
      codes[j] = (v < CLEARISH ? 1 : 0) | (v > CLEAR ? 2 : 0);
    }
  }
  const around = [-pw - 1, -pw, -pw + 1, -1, 1, pw - 1, pw, pw + 1];
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0, j = (y + 1) * pw + 1; x < width; x++, i++, j++) {
      const c = codes[j];
      if (c === 0) continue;
      // A set pixel lies within band of itself; it marks its square only if it borders a pixel outside the set.
      if (c & 1) nearClear[i] = 1;
      if (c & 2) nearSubject[i] = 1;
      let missing = 0;
      for (let k = 0; k < 8; k++) {
        const u = codes[j + around[k]];
        if (u !== c && u !== PAD) missing |= c & ~u;
      }
      if (missing & 1) markSquare(nearClear, width, height, x, y, band);
      if (missing & 2) markSquare(nearSubject, width, height, x, y, band);
    }
  }
  return { nearClear, nearSubject };
}
/** The frame's code in edgeZones: never outside a set. */
const PAD = 255;

function markSquare(plane: Uint8Array, width: number, height: number, x: number, y: number, r: number): void {
  const x0 = Math.max(0, x - r);
  const x1 = Math.min(width - 1, x + r);
  for (let yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r); yy++) plane.fill(1, yy * width + x0, yy * width + x1 + 1);
}

/**
 * `image` with its solid rim freed of the old background's colour; its alpha channel says where
 * the photo is (a crop that runs past the photo is transparent there, and that is no background).
 * Run it before estimateForeground, which then reads the freed rim as the subject's colour.
 */
export function decontaminateEdge(image: RgbaImage, alpha: GrayImage, options?: DecontaminateEdgeOptions): RgbaImage {
  assertRgbaImage(image, 'image');
  assertGrayImage(alpha, 'alpha');
  assertSameSize(image, 'image', alpha, 'alpha');
  assertOptionalObject(options, 'options');
  const { band = 2, window = 6 } = options ?? {};
  assertPositiveInteger(band, 'options.band');
  assertPositiveInteger(window, 'options.window');

  const { width, height } = image;
  const n = width * height;
  const src = image.data;
  const a = alpha.data;
  const out = createRgbaImage(width, height, new Uint8ClampedArray(src));
  const dst = out.data;

  const { nearClear, nearSubject } = edgeZones(a, width, height, band);
  // 1: subject sample (solid, past the band); 2: background sample (clear, in the photo, past the
  // soft edge); 0: neither.
  const kind = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (v >= SOLID) {
      if (!nearClear[i]) kind[i] = 1;
    } else if (v <= CLEAR && !nearSubject[i] && src[i * 4 + 3] === 255) kind[i] = 2;
  }

  for (let y = 0, i = 0; y < height; y++) {
    const y0 = Math.max(0, y - window);
    const y1 = Math.min(height - 1, y + window);
    for (let x = 0; x < width; x++, i++) {
      if (!(a[i] >= SOLID && nearClear[i])) continue;
      const x0 = Math.max(0, x - window);
      const x1 = Math.min(width - 1, x + window);
      let nf = 0;
      let nb = 0;
      let fr = 0;
      let fg = 0;
      let fb = 0;
      let br = 0;
      let bg = 0;
      let bb = 0;
      for (let yy = y0; yy <= y1; yy++) {
        for (let xx = x0, j = yy * width + x0; xx <= x1; xx++, j++) {
          const k = kind[j];
          if (k === 0) continue;
          const j4 = j * 4;
          if (k === 1) {
            nf++;
            fr += src[j4];
            fg += src[j4 + 1];
            fb += src[j4 + 2];
          } else {
            nb++;
            br += src[j4];
            bg += src[j4 + 1];
            bb += src[j4 + 2];
          }
        }
      }
      if (nf < MIN_SAMPLES || nb < MIN_SAMPLES) continue;
      fr /= nf;
      fg /= nf;
      fb /= nf;
      br /= nb;
      bg /= nb;
      bb /= nb;
      const dr = fr - br;
      const dg = fg - bg;
      const db = fb - bb;
      const d2 = dr * dr + dg * dg + db * db;
      if (d2 < MIN_CONTRAST * MIN_CONTRAST) continue;
      const i4 = i * 4;
      const r = src[i4];
      const g = src[i4 + 1];
      const b = src[i4 + 2];
      // Where the pixel sits between B (0) and F (1), and how far off that line it lies.
      const along = ((r - br) * dr + (g - bg) * dg + (b - bb) * db) / d2;
      const t = along > 0 ? (along < 1 ? along : 1) : 0;
      const er = r - br - t * dr;
      const eg = g - bg - t * dg;
      const eb = b - bb - t * db;
      const off = Math.sqrt((er * er + eg * eg + eb * eb) / d2);
      // On the line: the whole background share goes; half the contrast off it or more: nothing.
      const weight = off < 0.5 ? 1 - 2 * off : 0;
      const move = weight * (1 - t);
      if (move <= 0) continue;
      dst[i4] = r + move * dr;
      dst[i4 + 1] = g + move * dg;
      dst[i4 + 2] = b + move * db;
    }
  }
  return out;
}
