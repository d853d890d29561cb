/**
 * White balance for portraits: correct a colour cast only as far as two unlike estimates of the
 * light agree on it.
 *
 * Grey world (the scene averages to grey) takes a portrait's warm skin and hair for a warm cast:
 * at half strength in sRGB, as this pipeline ran it, it moved the subject of well-exposed
 * development portraits a median 8.7° of colour angle (up to 14.5°), tinted white hair cyan, and
 * made cool and green casts worse, not better. Two estimates that fail differently are used
 * instead, in linear light:
 * - near-grey pixels: the mean colour of the pixels within GREY_CHROMA of grey under the current
 *   estimate, re-chosen GREY_ROUNDS times starting from no cast (saturated skin does not vote;
 *   but a cast pushes the truly grey pixels out of the set and pale skin in, so it
 *   under-corrects, and under a cool cast can even read warm);
 * - grey edge (van de Weijer et al., 2007): the Minkowski mean (p = EDGE_P) of each channel's
 *   gradient on the lightly blurred image; edges of hair, clothes and background are close to
 *   the light's colour on average and smooth skin barely counts, but coloured textures fool it.
 * Per channel, relative to green, the correction is the smaller of the two where they point the
 * same way and none where they disagree. A balanced photo mostly stays as it was and a warm
 * (tungsten) cast is partly taken out; a cool or a green cast often is not, as both estimates
 * can be fooled by skin at once (the enhancer therefore reads the background only, see
 * enhance-photo.ts). bench/results/white-balance.json holds the measurements.
 */
import { encodeSrgbExact, linearOfSrgbByte } from './color-space.js';
import type { GrayImage, RgbaImage } from './rgba-image.js';
import { assertNumberInRange, assertOptionalMask, assertRgbaImage } from './validate.js';
import type { ChannelGains } from './white-balance.js';

/** Statistics read every STRIDE-th pixel of every STRIDE-th row: the light's colour needs no more. */
const STRIDE = 2;
/** Near grey: the largest channel deviation from the mean within this share of the mean. */
const GREY_CHROMA = 0.12;
const GREY_ROUNDS = 4;
/** Too dark to carry colour, or clipped in some channel: not counted. */
const DARKEST = 0.02;
const CLIPPED = 0.95;
/** The grey edge's Minkowski norm: 6, so that a gradient's squared length is cubed. */
const EDGE_P = 6;
/** Rec. 709 luminance weights: the gains keep a grey's luminance. */
const LUMA = [0.2126, 0.7152, 0.0722] as const;

/** The sampled image in linear light, one plane per channel, with a flag for the pixels inside the mask. */
interface LinearSample {
  readonly width: number;
  readonly height: number;
  readonly channels: readonly [Float64Array, Float64Array, Float64Array];
  readonly inside: Uint8Array;
}

function sampleLinear(img: RgbaImage, mask: GrayImage | undefined): LinearSample {
  const width = Math.ceil(img.width / STRIDE);
  const height = Math.ceil(img.height / STRIDE);
  const n = width * height;
  const r = new Float64Array(n);
  const g = new Float64Array(n);
  const b = new Float64Array(n);
  const inside = new Uint8Array(n);
  const src = img.data;
  const weights = mask?.data;
  for (let y = 0, j = 0; y < height; y++) {
    for (let x = 0, p = y * STRIDE * img.width; x < width; x++, j++, p += STRIDE) {
      if (weights && !(weights[p] > 0.5)) continue;
      inside[j] = 1;
      r[j] = linearOfSrgbByte(src[p * 4]);
      g[j] = linearOfSrgbByte(src[p * 4 + 1]);
      b[j] = linearOfSrgbByte(src[p * 4 + 2]);
    }
  }
  return { width, height, channels: [r, g, b], inside };
}

/**
 * Flags (sets to 1) in `flags` every pixel of a `width`×`height` image that agreedCastGains reads
 * with this mask, the pixels sampleLinear takes: the only ones whose colour its answer depends on.
 */
export function markCastSamples(width: number, height: number, mask: GrayImage | undefined, flags: Uint8Array): void {
  const weights = mask?.data;
  for (let y = 0; y < height; y += STRIDE) {
    for (let x = 0, p = y * width; x < width; x += STRIDE, p += STRIDE) {
      if (weights && !(weights[p] > 0.5)) continue;
      flags[p] = 1;
    }
  }
}

/** The light's colour (r, g, b, largest 1) from the near-grey pixels; undefined when there are none. */
function nearGreyLight({ channels, inside }: LinearSample): [number, number, number] | undefined {
  // The pixels that can vote in any round (inside, no channel clipped), in raster order.
  const [r0, g0, b0] = channels;
  let count = 0;
  const r = new Float64Array(inside.length);
  const g = new Float64Array(inside.length);
  const b = new Float64Array(inside.length);
  for (let i = 0; i < inside.length; i++) {
    if (!inside[i] || r0[i] > CLIPPED || g0[i] > CLIPPED || b0[i] > CLIPPED) continue;
    r[count] = r0[i];
    g[count] = g0[i];
    b[count] = b0[i];
    count++;
  }
  let light: [number, number, number] = [1, 1, 1];
  for (let round = 0; round < GREY_ROUNDS; round++) {
    // Three multiplications a pixel, not three divisions (a division costs several times more).
    const ir = 1 / light[0];
    const ig = 1 / light[1];
    const ib = 1 / light[2];
    let sr = 0;
    let sg = 0;
    let sb = 0;
    for (let k = 0; k < count; k++) {
      const R = r[k] * ir;
      const G = g[k] * ig;
      const B = b[k] * ib;
      const mean = (R + G + B) / 3;
      if (mean < DARKEST) continue;
      const deviation = Math.max(Math.abs(R - mean), Math.abs(G - mean), Math.abs(B - mean));
      if (deviation > GREY_CHROMA * mean) continue;
      sr += r[k];
      sg += g[k];
      sb += b[k];
    }
    const largest = Math.max(sr, sg, sb);
    if (!(largest > 0)) return round === 0 ? undefined : light;
    light = [sr / largest, sg / largest, sb / largest];
  }
  return light;
}

/** 1-2-1 blur along rows then columns, edges clamped. */
function blur121(plane: Float64Array, width: number, height: number): Float64Array {
  const rows = new Float64Array(plane.length);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let x = 0; x < width; x++) rows[o + x] = 0.25 * plane[o + Math.max(0, x - 1)] + 0.5 * plane[o + x] + 0.25 * plane[o + Math.min(width - 1, x + 1)];
  }
  const out = new Float64Array(plane.length);
  for (let y = 0; y < height; y++) {
    const up = Math.max(0, y - 1) * width;
    const down = Math.min(height - 1, y + 1) * width;
    const o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = 0.25 * rows[up + x] + 0.5 * rows[o + x] + 0.25 * rows[down + x];
  }
  return out;
}

/** The light's colour from the grey-edge estimate; undefined when the image has no edges inside the mask. */
function greyEdgeLight({ width, height, channels, inside }: LinearSample): [number, number, number] | undefined {
  // Only gradients wholly inside the mask: the photo's own edge is not an edge of the scene.
  const measured = new Int32Array(width * height);
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      if (inside[i - 1] && inside[i + 1] && inside[i - width] && inside[i + width]) measured[count++] = i;
    }
  }
  const light = channels.map((plane) => {
    const smooth = blur121(plane, width, height);
    let sum = 0;
    for (let k = 0; k < count; k++) {
      const i = measured[k];
      const gx = smooth[i + 1] - smooth[i - 1];
      const gy = smooth[i + width] - smooth[i - width];
      const squared = gx * gx + gy * gy;
      sum += squared * squared * squared;
    }
    return Math.pow(sum, 1 / EDGE_P);
  });
  const largest = Math.max(...light);
  return largest > 0 ? [light[0] / largest, light[1] / largest, light[2] / largest] : undefined;
}

export interface CastEstimateOptions {
  /** Pixels counted (weight > 0.5), e.g. the part of a crop that shows the photo. Default: all. */
  readonly mask?: GrayImage;
  /** Each gain is clamped to [1/maxGain, maxGain]. Default 1.5. */
  readonly maxGain?: number;
}

/**
 * Linear-light gains that take out the colour cast both estimates agree on (see the module
 * comment); all 1 when they disagree or see none (a greyscale photo, a balanced one).
 */
export function agreedCastGains(img: RgbaImage, options: CastEstimateOptions = {}): ChannelGains {
  assertRgbaImage(img, 'img');
  const { mask, maxGain = 1.5 } = options;
  assertOptionalMask(mask, 'options.mask', img, 'img');
  assertNumberInRange(maxGain, 'options.maxGain', 1, Infinity);
  const sample = sampleLinear(img, mask);
  const grey = nearGreyLight(sample);
  const edge = greyEdgeLight(sample);
  if (!grey || !edge) return { r: 1, g: 1, b: 1 };
  // Log ratios to green: the cast each estimate sees on red and on blue.
  const agreed = [0, 1, 2].map((c) => {
    const a = Math.log(grey[c] / grey[1]);
    const b = Math.log(edge[c] / edge[1]);
    return Math.sign(a) === Math.sign(b) ? Math.sign(a) * Math.min(Math.abs(a), Math.abs(b)) : 0;
  });
  const light = agreed.map(Math.exp);
  // A grey under this light, corrected, keeps its luminance.
  const luminance = LUMA[0] * light[0] + LUMA[1] * light[1] + LUMA[2] * light[2];
  const gain = (c: number) => Math.min(maxGain, Math.max(1 / maxGain, luminance / light[c]));
  return { r: gain(0), g: gain(1), b: gain(2) };
}

/** Per-channel sRGB tables applying linear-light gains (clipped at white). */
export function linearGainLuts(gains: ChannelGains): [Uint8Array, Uint8Array, Uint8Array] {
  const table = (k: number) => {
    const lut = new Uint8Array(256);
    for (let v = 0; v < 256; v++) lut[v] = Math.round(255 * encodeSrgbExact(Math.min(1, linearOfSrgbByte(v) * k)));
    return lut;
  };
  return [table(gains.r), table(gains.g), table(gains.b)];
}
