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

/**
 * A single-channel 8-bit plane, row-major: the input format of histogram operations such as
 * CLAHE, which are defined on 256 discrete levels.
 */
export interface Gray8Image {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function createGray8Image(width: number, height: number, data?: Uint8Array): Gray8Image {
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`Expected positive integer width and height but received ${width}×${height}`);
  }
  const length = width * height;
  if (data && data.length !== length) {
    throw new RangeError(`Expected ${length} bytes for a ${width}×${height} plane but received ${data.length}`);
  }
  return { width, height, data: data ?? new Uint8Array(length) };
}

/** Copies the `width × height` rectangle at (x, y), which must lie inside the image. */
export function cropRgbaImage(image: RgbaImage, x: number, y: number, width: number, height: number): RgbaImage {
  if (![x, y].every((v) => Number.isInteger(v) && v >= 0) || !Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`Expected a non-empty integer rectangle but received ${width}×${height} at (${x}, ${y})`);
  }
  if (x + width > image.width || y + height > image.height) {
    throw new RangeError(`Expected the rectangle ${width}×${height} at (${x}, ${y}) to lie inside the ${image.width}×${image.height} image`);
  }
  const out = createRgbaImage(width, height);
  const rowBytes = width * 4;
  for (let row = 0; row < height; row++) {
    const start = ((y + row) * image.width + x) * 4;
    out.data.set(image.data.subarray(start, start + rowBytes), row * rowBytes);
  }
  return out;
}

/** Copies the `width × height` rectangle at (x, y) of a plane, which must lie inside it. */
export function cropGrayImage(image: GrayImage, x: number, y: number, width: number, height: number): GrayImage {
  const out = createGrayImage(width, height);
  for (let row = 0; row < height; row++) {
    const start = (y + row) * image.width + x;
    out.data.set(image.data.subarray(start, start + width), row * width);
  }
  return out;
}

/** Whether every pixel of RGBA data has alpha 255. */
export function isOpaqueRgba(data: Uint8ClampedArray): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}
