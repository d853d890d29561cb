import { decodeBmp } from './decode-bmp.js';
import type { DecodedImage, DecodeLimits } from './image-codec.js';
import { guardFor } from './image-guard.js';

/**
 * What every codec's decode starts with: the decode guard (the header and the pixel limit,
 * before any decoder sees the bytes; taken from decodeImage when it comes through there) and BMP
 * through our own decoder (libvips has none, and it keeps Node and browser pixels identical).
 */
export function beginDecode(bytes: Uint8Array, limits: DecodeLimits) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decode expects the image as a Uint8Array');
  const { header, maxPixels } = guardFor(bytes, limits);
  const base = { format: header.format, orientation: header.orientation, originalWidth: header.width, originalHeight: header.height };
  // The guard checked the BMP's declared size already: its decoder is not asked again.
  const bmp: DecodedImage | undefined = header.format === 'bmp' ? { image: decodeBmp(bytes, { maxPixels: Infinity }), ...base } : undefined;
  return { maxPixels, header, base, bmp };
}
