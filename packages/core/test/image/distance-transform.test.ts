import { describe, expect, it } from 'vitest';
import { distanceToSet, signedDistance } from '../../src/image/distance-transform.js';
import { createGrayImage } from '../../src/image/rgba-image.js';

/** The distance by looking at every set pixel: what the transform must give exactly. */
function bruteForce(width: number, height: number, set: Uint8Array): Float64Array {
  const out = new Float64Array(width * height).fill(Infinity);
  const points: [number, number][] = [];
  for (let i = 0; i < set.length; i++) if (set[i]) points.push([i % width, Math.floor(i / width)]);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let best = Infinity;
      for (const [px, py] of points) best = Math.min(best, (px - x) ** 2 + (py - y) ** 2);
      out[y * width + x] = Math.sqrt(best);
    }
  return out;
}

/** A deterministic pseudo-random generator (the same masks on every run). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('distanceToSet', () => {
  it('is the exact Euclidean distance on sparse, dense, blobby and empty sets and on thin planes', () => {
    const random = lcg(7);
    const cases: [number, number, (x: number, y: number) => boolean][] = [
      [37, 23, () => random() < 0.02],
      [40, 31, () => random() < 0.5],
      [29, 41, (x, y) => Math.hypot(x - 10, y - 30) < 6 || (x > 20 && y < 5)],
      [1, 17, (_, y) => y === 3],
      [19, 1, (x) => x === 18],
      [12, 9, () => false],
    ];
    for (const [width, height, inSet] of cases) {
      const set = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) set[y * width + x] = inSet(x, y) ? 1 : 0;
      const got = distanceToSet(width, height, (i) => set[i] === 1);
      const want = bruteForce(width, height, set);
      for (let i = 0; i < want.length; i++) expect(got.data[i]).toBe(Math.fround(want[i]));
    }
  });
});

describe('signedDistance', () => {
  it('is positive inside (to the nearest outside pixel) and negative outside', () => {
    const mask = createGrayImage(9, 9);
    for (let y = 2; y < 7; y++) for (let x = 2; x < 7; x++) mask.data[y * 9 + x] = 1;
    const d = signedDistance(mask);
    expect(d.data[4 * 9 + 4]).toBe(3); // the middle of a 5×5 square: 3 steps to the outside
    expect(d.data[4 * 9 + 0]).toBe(-2); // two left of the square
    expect(d.data[0]).toBeCloseTo(-Math.SQRT2 * 2, 5);
  });
});

describe('signedDistance (one column pass for both sides)', () => {
  it('is exactly the Euclidean distance to the other side on soft, noisy and NaN masks, and ±Infinity when a side is empty', () => {
    const random = lcg(11);
    const cases: [number, number, (x: number, y: number) => number][] = [
      [47, 33, (x, y) => (Math.hypot(x - 20, y - 15) < 11 ? 0.9 : 0.1) + (random() - 0.5) * 0.5],
      [31, 44, (x, y) => (random() < 0.05 ? NaN : (x + y) / 75)],
      [25, 20, () => random()],
      [13, 7, () => 0.2],
      [9, 12, () => 0.8],
      [1, 15, (_, y) => (y % 5 === 2 ? 1 : 0)],
    ];
    for (const [width, height, value] of cases)
      for (const threshold of [0.5, 0.3]) {
        const mask = createGrayImage(width, height);
        for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) mask.data[y * width + x] = value(x, y);
        const inside = new Uint8Array(width * height);
        for (let i = 0; i < inside.length; i++) inside[i] = mask.data[i] > threshold ? 1 : 0;
        const outside = inside.map((v) => 1 - v);
        const toInside = bruteForce(width, height, inside);
        const toOutside = bruteForce(width, height, outside);
        const got = signedDistance(mask, threshold);
        for (let i = 0; i < inside.length; i++) expect(got.data[i]).toBe(inside[i] ? Math.fround(toOutside[i]) : -Math.fround(toInside[i]));
      }
  });
});
