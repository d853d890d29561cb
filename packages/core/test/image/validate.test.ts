import { describe, expect, it } from 'vitest';
import {
  assertNumberInRange,
  assertOneOf,
  assertPositiveInteger,
  assertRgbaImage,
  describeValue,
} from '../../src/image/validate.js';

describe('argument validation', () => {
  it('uses TypeError for wrong types and RangeError for bad values, with precise messages', () => {
    expect(() => assertPositiveInteger(1.5, 'width')).toThrow(new RangeError('Expected positive integer for width but received 1.5'));
    expect(() => assertPositiveInteger(-2, 'width')).toThrow(RangeError);
    expect(() => assertPositiveInteger('3', 'width')).toThrow(new TypeError('Expected number for width but received string "3"'));
    expect(() => assertNumberInRange(2, 'gain', 0, 1)).toThrow(new RangeError('Expected number in [0, 1] for gain but received 2'));
    expect(() => assertNumberInRange(0, 'gain', 0, 1, { minExclusive: true })).toThrow(new RangeError('Expected number in (0, 1] for gain but received 0'));
    expect(() => assertOneOf('x', 'mode', ['a', 'b'])).toThrow(new RangeError("Expected one of 'a', 'b' for mode but received 'x'"));
    expect(() => assertOneOf(1, 'mode', ['a'])).toThrow(TypeError);
  });

  it('checks RgbaImage shape and buffer length', () => {
    expect(() => assertRgbaImage({ width: 2, height: 2, data: new Uint8ClampedArray(16) }, 'img')).not.toThrow();
    expect(() => assertRgbaImage({ width: 2, height: 2, data: new Uint8ClampedArray(15) }, 'img')).toThrow(RangeError);
    expect(() => assertRgbaImage({ width: 2, height: 2, data: new Uint8Array(16) }, 'img')).toThrow(
      new TypeError('Expected Uint8ClampedArray for img.data but received Uint8Array instance'),
    );
    expect(() => assertRgbaImage(undefined, 'img')).toThrow(new TypeError('Expected RgbaImage for img but received undefined'));
  });

  it('describes values briefly', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(null)).toBe('null');
    expect(describeValue({})).toBe('object');
    expect(describeValue(new Float32Array(1))).toBe('Float32Array instance');
  });
});
