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

/** What a guard knows, as plain data: it crosses a thread hop beside the (transferred) bytes. */
export interface GuardInfo {
  readonly header: ImageHeader;
  readonly maxPixels: number;
}

export const guardInfo = (guard: GuardedImage): GuardInfo => ({ header: guard.header, maxPixels: guard.maxPixels });

/**
 * A guard for bytes whose header another thread of this process read (the server's upload check,
 * handed to a worker thread): the header is not parsed again; the limit is checked again, which
 * costs a multiplication.
 */
export function adoptGuard(bytes: Uint8Array, info: GuardInfo): GuardedImage {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('adoptGuard expects the image as a Uint8Array');
  const { header } = info ?? {};
  if (!header || typeof header.format !== 'string' || !header.displaySize) throw new TypeError('adoptGuard expects the header a guard read');
  const maxPixels = checkMaxPixels(info.maxPixels);
  assertPixelLimit(header, maxPixels);
  const guard = Object.freeze({ bytes, header, maxPixels });
  issued.add(guard);
  return guard;
}

/**
 * The guard of `input` under `maxPixels` (a request's own limit): a guard made earlier is reused,
 * its header not read again and its limit checked again only when this one differs; plain bytes
 * are guarded now.
 */
export function guardUnder(input: Uint8Array | GuardedImage, maxPixels: number): GuardedImage {
  if (!isGuardedImage(input)) return guardImage(input as Uint8Array, { maxPixels });
  if (input.maxPixels === maxPixels) return input;
  return adoptGuard(input.bytes, { header: input.header, maxPixels });
}
