import { describe, expect, it } from 'vitest';
import { boxRadiusFor, stackedBoxBlurGray } from '../../src/image/box-blur.js';
import { gaussianBlurGray } from '../../src/image/gaussian-blur.js';
import { createGrayImage } from '../../src/image/rgba-image.js';

describe('stackedBoxBlurGray', () => {
  it('spreads an impulse like the Gaussian of the same σ, keeping its mass', () => {
    for (const sigma of [2, 6, 12]) {
      const size = 161;
      const impulse = createGrayImage(size, size);
      impulse.data[80 * size + 80] = 1;
      const box = stackedBoxBlurGray(impulse, sigma);
      let mass = 0;
      let variance = 0;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const v = box.data[y * size + x];
          mass += v;
          variance += v * (x - 80) ** 2;
        }
      }
      // The Gaussian of the σ the boxes actually have: its shape is what they approximate.
      const gauss = gaussianBlurGray(impulse, Math.sqrt(variance));
      const peakGauss = gauss.data[80 * size + 80];
      expect(mass).toBeCloseTo(1, 5);
      // The box radius is whole, so σ comes within about half a pixel.
      expect(Math.abs(Math.sqrt(variance) - sigma)).toBeLessThanOrEqual(0.5);
      // Symmetric, and its peak within 15 % of that Gaussian's.
      expect(box.data[80 * size + 80 - 5]).toBeCloseTo(box.data[80 * size + 80 + 5], 6);
      expect(box.data[(80 - 5) * size + 80]).toBeCloseTo(box.data[80 * size + 80 + 5], 6);
      expect(Math.abs(box.data[80 * size + 80] / peakGauss - 1)).toBeLessThan(0.15);
    }
  });

  it('counts values past the edge as 0, so weighted means stay means up to the edge', () => {
    const ones = createGrayImage(50, 30, new Float32Array(50 * 30).fill(1));
    const values = createGrayImage(50, 30, new Float32Array(50 * 30).fill(0.7));
    const w = stackedBoxBlurGray(ones, 4);
    const v = stackedBoxBlurGray(values, 4);
    expect(w.data[0]).toBeLessThan(0.5); // the corner sees mostly the outside
    for (let i = 0; i < w.data.length; i++) expect(v.data[i] / w.data[i]).toBeCloseTo(0.7, 5);
  });

  it('filters the columns exactly as it filters the rows: the same numbers as filtering the transposed plane', () => {
    // The three box passes of one line, as the row pass makes them (sums in doubles, stored as float32).
    const boxLine = (line: Float32Array, radius: number) => {
      const scale = 1 / (2 * radius + 1);
      for (let pass = 0; pass < 3; pass++) {
        const source = Float32Array.from(line);
        let sum = 0;
        for (let x = 0; x < Math.min(radius, line.length); x++) sum += source[x];
        for (let x = 0; x < line.length; x++) {
          if (x + radius < line.length) sum += source[x + radius];
          if (x - radius - 1 >= 0) sum -= source[x - radius - 1];
          line[x] = sum * scale;
        }
      }
    };
    for (const [width, height, sigma] of [[37, 23, 2.5], [5, 60, 4], [64, 1, 3]]) {
      const plane = createGrayImage(width, height, Float32Array.from({ length: width * height }, (_, i) => Math.sin(i * 12.9898) * 4));
      const radius = boxRadiusFor(sigma);
      const expected = Float32Array.from(plane.data);
      for (let y = 0; y < height; y++) {
        const row = expected.subarray(y * width, (y + 1) * width);
        boxLine(row, radius);
      }
      for (let x = 0; x < width; x++) {
        const column = Float32Array.from({ length: height }, (_, y) => expected[y * width + x]);
        boxLine(column, radius);
        for (let y = 0; y < height; y++) expected[y * width + x] = column[y];
      }
      expect(Array.from(stackedBoxBlurGray(plane, sigma).data)).toEqual(Array.from(expected));
    }
  });

  it('leaves the plane as it is at σ 0', () => {
    const plane = createGrayImage(7, 5, Float32Array.from({ length: 35 }, (_, i) => i));
    expect(boxRadiusFor(0)).toBe(0);
    expect(Array.from(stackedBoxBlurGray(plane, 0).data)).toEqual(Array.from(plane.data));
  });
});
