import { ImageTooLargeError } from '../errors.js';

/**
 * The decompression-bomb guard: a few hundred bytes can declare gigapixels, so the declared size
 * is checked against a limit before any decoder allocates a pixel.
 */
export interface PixelLimits {
  /** Largest width × height accepted; a positive integer, or Infinity for no limit. */
  readonly maxPixels: number;
}

/** Validates a limit argument: TypeError for a non-number, RangeError for a non-positive or fractional one. */
export function checkMaxPixels(maxPixels: unknown): number {
  if (typeof maxPixels !== 'number') {
    throw new TypeError(`maxPixels must be a number but received ${typeof maxPixels}`);
  }
  if (!(maxPixels === Infinity || (Number.isInteger(maxPixels) && maxPixels > 0))) {
    throw new RangeError(`maxPixels must be a positive integer or Infinity but received ${maxPixels}`);
  }
  return maxPixels;
}

/** Throws ImageTooLargeError when `width × height` exceeds `maxPixels`. */
export function assertPixelLimit(size: { readonly width: number; readonly height: number }, maxPixels: number): void {
  checkMaxPixels(maxPixels);
  if (!size || typeof size.width !== 'number' || typeof size.height !== 'number') {
    throw new TypeError('assertPixelLimit expects an object with numeric width and height');
  }
  const pixels = size.width * size.height;
  if (pixels > maxPixels) {
    throw new ImageTooLargeError(
      `Image is ${size.width}×${size.height} (${groupDigits(pixels)} pixels), ` +
        `more than the limit of ${groupDigits(maxPixels)} pixels`,
      { width: size.width, height: size.height, pixels, maxPixels },
    );
  }
}

// 1600000000 → "1,600,000,000"; cheaper than Intl, and this runs on every refused upload.
function groupDigits(value: number): string {
  return Number.isFinite(value) ? String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(value);
}
