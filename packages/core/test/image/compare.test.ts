import { describe, expect, it } from 'vitest';
import { maxChannelDifference, psnr } from '../../src/image/compare.js';
import { cloneRgbaImage, createRgbaImage } from '../../src/image/rgba-image.js';

describe('psnr', () => {
  const a = createRgbaImage(2, 2, new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 100, 110, 120, 255]));

  it('is Infinity for identical images', () => {
    expect(psnr(a, cloneRgbaImage(a))).toBe(Infinity);
    expect(psnr(a, a, { channels: 'rgba' })).toBe(Infinity);
  });

  it('follows 10·log10(255² / MSE) over the chosen channels', () => {
    const b = cloneRgbaImage(a);
    b.data[0] += 12; // one RGB value off by 12
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10((255 * 255) / (144 / 12)), 10);
    expect(psnr(a, b, { channels: 'rgba' })).toBeCloseTo(10 * Math.log10((255 * 255) / (144 / 16)), 10);
  });

  it('ignores alpha for rgb and counts it for rgba', () => {
    const b = cloneRgbaImage(a);
    b.data[3] = 0;
    expect(psnr(a, b)).toBe(Infinity);
    expect(psnr(a, b, { channels: 'rgba' })).toBeLessThan(20);
  });

  it('validates its arguments', () => {
    expect(() => psnr(a, createRgbaImage(2, 1))).toThrow(new RangeError('Expected b to be 2×2 like a but received 2×1'));
    expect(() => psnr(a, a, { channels: 'rg' as never })).toThrow(RangeError);
    expect(() => psnr(a, {} as never)).toThrow(TypeError);
  });
});

describe('maxChannelDifference', () => {
  it('is the largest single-value difference, over all four channels by default', () => {
    const a = createRgbaImage(2, 1, new Uint8ClampedArray([0, 0, 0, 255, 100, 100, 100, 255]));
    const b = createRgbaImage(2, 1, new Uint8ClampedArray([3, 0, 0, 200, 100, 93, 100, 255]));
    expect(maxChannelDifference(a, a)).toBe(0);
    expect(maxChannelDifference(a, b)).toBe(55);
    expect(maxChannelDifference(a, b, { channels: 'rgb' })).toBe(7);
    expect(maxChannelDifference(b, a)).toBe(55);
  });
});
