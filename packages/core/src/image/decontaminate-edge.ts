/**
 * Frees a cut-out's edge of the old background's colour where foreground estimation cannot: the
 * solid rim (decontaminateEdge) and the soft edge's hue (decontaminateEdgeChroma, below); and,
 * before both, a matte's edge lowered to the photo's own mix where it is plainly more opaque
 * (fitEdgeToPhotoMix, at the end).
 *
 * The solid rim. A photo's own blur (the lens,
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
import { LITTLE_ENDIAN } from './endianness.js';
import { grownBoxOf } from './grown-box.js';
import { BACKGROUND_SAMPLE, LocalSampleMeans, SUBJECT_SAMPLE } from './local-sample-means.js';
import { createGrayImage, createRgbaImage, type GrayImage, type RgbaImage } from './rgba-image.js';
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
 * A solid pixel whose colour lies less than this share of the way from the background to the
 * subject is recoloured only in part (in proportion): a blur mixes the last solid pixels only a
 * little, while a pixel as dark as a dark backdrop is more likely the subject itself (dark hair the
 * matte cut through), which painting in the subject's colour nearby turns into a line of skin.
 */
const MIXED_FROM = 0.5;
/**
 * fitEdgeToPhotoMix lowers a pixel's alpha only as far as the matte is more opaque than the
 * photo's own mix there (its colour placed on the line from the background's to the subject's):
 * from this much more, fully to the mix from OVER_OPAQUE_FULL more. Nearer, the matte and the
 * photo agree within what the local means can tell.
 */
const OVER_OPAQUE_FROM = 0.1;
const OVER_OPAQUE_FULL = 0.3;
/**
 * …and only where the photo's mix can be read: where subject and backdrop differ plainly (their
 * mean colours at least MIX_CONTRAST apart, RGB distance on 0–255) and each side is plain
 * enough for its mean to stand for the colour at the pixel (the backdrop samples' spread under
 * PLAIN_BACKDROP of that contrast, the subject's under PLAIN_SUBJECT, which also holds the last
 * mixed pixels of a soft edge). Before a busy backdrop (leaves, cups, a room) its mean is not what
 * lies behind the pixel; blonde strands over darker roots against a pale sky (contrast about 75,
 * the subject's spread a fifth of it) were lowered into see-through patches on top of the head.
 * Dark hair on a white wall, where a light outline shows most, is far inside all three.
 */
const MIX_CONTRAST = 100;
const PLAIN_BACKDROP = 0.15;
const PLAIN_SUBJECT = 0.25;
/** Subject and background closer than this in chroma (opponent units on 0–255): no cast to remove. */
const MIN_CHROMA_CONTRAST = 20;

/**
 * The rectangle of the photo that `decontaminateEdge` and `decontaminateEdgeChroma` read (the
 * bounding box of the subject's pixels near the clear side, grown by the window, clamped), or
 * null when there are none: every other pixel's colour passes through unread.
 */
export function decontaminateReadBox(alpha: GrayImage, options?: DecontaminateEdgeOptions, zones?: EdgeZones): { x: number; y: number; width: number; height: number } | null {
  assertGrayImage(alpha, 'alpha');
  const { band, window } = resolveOptions(options);
  const { width, height } = alpha;
  const a = alpha.data;
  const { nearClear } = zonesFor(alpha, band, zones);
  const edge = new Uint8Array(width * height);
  for (let i = 0; i < edge.length; i++) if (a[i] > CLEAR && nearClear[i]) edge[i] = 1;
  const box = grownBoxOf(edge, width, height, window);
  return box ? { x: box.x0, y: box.y0, width: box.w, height: box.h } : null;
}

/**
 * Where both passes read and write, worked out from an alpha once: given to decontaminateReadBox
 * and freeEdgeColours on the same, unchanged alpha (as the refined cut-out calls them, one to
 * bound the enhancement, one after it), it spares the second the same scan of the whole plane.
 */
export interface EdgeZones {
  /** The alpha's data it was worked out from (a zone set is used only with that very array). */
  readonly of: Float32Array;
  readonly band: number;
  /** 1 within `band` of the clear side (α < 0.5); 1 within `band` of any trace of the subject (α > 0.02). */
  readonly nearClear: Uint8Array;
  readonly nearSubject: Uint8Array;
}

/** The zones of `alpha` for decontaminateReadBox and freeEdgeColours (see EdgeZones). */
export function edgeZonesOf(alpha: GrayImage, options?: DecontaminateEdgeOptions): EdgeZones {
  assertGrayImage(alpha, 'alpha');
  const { band } = resolveOptions(options);
  return { of: alpha.data, band, ...edgeZones(alpha.data, alpha.width, alpha.height, band) };
}

/** `given` when it was worked out from this alpha's data with this band, else the zones worked out now. */
function zonesFor(alpha: GrayImage, band: number, given: EdgeZones | undefined): { nearClear: Uint8Array; nearSubject: Uint8Array } {
  if (given && given.of === alpha.data && given.band === band) return given;
  return edgeZones(alpha.data, alpha.width, alpha.height, band);
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
  // Each pixel's sets as bits (1: clear-ish, 2: a trace of the subject), in a plane with a frame
  // that matches anything (PAD), so the neighbour test needs no bounds checks; its rows are padded
  // to whole words, so the test can read four pixels at once. A set pixel lies within band of
  // itself: its own zone is marked here. NaN compares false everywhere: it is in neither set.
  const pitch = (width + 2 + 3) & ~3;
  const codes = new Uint8Array(pitch * (height + 2)).fill(PAD);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0, j = (y + 1) * pitch + 1; x < width; x++, i++, j++) {
      const v = a[i];
      const c = (v < CLEARISH ? 1 : 0) | (v > CLEAR ? 2 : 0);
      codes[j] = c;
      nearClear[i] = c & 1;
      nearSubject[i] = c >> 1;
    }
  }
  const zones = { nearClear, nearSubject, width, height, band };
  if (LITTLE_ENDIAN) markBordersByWords(codes, pitch, zones);
  else markBordersByBytes(codes, pitch, zones);
  return { nearClear, nearSubject };
}

interface Zones {
  readonly nearClear: Uint8Array;
  readonly nearSubject: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly band: number;
}

/**
 * Marks the square of every pixel whose sets are not all its neighbours' too (it borders a pixel
 * outside one of them): the sets every pixel of its 3×3 block is in (the frame, all bits, is in
 * all of them) lack those of its own that some neighbour lacks.
 */
function markBordersByBytes(codes: Uint8Array, pitch: number, zones: Zones): void {
  for (let y = 0; y < zones.height; y++) {
    for (let x = 0, j = (y + 1) * pitch + 1; x < zones.width; x++, j++) {
      const all = codes[j - pitch - 1] & codes[j - pitch] & codes[j - pitch + 1] & codes[j - 1] & codes[j + 1] & codes[j + pitch - 1] & codes[j + pitch] & codes[j + pitch + 1];
      markMissing(zones, x, y, codes[j] & ~all);
    }
  }
}

/**
 * markBordersByBytes four pixels a word (little-endian hosts): the 3×3 blocks' sets as the AND
 * of three rows' words, then of each byte's neighbours within the row. A word of pixels that all
 * share every set of their blocks (the inside of the subject or of the backdrop, most of the
 * plane) is passed over in one test.
 */
function markBordersByWords(codes: Uint8Array, pitch: number, zones: Zones): void {
  const words = new Uint32Array(codes.buffer, codes.byteOffset, codes.length >> 2);
  const perRow = pitch >> 2;
  const column = new Int32Array(perRow);
  for (let y = 0; y < zones.height; y++) {
    const row = (y + 1) * perRow;
    for (let k = 0; k < perRow; k++) column[k] = words[row - perRow + k] & words[row + k] & words[row + perRow + k];
    for (let k = 0; k < perRow; k++) {
      const v = column[k];
      // Byte b's neighbours in the row: byte b − 1 and b + 1 (the row's ends take PAD's all-ones).
      const left = (v << 8) | (k > 0 ? column[k - 1] >>> 24 : 0xff);
      const right = (v >>> 8) | (k + 1 < perRow ? column[k + 1] << 24 : 0xff << 24);
      const missing = words[row + k] & ~(v & left & right);
      if (missing === 0) continue;
      for (let b = 0; b < 4; b++) {
        // Byte b is pixel x = 4k + b − 1 (the frame's columns are no pixels).
        const x = 4 * k + b - 1;
        if (x >= 0 && x < zones.width) markMissing(zones, x, y, (missing >>> (8 * b)) & 0xff);
      }
    }
  }
}

/** Marks the square around (x, y) in each zone whose set bit `missing` holds. */
function markMissing(zones: Zones, x: number, y: number, missing: number): void {
  if (missing & 1) markSquare(zones.nearClear, zones.width, zones.height, x, y, zones.band);
  if (missing & 2) markSquare(zones.nearSubject, zones.width, zones.height, x, y, zones.band);
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
  const { band, window } = resolveOptions(options);
  return freeSolidRim(image, alpha, sampleEdges(image, alpha, band, window));
}

function freeSolidRim(image: RgbaImage, alpha: GrayImage, samples: EdgeSamples): RgbaImage {
  const out = createRgbaImage(image.width, image.height, new Uint8ClampedArray(image.data));
  forEachEdgePixel(samples, { alpha: alpha.data, dst: out.data }, isSolid, freeRimPixel);
  return out;
}

// The per-pixel rules of both passes are module-level functions, given what they edit, not
// closures made per call: V8 keeps the optimised code of a closure, or of a loop that inlined
// one, only while that closure lives, and compiled them all again for every portrait.

/** What a pass reads and writes: the cut-out's alpha, the colours it frees. */
interface EdgeEdit {
  readonly alpha: Float32Array;
  readonly dst: Uint8ClampedArray;
}

const isSolid = ({ alpha }: EdgeEdit, i: number): boolean => alpha[i] >= SOLID;
const isSoft = ({ alpha }: EdgeEdit, i: number): boolean => alpha[i] > CLEAR && alpha[i] < SOLID;

/** A solid rim pixel: the old background's share of its colour swapped for the subject's (see decontaminateEdge). */
function freeRimPixel({ dst }: EdgeEdit, i: number, F: Float64Array, B: Float64Array): void {
  const i4 = i * 4;
  const dr = F[0] - B[0];
  const dg = F[1] - B[1];
  const db = F[2] - B[2];
  const d2 = dr * dr + dg * dg + db * db;
  if (d2 < MIN_CONTRAST * MIN_CONTRAST) return;
  const r = dst[i4];
  const g = dst[i4 + 1];
  const b = dst[i4 + 2];
  const move = backgroundShare(r - B[0], g - B[1], b - B[2], dr, dg, db, d2, MIXED_FROM);
  if (move <= 0) return;
  dst[i4] = r + move * dr;
  dst[i4 + 1] = g + move * dg;
  dst[i4 + 2] = b + move * db;
}

/**
 * `foreground` (estimateForeground's colours) with the old background's hue taken out of its soft
 * edge: a chroma-key backdrop leaves a blue or green cast on hair where the matte is more opaque
 * than the photo's blur, which foreground estimation cannot undo. Each soft pixel near the clear
 * side has its chroma (opponent colour: r − g, (r + g)/2 − b) read as a mix of the subject's and
 * the background's chroma nearby (from `photo`, as decontaminateEdge reads them), and the
 * background's share moved to the subject's; its luminance, which carries the hair's texture,
 * stays. Where subject and background differ little in chroma (dark hair on a white wall) nothing
 * changes. Alpha, solid and clear pixels stay as they are.
 */
export function decontaminateEdgeChroma(foreground: RgbaImage, alpha: GrayImage, photo: RgbaImage, options?: DecontaminateEdgeOptions): RgbaImage {
  assertRgbaImage(foreground, 'foreground');
  assertGrayImage(alpha, 'alpha');
  assertRgbaImage(photo, 'photo');
  assertSameSize(foreground, 'foreground', alpha, 'alpha');
  assertSameSize(photo, 'photo', alpha, 'alpha');
  const { band, window } = resolveOptions(options);
  return freeSoftHue(foreground, alpha, sampleEdges(photo, alpha, band, window));
}

function freeSoftHue(foreground: RgbaImage, alpha: GrayImage, samples: EdgeSamples): RgbaImage {
  const out = createRgbaImage(foreground.width, foreground.height, new Uint8ClampedArray(foreground.data));
  forEachEdgePixel(samples, { alpha: alpha.data, dst: out.data }, isSoft, freeHuePixel);
  return out;
}

/** A soft edge pixel: the old background's share of its chroma moved to the subject's, its luminance kept (see decontaminateEdgeChroma). */
function freeHuePixel({ dst }: EdgeEdit, i: number, F: Float64Array, B: Float64Array): void {
  const fu = F[0] - F[1];
  const fv = (F[0] + F[1]) / 2 - F[2];
  const bu = B[0] - B[1];
  const bv = (B[0] + B[1]) / 2 - B[2];
  const du = fu - bu;
  const dv = fv - bv;
  const d2 = du * du + dv * dv;
  if (d2 < MIN_CHROMA_CONTRAST * MIN_CHROMA_CONTRAST) return;
  const i4 = i * 4;
  const r = dst[i4];
  const g = dst[i4 + 1];
  const b = dst[i4 + 2];
  const u = r - g;
  const v = (r + g) / 2 - b;
  const move = backgroundShare(u - bu, v - bv, 0, du, dv, 0, d2);
  if (move <= 0) return;
  // Back from (luminance, u, v) to RGB: r + g + b = 3L, r − g = u, (r + g)/2 − b = v.
  const luminance = (r + g + b) / 3;
  const nu = u + move * du;
  const nv = v + move * dv;
  const redGreen = 2 * luminance + (2 * nv) / 3;
  dst[i4] = (redGreen + nu) / 2;
  dst[i4 + 1] = (redGreen - nu) / 2;
  dst[i4 + 2] = luminance - (2 * nv) / 3;
}

/**
 * Both passes around a foreground estimate, as the refined cut-out runs them: the solid rim freed
 * (decontaminateEdge), `estimate` on that (estimateForeground), then the soft edge's hue
 * (decontaminateEdgeChroma), the local colours read once for both.
 */
export function freeEdgeColours(image: RgbaImage, alpha: GrayImage, estimate: (rimFreed: RgbaImage) => RgbaImage, options?: DecontaminateEdgeOptions, zones?: EdgeZones): RgbaImage {
  assertRgbaImage(image, 'image');
  assertGrayImage(alpha, 'alpha');
  assertSameSize(image, 'image', alpha, 'alpha');
  const { band, window } = resolveOptions(options);
  const samples = sampleEdges(image, alpha, band, window, zones);
  return freeSoftHue(estimate(freeSolidRim(image, alpha, samples)), alpha, samples);
}

/** Whether the photo's mix can be read from these local colours (F[3] and B[3] their samples' spreads; see MIX_CONTRAST). */
function mixReadable(F: Float64Array, B: Float64Array): boolean {
  const contrast = Math.hypot(F[0] - B[0], F[1] - B[1], F[2] - B[2]);
  return contrast >= MIX_CONTRAST && F[3] < PLAIN_SUBJECT * contrast && B[3] < PLAIN_BACKDROP * contrast;
}

/** How much of F the photo's colour at pixel i holds: its place on the line from B (0) to F (1), clamped; 1 (no mix to read) where F and B are too alike or the colour lies off the line. */
function photoMix(photo: Uint8ClampedArray, i: number, F: Float64Array, B: Float64Array): number {
  const dr = F[0] - B[0];
  const dg = F[1] - B[1];
  const db = F[2] - B[2];
  const d2 = dr * dr + dg * dg + db * db;
  if (d2 < MIN_CONTRAST * MIN_CONTRAST) return 1;
  const i4 = i * 4;
  const shareOfB = backgroundShare(photo[i4] - B[0], photo[i4 + 1] - B[1], photo[i4 + 2] - B[2], dr, dg, db, d2);
  // backgroundShare is (1 − t), scaled down off the line: 0 there, which reads as t = 1 (no mix).
  return 1 - shareOfB;
}

function resolveOptions(options: DecontaminateEdgeOptions | undefined): { band: number; window: number } {
  assertOptionalObject(options, 'options');
  const { band = 2, window = 6 } = options ?? {};
  assertPositiveInteger(band, 'options.band');
  assertPositiveInteger(window, 'options.window');
  return { band, window };
}

/**
 * How much of the way from B to F a colour (given as colour − B) still has to go: 1 − t, where t
 * is its place on the line from B (0) to F (1) by projection (d = F − B, d2 = |d|²), scaled down
 * as it lies off that line (half the contrast off it or more: 0, a detail rather than a mix) and,
 * with `mixedFrom`, as t falls below it (see MIXED_FROM).
 */
function backgroundShare(x: number, y: number, z: number, dx: number, dy: number, dz: number, d2: number, mixedFrom = 0): number {
  const along = (x * dx + y * dy + z * dz) / d2;
  const t = along > 0 ? (along < 1 ? along : 1) : 0;
  const ex = x - t * dx;
  const ey = y - t * dy;
  const ez = z - t * dz;
  const off = Math.sqrt((ex * ex + ey * ey + ez * ez) / d2);
  const trust = mixedFrom > 0 ? Math.min(1, t / mixedFrom) : 1;
  return off < 0.5 ? (1 - 2 * off) * (1 - t) * trust : 0;
}

/** Where the local subject and background colours are read: built once from the photo and the alpha, shared by both passes. */
interface EdgeSamples {
  readonly photo: RgbaImage;
  readonly window: number;
  /** 1 within the band of the clear side. */
  readonly nearClear: Uint8Array;
  /** SUBJECT_SAMPLE (solid, past the band), BACKGROUND_SAMPLE (clear, in the photo, past the soft edge) or 0: neither. */
  readonly kind: Uint8Array;
}

function sampleEdges(photo: RgbaImage, alpha: GrayImage, band: number, window: number, zones?: EdgeZones): EdgeSamples {
  const { width, height } = photo;
  const n = width * height;
  const src = photo.data;
  const a = alpha.data;
  const { nearClear, nearSubject } = zonesFor(alpha, band, zones);
  const kind = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (v >= SOLID) {
      if (!nearClear[i]) kind[i] = SUBJECT_SAMPLE;
    } else if (v <= CLEAR && !nearSubject[i] && src[i * 4 + 3] === 255) kind[i] = BACKGROUND_SAMPLE;
  }
  return { photo, window, nearClear, kind };
}

/**
 * Calls `visit(edit, i, F, B)` for every pixel `selected` within the band of the clear side that has
 * enough samples of both sides in the (2·window + 1)² square around it: F the mean colour of the
 * solid pixels past the band there, B that of the clear pixels in the photo past the soft edge.
 */
function forEachEdgePixel(samples: EdgeSamples, edit: EdgeEdit, selected: (edit: EdgeEdit, i: number) => boolean, visit: (edit: EdgeEdit, i: number, F: Float64Array, B: Float64Array) => void): void {
  const { photo, window, nearClear, kind } = samples;
  const { width, height } = photo;
  const src = photo.data;
  const F = new Float64Array(3);
  const B = new Float64Array(3);
  for (let y = 0, i = 0; y < height; y++) {
    const y0 = Math.max(0, y - window);
    const y1 = Math.min(height - 1, y + window);
    for (let x = 0; x < width; x++, i++) {
      if (!nearClear[i] || !selected(edit, i)) continue;
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
          if (k === SUBJECT_SAMPLE) {
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
      F[0] = fr / nf;
      F[1] = fg / nf;
      F[2] = fb / nf;
      B[0] = br / nb;
      B[1] = bg / nb;
      B[2] = bb / nb;
      visit(edit, i, F, B);
    }
  }
}

/**
 * The matte's edge lowered to the photo's own mix where it is plainly more opaque than that mix
 * and the mix can be read (see MIX_CONTRAST). A soft photo (lens blur, an enlarged or old print)
 * spreads the subject's edge over several pixels, and a segmentation model's matte turns solid a
 * pixel or two sooner: there I = αF + (1 − α)B leaves the foreground estimate pale whatever it
 * does, a light outline round dark hair on a new dark backdrop (or, lowered only in colour, a
 * dark rim too wide on a light one). Each soft pixel, and each solid one beside a soft one,
 * places the photo's colour on the line from the local background's colour (B) to the
 * subject's (F), read as decontaminateEdge reads them, in the (2·window + 1)² square or, where
 * that holds too few background samples (the inner pixels of a wide soft edge), in the square
 * twice as wide; a pixel with too few in both is left as it is. Where the alpha exceeds that
 * place by more than OVER_OPAQUE_FROM it moves down to it, fully from OVER_OPAQUE_FULL. Never
 * below `keep` (the face); never up. Returns a new alpha.
 */
export function fitEdgeToPhotoMix(photo: RgbaImage, alpha: GrayImage, keep?: GrayImage, options?: DecontaminateEdgeOptions): GrayImage {
  assertRgbaImage(photo, 'photo');
  assertGrayImage(alpha, 'alpha');
  assertSameSize(photo, 'photo', alpha, 'alpha');
  if (keep) {
    assertGrayImage(keep, 'keep');
    assertSameSize(keep, 'keep', alpha, 'alpha');
  }
  const { band, window } = resolveOptions(options);
  const { width, height } = alpha;
  const a = alpha.data;
  const out = createGrayImage(width, height, new Float32Array(a));
  const edge = new Uint8Array(width * height);
  for (let y = 0, i = 0; y < height; y++) for (let x = 0; x < width; x++, i++) if (onSoftEdge(a, width, height, x, y, i)) edge[i] = 1;
  const reach = 2 * window;
  const box = grownBoxOf(edge, width, height, reach);
  if (!box) return out;
  // Every soft pixel reads a square of up to (4·window + 1)² pixels: summed over the box once
  // (exact integer sums, the same means as adding the squares up), each square costs four reads.
  const { kind } = sampleEdges(photo, alpha, band, window);
  const sums = new LocalSampleMeans(photo, kind, box, reach, MIN_SAMPLES);
  // [3]: each side's spread (see LocalSampleMeans.meanColours).
  const F = new Float64Array(4);
  const B = new Float64Array(4);
  for (let y = box.y0; y < box.y0 + box.h; y++) {
    for (let x = box.x0, i = y * width + box.x0; x < box.x0 + box.w; x++, i++) {
      if (!edge[i]) continue;
      if (!sums.meanColours(x, y, window, F, B) && !sums.meanColours(x, y, reach, F, B)) continue;
      if (!mixReadable(F, B)) continue;
      const over = a[i] - photoMix(photo.data, i, F, B);
      if (over <= OVER_OPAQUE_FROM) continue;
      const lowered = a[i] - over * Math.min(1, (over - OVER_OPAQUE_FROM) / (OVER_OPAQUE_FULL - OVER_OPAQUE_FROM));
      out.data[i] = keep ? Math.max(lowered, keep.data[i]) : lowered;
    }
  }
  return out;
}

/** A soft pixel (CLEAR < α < SOLID), or a solid one with a 4-neighbour that is soft; NaN is neither. */
function onSoftEdge(a: Float32Array, width: number, height: number, x: number, y: number, i: number): boolean {
  const v = a[i];
  if (!(v > CLEAR)) return false;
  if (v < SOLID) return true;
  return (x > 0 && isSoftAlpha(a[i - 1])) || (x + 1 < width && isSoftAlpha(a[i + 1])) || (y > 0 && isSoftAlpha(a[i - width])) || (y + 1 < height && isSoftAlpha(a[i + width]));
}

const isSoftAlpha = (v: number): boolean => v > CLEAR && v < SOLID;
