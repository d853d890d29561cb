import { decodeBmp } from './decode-bmp.js';
import type { DecodedImage, DecodeLimits } from './image-codec.js';
import { checkMaxPixels } from './pixel-limit.js';
import { assertPixelLimit, readImageHeader, type ImageHeader } from './read-image-header.js';

/**
 * What every codec's decode starts with: the argument checks, the header, the pixel limit —
 * before any decoder sees the bytes — and BMP through our own decoder (libvips has none, and it
 * keeps Node and browser pixels identical).
 */
export function beginDecode(bytes: Uint8Array, limits: DecodeLimits) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decode expects the image as a Uint8Array');
  const maxPixels = checkMaxPixels(limits?.maxPixels);
  const header: ImageHeader = readImageHeader(bytes);
  assertPixelLimit(header, maxPixels);
  const base = { format: header.format, orientation: header.orientation, originalWidth: header.width, originalHeight: header.height };
  const bmp: DecodedImage | undefined = header.format === 'bmp' ? { image: decodeBmp(bytes, { maxPixels }), ...base } : undefined;
  return { maxPixels, header, base, bmp };
}
