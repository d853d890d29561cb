import type { RgbaImage } from '../image/rgba-image.js';
import { checkJpegQuality, checkRgbaImage } from './check-encode-args.js';
import type { ImageCodec } from './image-codec.js';

/**
 * The best JPEG that fits a byte budget (upload forms: "at most 240 KB"), found by bisecting the
 * integer quality range: at most 2 + ⌈log2(maxQuality − minQuality)⌉ encodes.
 */
export interface JpegUnderOptions {
  readonly maxBytes: number;
  /** Lowest quality worth returning (default 30). */
  readonly minQuality?: number;
  /** Highest quality tried (default 95). */
  readonly maxQuality?: number;
}

export interface JpegUnderResult {
  readonly bytes: Uint8Array;
  readonly quality: number;
  /** False when even `minQuality` is over the budget; `bytes` is then the minQuality encode. */
  readonly fits: boolean;
}

export async function encodeJpegUnder(codec: ImageCodec, image: RgbaImage, options: JpegUnderOptions): Promise<JpegUnderResult> {
  if (!codec || typeof codec.encodeJpeg !== 'function') throw new TypeError('encodeJpegUnder expects an ImageCodec');
  checkRgbaImage(image);
  if (!options || typeof options !== 'object') throw new TypeError('encodeJpegUnder expects options: { maxBytes }');
  const { maxBytes, minQuality = 30, maxQuality = 95 } = options;
  if (typeof maxBytes !== 'number') throw new TypeError(`maxBytes must be a number but received ${typeof maxBytes}`);
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new RangeError(`maxBytes must be a positive integer but received ${maxBytes}`);
  checkJpegQuality(minQuality);
  checkJpegQuality(maxQuality);
  if (minQuality > maxQuality) throw new RangeError(`minQuality ${minQuality} is above maxQuality ${maxQuality}`);

  const top = await codec.encodeJpeg(image, maxQuality);
  if (top.length <= maxBytes) return { bytes: top, quality: maxQuality, fits: true };
  if (minQuality === maxQuality) return { bytes: top, quality: maxQuality, fits: false };
  const bottom = await codec.encodeJpeg(image, minQuality);
  if (bottom.length > maxBytes) return { bytes: bottom, quality: minQuality, fits: false };

  // Invariant: `low` fits and `high` does not. Size is not strictly monotonic in quality, but
  // the invariant alone guarantees the answer fits and the quality one above it does not.
  let low = minQuality;
  let lowBytes = bottom;
  let high = maxQuality;
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    const bytes = await codec.encodeJpeg(image, mid);
    if (bytes.length <= maxBytes) {
      low = mid;
      lowBytes = bytes;
    } else {
      high = mid;
    }
  }
  return { bytes: lowBytes, quality: low, fits: true };
}
