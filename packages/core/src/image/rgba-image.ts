/**
 * An 8-bit RGBA raster, row-major with no row padding: the one pixel format that every stage
 * exchanges, in Node and in the browser alike (it is what ImageData holds and what sharp's
 * `raw()` output gives with `ensureAlpha()`).
 */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** A single-channel float plane, row-major, values normally in [0, 1] (alpha masks, weights). */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

export function createRgbaImage(width: number, height: number, data?: Uint8ClampedArray): RgbaImage {
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`Expected positive integer width and height but received ${width}×${height}`);
  }
  const length = width * height * 4;
  if (data && data.length !== length) {
    throw new RangeError(`Expected ${length} bytes for a ${width}×${height} RGBA image but received ${data.length}`);
  }
  return { width, height, data: data ?? new Uint8ClampedArray(length) };
}

export function createGrayImage(width: number, height: number, data?: Float32Array): GrayImage {
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`Expected positive integer width and height but received ${width}×${height}`);
  }
  const length = width * height;
  if (data && data.length !== length) {
    throw new RangeError(`Expected ${length} values for a ${width}×${height} plane but received ${data.length}`);
  }
  return { width, height, data: data ?? new Float32Array(length) };
}

export function cloneRgbaImage(image: RgbaImage): RgbaImage {
  return { width: image.width, height: image.height, data: new Uint8ClampedArray(image.data) };
}
