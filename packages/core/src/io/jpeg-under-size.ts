import type { RgbaImage } from '../image/rgba-image.js';
import { checkJpegQuality, checkRgbaImage } from './check-encode-args.js';
import type { ImageCodec } from './image-codec.js';

/**
 * The best JPEG that fits a byte budget (upload forms: "at most 240 KB"). The top quality is
 * tried first with the codec's quick mode (the usual case: it fits, one encode). Otherwise the
 * first full-encoder probe is aimed from that one size (log size falls about 0.35 × as fast as
 * the log of libjpeg's quantiser scale rises near the top), so a budget just under the top quality costs two or
 * three encodes instead of starting from the bottom of the range; later probes interpolate
 * between the sizes seen (log size is close to linear in the log of the quantiser scale), with
 * a bisection step whenever a probe fails to halve the range. The answer fits and the quality
 * one above does not (full encoder), as before.
 */
export interface JpegUnderOptions {
  readonly maxBytes: number;
  /** Lowest quality worth returning (default 30). */
  readonly minQuality?: number;
  /** Highest quality tried (default 95). */
  readonly maxQuality?: number;
}

/**
 * What a codec may add to say that its quick JPEG is its full one (sharp's: the scan search is off
 * either way): the quick encode at the top quality then also settles whether the top fits, and a
 * search that ends just under it skips encoding the top again.
 */
export interface JpegQuickHint {
  readonly jpegQuickIsFull?: boolean;
}

export interface JpegUnderResult {
  readonly bytes: Uint8Array;
  readonly quality: number;
  /** False when even `minQuality` is over the budget; `bytes` is then the minQuality encode. */
  readonly fits: boolean;
}

/** libjpeg's quality → quantiser scale (per cent of the base tables), at least 1. */
function quantiserScale(quality: number): number {
  return Math.max(1, quality < 50 ? 5000 / quality : 200 - 2 * quality);
}

function qualityForScale(scale: number): number {
  return scale > 100 ? 5000 / scale : (200 - scale) / 2;
}

/**
 * d log(size) / d log(quantiser scale), measured on the fixtures' portraits: −0.25 to −0.33 from
 * q95 to q94, −0.37 to −0.46 down to q90, −0.44 to −0.52 further down. The flatter end is used,
 * so the first probe errs low (it fits, and one more encode above it confirms).
 */
const SIZE_SLOPE = -0.35;

/**
 * The quality strictly inside (low, high) where the budget is expected to be met, from the sizes
 * at both ends: linear in (log scale, log size).
 */
function interpolate(low: number, lowSize: number, high: number, highSize: number, maxBytes: number): number {
  const x0 = Math.log(quantiserScale(low));
  const x1 = Math.log(quantiserScale(high));
  const y0 = Math.log(lowSize);
  const y1 = Math.log(highSize);
  const t = y1 === y0 ? 0.5 : (Math.log(maxBytes) - y0) / (y1 - y0);
  const q = Math.floor(qualityForScale(Math.exp(x0 + Math.min(1, Math.max(0, t)) * (x1 - x0))));
  return Math.min(high - 1, Math.max(low + 1, Number.isFinite(q) ? q : (low + high) >>> 1));
}

/**
 * A quality in [min, high − 1] where the budget is expected to be met, from one size over it
 * (at `high`): along the typical slope, or along the line through a second size when known.
 */
function extrapolate(high: number, highSize: number, maxBytes: number, min: number, other?: { quality: number; size: number }): number {
  const x1 = Math.log(quantiserScale(high));
  let slope = SIZE_SLOPE;
  if (other && other.quality !== high && other.size !== highSize) {
    const measured = (Math.log(other.size) - Math.log(highSize)) / (Math.log(quantiserScale(other.quality)) - x1);
    // Sizes that hardly fall with quality: the budget is likely out of reach, and the lowest
    // quality says so in one encode.
    if (!(measured < -0.05)) return min;
    slope = measured;
  }
  const q = Math.floor(qualityForScale(Math.exp(x1 + (Math.log(maxBytes) - Math.log(highSize)) / slope)));
  return Math.min(high - 1, Math.max(min, Number.isFinite(q) ? q : (min + high) >>> 1));
}

export async function encodeJpegUnder(codec: ImageCodec & JpegQuickHint, image: RgbaImage, options: JpegUnderOptions): Promise<JpegUnderResult> {
  if (!codec || typeof codec.encodeJpeg !== 'function') throw new TypeError('encodeJpegUnder expects an ImageCodec');
  checkRgbaImage(image);
  if (!options || typeof options !== 'object') throw new TypeError('encodeJpegUnder expects options: { maxBytes }');
  const { maxBytes, minQuality = 30, maxQuality = 95 } = options;
  if (typeof maxBytes !== 'number') throw new TypeError(`maxBytes must be a number but received ${typeof maxBytes}`);
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new RangeError(`maxBytes must be a positive integer but received ${maxBytes}`);
  checkJpegQuality(minQuality);
  checkJpegQuality(maxQuality);
  if (minQuality > maxQuality) throw new RangeError(`minQuality ${minQuality} is above maxQuality ${maxQuality}`);

  // Quick mode gives the same pixels in a few more bytes: when even that fits, it is the answer.
  const quickTop = await codec.encodeJpeg(image, maxQuality, { quick: true });
  if (quickTop.length <= maxBytes) return { bytes: quickTop, quality: maxQuality, fits: true };
  // From here every byte counts: the full encoder.
  if (minQuality === maxQuality) {
    const top = await codec.encodeJpeg(image, maxQuality);
    return { bytes: top, quality: maxQuality, fits: top.length <= maxBytes };
  }

  // Invariant: `low` fits (−1 until a probe does); `high` does not, except that maxQuality is only
  // known from the quick encode (an upper bound on its full size) until checked. Size is not
  // strictly monotonic in quality, but the invariant alone guarantees the answer fits and the
  // quality one above does not.
  let low = -1;
  let lowBytes: Uint8Array | undefined;
  let high = maxQuality;
  let highSize = quickTop.length;
  let highChecked = codec.jpegQuickIsFull === true;
  // The size seen before the latest one over the budget: two points give the local slope.
  let previous: { quality: number; size: number } | undefined;
  let bisect = false;
  let q = extrapolate(high, highSize, maxBytes, minQuality);
  for (;;) {
    const width = high - (low >= 0 ? low : minQuality);
    const bytes = await codec.encodeJpeg(image, q);
    if (bytes.length <= maxBytes) {
      low = q;
      lowBytes = bytes;
    } else {
      if (q === minQuality) return { bytes, quality: minQuality, fits: false };
      previous = { quality: high, size: highSize };
      high = q;
      highSize = bytes.length;
      highChecked = true;
    }
    if (low >= 0 && high - low <= 1) break;
    if (low < 0) {
      // Nothing fits yet: aim below `high`, or halve [minQuality, high) when aiming did not halve it.
      q = bisect ? (minQuality + high) >>> 1 : extrapolate(high, highSize, maxBytes, minQuality, previous);
    } else {
      q = bisect ? (low + high) >>> 1 : interpolate(low, (lowBytes as Uint8Array).length, high, highSize, maxBytes);
    }
    // A probe that leaves more than half the range falls back to bisection once.
    bisect = !bisect && high - (low >= 0 ? low : minQuality) > width / 2;
  }
  if (!highChecked) {
    const top = await codec.encodeJpeg(image, maxQuality);
    if (top.length <= maxBytes) return { bytes: top, quality: maxQuality, fits: true };
  }
  return { bytes: lowBytes as Uint8Array, quality: low, fits: true };
}
