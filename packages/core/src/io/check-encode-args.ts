import type { RgbaImage } from '../image/rgba-image.js';

/** Argument checks shared by every codec's encoders, so they all reject bad input alike. */
export function checkRgbaImage(image: RgbaImage): void {
  if (!image || typeof image !== 'object' || !(image.data instanceof Uint8ClampedArray)) {
    throw new TypeError('Expected an RgbaImage with a Uint8ClampedArray of pixels');
  }
  const { width, height, data } = image;
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0 || data.length !== width * height * 4) {
    throw new RangeError(`RgbaImage ${width}×${height} does not match its ${data.length} bytes of pixels`);
  }
}

export function checkJpegQuality(quality: number): void {
  if (typeof quality !== 'number') throw new TypeError(`JPEG quality must be a number but received ${typeof quality}`);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new RangeError(`JPEG quality must be an integer from 1 to 100 but received ${quality}`);
  }
}
