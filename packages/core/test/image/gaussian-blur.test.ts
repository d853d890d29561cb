import { describe, expect, it } from 'vitest';
import { gaussianBlurGray, gaussianBlurRgba, gaussianBlurRgbaFloat, gaussianKernel } from '../../src/image/gaussian-blur.js';
import { createGrayImage, createRgbaImage } from '../../src/image/rgba-image.js';

describe('gaussianKernel', () => {
  it.each([0.5, 1, 1.7, 3, 10])('σ = %f: radius ceil(3σ), symmetric, sums to 1', (sigma) => {
    const k = gaussianKernel(sigma);
    const radius = Math.ceil(3 * sigma);
    expect(k.length).toBe(2 * radius + 1);
    let sum = 0;
    for (let i = 0; i < k.length; i++) {
      sum += k[i];
      expect(k[i]).toBeCloseTo(k[k.length - 1 - i], 7);
      if (i > 0 && i <= radius) expect(k[i]).toBeGreaterThan(k[i - 1]);
    }
    expect(sum).toBeCloseTo(1, 6);
    expect(k[radius + 1] / k[radius]).toBeCloseTo(Math.exp(-1 / (2 * sigma * sigma)), 5);
  });

  it('is the identity for σ = 0 and rejects negative σ', () => {
    expect(Array.from(gaussianKernel(0))).toEqual([1]);
    expect(() => gaussianKernel(-1)).toThrow(RangeError);
    expect(() => gaussianKernel(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

/** The separable blur computed directly: rows, then columns, edges clamped, in float64. */
function referenceBlur(data: Float32Array, width: number, height: number, sigma: number): Float64Array {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) >> 1;
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  const rows = new Float64Array(data.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    let s = 0;
    for (let j = 0; j < k.length; j++) s += k[j] * data[y * width + clamp(x + j - r, width - 1)];
    rows[y * width + x] = s;
  }
  const out = new Float64Array(data.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    let s = 0;
    for (let j = 0; j < k.length; j++) s += k[j] * rows[clamp(y + j - r, height - 1) * width + x];
    out[y * width + x] = s;
  }
  return out;
}

describe('gaussianBlurGray', () => {
  it.each([
    [37, 23, 1],
    [37, 23, 0.8],
    [40, 1, 1],
    [1, 40, 1.5],
    [5, 3, 2],
  ])('%i × %i at σ = %f: the separable blur with clamped edges', (width, height, sigma) => {
    const img = createGrayImage(width, height);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 7919) % 101;
    const out = gaussianBlurGray(img, sigma);
    const want = referenceBlur(img.data, width, height, sigma);
    for (let i = 0; i < want.length; i++) expect(out.data[i]).toBeCloseTo(want[i], 3);
  });

  it('blurs an impulse into a normalised, symmetric Gaussian of variance ≈ σ²', () => {
    const n = 61;
    const c = 30;
    const sigma = 2.5;
    const img = createGrayImage(n, n);
    img.data[c * n + c] = 1;
    const out = gaussianBlurGray(img, sigma);
    let sum = 0;
    let varX = 0;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const v = out.data[y * n + x];
        sum += v;
        varX += v * (x - c) ** 2;
        expect(v).toBeCloseTo(out.data[x * n + y], 7); // symmetric under transposition
      }
    }
    expect(sum).toBeCloseTo(1, 5);
    // Truncating at 3σ trims the variance by ~3 %.
    expect(varX / sum).toBeGreaterThan(sigma * sigma * 0.95);
    expect(varX / sum).toBeLessThan(sigma * sigma * 1.01);
    const k = gaussianKernel(sigma);
    expect(out.data[c * n + c]).toBeCloseTo(k[Math.ceil(3 * sigma)] ** 2, 6);
  });

  it('clamps at the edges: a constant plane stays constant, a ramp keeps its ends', () => {
    const flat = createGrayImage(9, 7, new Float32Array(63).fill(0.4));
    for (const v of gaussianBlurGray(flat, 3).data) expect(v).toBeCloseTo(0.4, 6);
    const ramp = createGrayImage(40, 3);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 40; x++) ramp.data[y * 40 + x] = x;
    const out = gaussianBlurGray(ramp, 2);
    // Interior of a linear ramp is unchanged by a symmetric kernel.
    expect(out.data[20]).toBeCloseTo(20, 4);
    // At the left edge the clamped (repeated) zeros pull the value up less than a mirror would.
    expect(out.data[0]).toBeGreaterThan(0);
    expect(out.data[0]).toBeLessThan(1);
  });

  it('does not modify its input', () => {
    const img = createGrayImage(5, 5);
    img.data[12] = 1;
    gaussianBlurGray(img, 1);
    expect(img.data[12]).toBe(1);
    expect(img.data[11]).toBe(0);
  });
});

describe('gaussianBlurRgba', () => {
  it('keeps a flat image exactly flat', () => {
    const img = createRgbaImage(20, 10);
    for (let i = 0; i < img.data.length; i += 4) img.data.set([17, 130, 251, 200], i);
    const out = gaussianBlurRgba(img, 2);
    for (let i = 0; i < out.data.length; i += 4) expect(Array.from(out.data.subarray(i, i + 4))).toEqual([17, 130, 251, 200]);
  });

  it('blurs in premultiplied alpha: transparent colour does not bleed, alpha does blur', () => {
    const img = createRgbaImage(30, 4);
    for (let i = 0; i < img.data.length; i += 4) {
      const x = (i / 4) % 30;
      img.data.set(x < 15 ? [255, 0, 0, 255] : [0, 255, 0, 0], i);
    }
    const out = gaussianBlurRgba(img, 2);
    expect(out.data[16 * 4 + 3]).toBeGreaterThan(0);
    expect(out.data[16 * 4 + 3]).toBeLessThan(128);
    expect(out.data[14 * 4 + 3]).toBeGreaterThan(128);
    for (let i = 0; i < out.data.length; i += 4) {
      if (out.data[i + 3] > 0) {
        expect(out.data[i]).toBe(255);
        expect(out.data[i + 1]).toBe(0);
      }
    }
  });

  it('float variant returns straight (un-premultiplied) values at full precision', () => {
    const img = createRgbaImage(3, 1);
    img.data.set([0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
    const f = gaussianBlurRgbaFloat(img, 1);
    const k = gaussianKernel(1);
    expect(f[4]).toBeCloseTo(255 * k[3], 3);
    expect(f[7]).toBeCloseTo(255, 3);
  });

  it('validates its arguments', () => {
    expect(() => gaussianBlurRgba(createRgbaImage(2, 2), -0.5)).toThrow(new RangeError('Expected number in [0, Infinity) for sigma but received -0.5'));
    expect(() => gaussianBlurGray(createRgbaImage(2, 2) as never, 1)).toThrow(TypeError);
    expect(() => gaussianBlurRgba(createRgbaImage(2, 2), '1' as never)).toThrow(TypeError);
  });
});
