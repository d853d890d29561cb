import { checkMaxPixels, assertPixelLimit, type PixelLimits } from './pixel-limit.js';
import { readImageHeader, type ImageHeader } from './read-image-header.js';
import type { ImageFormat } from './sniff-format.js';

/**
 * Image bytes that passed the decode guard: the format sniffed, the header read and the pixel
 * limit checked, once. decodeImage and the codecs take it instead of doing the same again.
 */
export interface GuardedImage {
  readonly bytes: Uint8Array;
  readonly header: ImageHeader;
  readonly maxPixels: number;
}

// Only guardImage makes guards: a look-alike object cannot skip the checks.
const issued = new WeakSet<GuardedImage>();

/**
 * The decode guard: refuses an unknown format or a bad header (InvalidImageError) and an image
 * declaring more than `maxPixels` (ImageTooLargeError) before any decoder sees the bytes.
 * `format`: when the caller has sniffed it already (the server, to word its own refusal).
 */
export function guardImage(bytes: Uint8Array, limits: PixelLimits, format?: ImageFormat): GuardedImage {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('guardImage expects the image as a Uint8Array');
  if (!limits || typeof limits !== 'object') throw new TypeError('guardImage expects limits: { maxPixels }');
  const maxPixels = checkMaxPixels(limits.maxPixels);
  const header = readImageHeader(bytes, format);
  assertPixelLimit(header, maxPixels);
  const guard = Object.freeze({ bytes, header, maxPixels });
  issued.add(guard);
  return guard;
}

/** The guard already made for these very bytes under the same limit, if one was passed along. */
export function guardFor(bytes: Uint8Array, limits: PixelLimits & { readonly guard?: GuardedImage }): GuardedImage {
  const given = limits?.guard;
  if (given && issued.has(given) && given.bytes === bytes && given.maxPixels === limits.maxPixels) return given;
  return guardImage(bytes, limits);
}

export function isGuardedImage(value: unknown): value is GuardedImage {
  return typeof value === 'object' && value !== null && issued.has(value as GuardedImage);
}
