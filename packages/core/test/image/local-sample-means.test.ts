import { describe, expect, it } from 'vitest';
import type { PlaneBox } from '../../src/image/grown-box.js';
import { BACKGROUND_SAMPLE, LocalSampleMeans, SUBJECT_SAMPLE } from '../../src/image/local-sample-means.js';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { lcg } from '../support/pinned-masks.js';

/** Each side's mean colour and spread in the square around (x, y), clipped to the box, added up pixel by pixel; null when a side has too few samples. */
function bruteForce(photo: RgbaImage, kind: Uint8Array, box: PlaneBox, x: number, y: number, radius: number, minSamples: number): { F: number[]; B: number[] } | null {
  const sides = [SUBJECT_SAMPLE, BACKGROUND_SAMPLE].map((side) => {
    let n = 0;
    const sum = [0, 0, 0];
    let squares = 0;
    for (let yy = Math.max(box.y0, y - radius); yy <= Math.min(box.y0 + box.h - 1, y + radius); yy++) {
      for (let xx = Math.max(box.x0, x - radius); xx <= Math.min(box.x0 + box.w - 1, x + radius); xx++) {
        const j = yy * photo.width + xx;
        if (kind[j] !== side) continue;
        n++;
        for (let c = 0; c < 3; c++) sum[c] += photo.data[j * 4 + c];
        squares += photo.data[j * 4] ** 2 + photo.data[j * 4 + 1] ** 2 + photo.data[j * 4 + 2] ** 2;
      }
    }
    const mean = sum.map((v) => v / n);
    return { n, values: [...mean, Math.sqrt(Math.max(0, squares / n - (mean[0] ** 2 + mean[1] ** 2 + mean[2] ** 2)))] };
  });
  if (sides[0].n < minSamples || sides[1].n < minSamples) return null;
  return { F: sides[0].values, B: sides[1].values };
}

function randomScene(width: number, height: number, seed: number): { photo: RgbaImage; kind: Uint8Array } {
  const random = lcg(seed);
  const photo = createRgbaImage(width, height);
  for (let i = 0; i < photo.data.length; i++) photo.data[i] = Math.floor(random() * 256);
  // Blobs of each side and gaps of neither, as around a matte's edge.
  const kind = new Uint8Array(width * height).map((_, i) => {
    const x = i % width;
    const y = Math.floor(i / width);
    const left = x + 0.3 * y < 0.55 * width;
    return random() < 0.15 ? 0 : left ? SUBJECT_SAMPLE : BACKGROUND_SAMPLE;
  });
  return { photo, kind };
}

describe('LocalSampleMeans', () => {
  it('gives the means and spreads of adding each square up, going down boxes of several shapes with the ring wrapping many times', () => {
    const F = new Float64Array(4);
    const B = new Float64Array(4);
    for (const [width, height, box, reach] of [
      [40, 60, { x0: 0, y0: 0, w: 40, h: 60 }, 3],
      [53, 47, { x0: 5, y0: 7, w: 41, h: 33 }, 6],
      [30, 90, { x0: 2, y0: 0, w: 20, h: 90 }, 12],
      [25, 25, { x0: 0, y0: 0, w: 25, h: 25 }, 40],
    ] as const) {
      const { photo, kind } = randomScene(width, height, width * height);
      const means = new LocalSampleMeans(photo, kind, box, reach, 3);
      let compared = 0;
      let unknown = 0;
      for (let y = box.y0; y < box.y0 + box.h; y++) {
        for (let x = box.x0; x < box.x0 + box.w; x += 3) {
          // Both radii a pixel may ask for, the smaller first, as fitEdgeToPhotoMix does.
          for (const radius of [Math.max(1, reach >> 1), reach]) {
            const expected = bruteForce(photo, kind, box, x, y, radius, 3);
            const found = means.meanColours(x, y, radius, F, B);
            expect(found).toBe(expected !== null);
            if (!expected) {
              unknown++;
              continue;
            }
            for (let c = 0; c < 4; c++) {
              // The means are exact (integer sums, one division); the spread is the same sums' arithmetic.
              expect(F[c]).toBeCloseTo(expected.F[c], 9);
              expect(B[c]).toBeCloseTo(expected.B[c], 9);
            }
            for (let c = 0; c < 3; c++) {
              expect(F[c]).toBe(expected.F[c]);
              expect(B[c]).toBe(expected.B[c]);
            }
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(100);
      // The squares at the boxes' ends hold too few of one side somewhere: the 'unknown' answer is tested too.
      if (reach <= 6) expect(unknown).toBeGreaterThan(0);
    }
  });

  it('refuses a square above the rows it still keeps, and a radius past its reach', () => {
    const { photo, kind } = randomScene(30, 40, 1);
    const box = { x0: 0, y0: 0, w: 30, h: 40 };
    const F = new Float64Array(4);
    const B = new Float64Array(4);
    const means = new LocalSampleMeans(photo, kind, box, 2, 3);
    means.meanColours(10, 30, 2, F, B);
    expect(() => means.meanColours(10, 5, 2, F, B)).toThrow(/above the rows still kept/);
    expect(() => new LocalSampleMeans(photo, kind, box, 2, 3).meanColours(10, 10, 3, F, B)).toThrow(/reach/);
  });
});
