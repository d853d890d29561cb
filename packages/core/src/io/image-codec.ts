import { FacecraftError, ImageTooLargeError, InvalidImageError } from '../errors.js';
import type { RgbaImage } from '../image/rgba-image.js';
import { checkMaxPixels, type PixelLimits } from './pixel-limit.js';
import { assertPixelLimit, readImageHeader } from './read-image-header.js';
import type { ImageFormat } from './sniff-format.js';

/**
 * The platform-free face of image I/O: the pipeline decodes and encodes through an ImageCodec
 * (sharp in Node, canvas in the browser) and never imports either directly.
 */
export type DecodeLimits = PixelLimits;

export interface DecodedImage {
  /** Upright pixels: the EXIF orientation has already been applied. */
  readonly image: RgbaImage;
  readonly format: ImageFormat;
  /** The orientation the file declared (1 when none), already applied to `image`. */
  readonly orientation: number;
  /** Width of the pixels as stored in the file, before the orientation was applied. */
  readonly originalWidth: number;
  /** Height of the pixels as stored in the file, before the orientation was applied. */
  readonly originalHeight: number;
}

export interface ImageCodec {
  readonly name: string;
  /** Decodes to upright RGBA. Call it through decodeImage, which adds the shared guards. */
  decode(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage>;
  encodePng(image: RgbaImage): Promise<Uint8Array>;
  /** `quality` is an integer from 1 to 100; alpha is ignored (the image is treated as opaque). */
  encodeJpeg(image: RgbaImage, quality: number): Promise<Uint8Array>;
}

/**
 * Sniff → header → pixel limit → codec.decode, so that every codec refuses the same inputs with
 * the same errors and none is handed a decompression bomb. Failures inside the codec become
 * InvalidImageError with the original error as `cause`.
 */
export async function decodeImage(codec: ImageCodec, bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
  if (!codec || typeof codec.decode !== 'function') throw new TypeError('decodeImage expects an ImageCodec');
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeImage expects the image as a Uint8Array');
  if (!limits || typeof limits !== 'object') throw new TypeError('decodeImage expects limits: { maxPixels }');
  const maxPixels = checkMaxPixels(limits.maxPixels);

  const header = readImageHeader(bytes);
  assertPixelLimit(header, maxPixels);

  let decoded: DecodedImage;
  try {
    decoded = await codec.decode(bytes, { maxPixels });
  } catch (error) {
    if (error instanceof FacecraftError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidImageError(
      `Could not decode the ${header.format.toUpperCase()} image (${header.width}×${header.height}): ${reason}`,
      { format: header.format, codec: codec.name },
      { cause: error },
    );
  }

  const image = decoded?.image;
  if (!image || !(image.data instanceof Uint8ClampedArray) || image.width <= 0 || image.height <= 0 ||
      image.data.length !== image.width * image.height * 4) {
    throw new InvalidImageError(`The ${codec.name} codec returned no valid RGBA image`, { format: header.format, codec: codec.name });
  }
  // A header can understate what the decoder ends up producing (GIF frames outside the screen).
  if (image.width * image.height > maxPixels) {
    throw new ImageTooLargeError(
      `Decoded image is ${image.width}×${image.height}, more than the limit of ${maxPixels} pixels`,
      { width: image.width, height: image.height, pixels: image.width * image.height, maxPixels },
    );
  }
  return decoded;
}
