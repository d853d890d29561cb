/**
 * Argument checks shared by the image operations. Every public function validates its inputs up
 * front so that a bad call fails loudly with a precise message instead of silently producing a
 * garbage raster (typed arrays never throw on out-of-range writes).
 *
 * Convention: `TypeError` when the value has the wrong type or shape, `RangeError` when it has
 * the right type but an unusable value.
 */
import type { GrayImage, RgbaImage } from './rgba-image.js';

/** Short, message-friendly description of any value. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name && name !== 'Object' ? `${name} instance` : 'object';
  }
  return typeof value;
}

export function assertNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') {
    throw new TypeError(`Expected number for ${name} but received ${describeValue(value)}`);
  }
}

export function assertFiniteNumber(value: unknown, name: string): asserts value is number {
  assertNumber(value, name);
  if (!Number.isFinite(value)) {
    throw new RangeError(`Expected finite number for ${name} but received ${describeValue(value)}`);
  }
}

export function assertPositiveInteger(value: unknown, name: string): asserts value is number {
  assertNumber(value, name);
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`Expected positive integer for ${name} but received ${describeValue(value)}`);
  }
}

export function assertInteger(value: unknown, name: string): asserts value is number {
  assertNumber(value, name);
  if (!Number.isInteger(value)) {
    throw new RangeError(`Expected integer for ${name} but received ${describeValue(value)}`);
  }
}

/** Finite number in [min, max] (either bound may be exclusive). */
export function assertNumberInRange(
  value: unknown,
  name: string,
  min: number,
  max: number,
  { minExclusive = false, maxExclusive = false }: { minExclusive?: boolean; maxExclusive?: boolean } = {},
): asserts value is number {
  assertFiniteNumber(value, name);
  const belowMin = minExclusive ? value <= min : value < min;
  const aboveMax = maxExclusive ? value >= max : value > max;
  if (belowMin || aboveMax) {
    const lo = minExclusive ? `(${min}` : `[${min}`;
    const hi = maxExclusive ? `${max})` : `${max}]`;
    throw new RangeError(`Expected number in ${lo}, ${hi} for ${name} but received ${describeValue(value)}`);
  }
}

export function assertPositiveNumber(value: unknown, name: string): asserts value is number {
  assertNumberInRange(value, name, 0, Infinity, { minExclusive: true, maxExclusive: true });
}

export function assertNonNegativeNumber(value: unknown, name: string): asserts value is number {
  assertNumberInRange(value, name, 0, Infinity, { maxExclusive: true });
}

export function assertObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected object for ${name} but received ${describeValue(value)}`);
  }
}

/** `undefined` is allowed (options are optional); anything else must be an object. */
export function assertOptionalObject(value: unknown, name: string): asserts value is Record<string, unknown> | undefined {
  if (value !== undefined) assertObject(value, name);
}

export function assertOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): asserts value is T {
  if (typeof value !== 'string') {
    throw new TypeError(`Expected one of ${allowed.map((a) => `'${a}'`).join(', ')} for ${name} but received ${describeValue(value)}`);
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`Expected one of ${allowed.map((a) => `'${a}'`).join(', ')} for ${name} but received '${value}'`);
  }
}

function assertRasterShape(value: unknown, name: string, kind: string): asserts value is { width: number; height: number } {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected ${kind} for ${name} but received ${describeValue(value)}`);
  }
  const { width, height } = value as { width?: unknown; height?: unknown };
  assertPositiveInteger(width, `${name}.width`);
  assertPositiveInteger(height, `${name}.height`);
}

export function assertRgbaImage(value: unknown, name: string): asserts value is RgbaImage {
  assertRasterShape(value, name, 'RgbaImage');
  const { width, height, data } = value as { width: number; height: number; data?: unknown };
  if (!(data instanceof Uint8ClampedArray)) {
    throw new TypeError(`Expected Uint8ClampedArray for ${name}.data but received ${describeValue(data)}`);
  }
  const expected = width * height * 4;
  if (data.length !== expected) {
    throw new RangeError(`Expected ${expected} bytes in ${name}.data for ${width}×${height} RGBA but received ${data.length}`);
  }
}

export function assertGrayImage(value: unknown, name: string): asserts value is GrayImage {
  assertRasterShape(value, name, 'GrayImage');
  const { width, height, data } = value as { width: number; height: number; data?: unknown };
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`Expected Float32Array for ${name}.data but received ${describeValue(data)}`);
  }
  const expected = width * height;
  if (data.length !== expected) {
    throw new RangeError(`Expected ${expected} values in ${name}.data for ${width}×${height} but received ${data.length}`);
  }
}

export function assertSameSize(
  a: { width: number; height: number },
  aName: string,
  b: { width: number; height: number },
  bName: string,
): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`Expected ${bName} to be ${a.width}×${a.height} like ${aName} but received ${b.width}×${b.height}`);
  }
}

/** Optional weight mask: a GrayImage of the same size as the image it weights. */
export function assertOptionalMask(mask: unknown, name: string, image: { width: number; height: number }, imageName: string): asserts mask is GrayImage | undefined {
  if (mask === undefined) return;
  assertGrayImage(mask, name);
  assertSameSize(image, imageName, mask, name);
}
