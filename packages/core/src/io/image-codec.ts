import { FacecraftError, ImageTooLargeError, InvalidImageError } from '../errors.js';
import type { RgbaImage } from '../image/rgba-image.js';
import { guardImage, isGuardedImage, type GuardedImage } from './image-guard.js';
import type { PixelLimits } from './pixel-limit.js';
import type { ImageFormat } from './sniff-format.js';

/**
 * The platform-free face of image I/O: the pipeline decodes and encodes through an ImageCodec
 * (sharp in Node, canvas in the browser) and never imports either directly.
 */
export type DecodeLimits = PixelLimits & {
  /** The guard decodeImage made for these bytes: a codec takes its header and check from it. */
  readonly guard?: GuardedImage;
};

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

/**
 * zlib level of the browser's PNG (fflate, png-encode.ts). In Chromium (2-core EPYC), on
 * portrait-1's 648² crop with an oval cut-out, fflate deflates the filtered rows in 35 ms at
 * level 3 against 70 ms at 6, for 7 % more bytes; CompressionStream (level 6, the only one it
 * offers) took 100. Node's writer (node-png.ts) passes it to node:zlib too, where its run-length
 * strategy makes the level moot (any level but 0 deflates the same).
 */
export const PNG_COMPRESSION_LEVEL = 3;

export interface ImageCodec {
  readonly name: string;
  /** Decodes to upright RGBA. Call it through decodeImage, which adds the shared guards. */
  decode(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage>;
  encodePng(image: RgbaImage): Promise<Uint8Array>;
  /** `quality` is an integer from 1 to 100; alpha is ignored (the image is treated as opaque). */
  encodeJpeg(image: RgbaImage, quality: number, options?: JpegEncodeOptions): Promise<Uint8Array>;
}

export interface JpegEncodeOptions {
  /**
   * Trade a few bytes for speed where the codec can: the same decoded pixels, a file up to a few
   * per cent larger (sharp skips mozjpeg's progressive-scan search). Codecs without such a knob ignore it.
   */
  readonly quick?: boolean;
}

/**
 * The decode guard (sniff → header → pixel limit, once: see guardImage) → codec.decode, so that
 * every codec refuses the same inputs with the same errors and none is handed a decompression
 * bomb. Takes the bytes, or a guard made earlier for them (then nothing is read twice). Failures
 * inside the codec become InvalidImageError with the original error as `cause`.
 */
export async function decodeImage(codec: ImageCodec, input: Uint8Array | GuardedImage, limits?: PixelLimits): Promise<DecodedImage> {
  if (!codec || typeof codec.decode !== 'function') throw new TypeError('decodeImage expects an ImageCodec');
  if (!isGuardedImage(input) && !(input instanceof Uint8Array)) throw new TypeError('decodeImage expects the image as a Uint8Array');
  const guard = isGuardedImage(input) ? input : guardImage(input, limits as PixelLimits);
  const { bytes, header, maxPixels } = guard;

  let decoded: DecodedImage;
  try {
    decoded = await codec.decode(bytes, { maxPixels, guard });
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
