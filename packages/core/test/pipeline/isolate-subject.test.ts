import { describe, expect, it } from 'vitest';
import { createGrayImage } from '../../src/image/rgba-image.js';
import { isolateSubject } from '../../src/pipeline/isolate-subject.js';
import { hashPlane, softBlobs } from '../support/pinned-masks.js';

/** Two opaque discs with soft rims on a 100×60 mask: the subject at (30, 30), a neighbour at (80, 30). */
function twoPeople() {
  const mask = createGrayImage(100, 60);
  for (let y = 0; y < 60; y++) {
    for (let x = 0; x < 100; x++) {
      const d = Math.min(Math.hypot(x - 30, y - 30), Math.hypot(x - 80, y - 30));
      mask.data[y * 100 + x] = Math.min(1, Math.max(0, (14 - d) / 4)); // 1 inside r = 10, soft to r = 14
    }
  }
  return mask;
}

describe('isolateSubject', () => {
  it('keeps the region connected to the face with its soft edge and clears the neighbour', () => {
    const mask = twoPeople();
    const out = isolateSubject(mask, [{ x: 30, y: 30 }]);
    expect(out.data[30 * 100 + 30]).toBe(1);
    expect(out.data[30 * 100 + 42]).toBeCloseTo(mask.data[30 * 100 + 42]); // rim of the subject, 0 < v < 0.5
    expect(mask.data[30 * 100 + 42]).toBeGreaterThan(0);
    expect(out.data[30 * 100 + 80]).toBe(0); // neighbour's centre
    expect(out.data[30 * 100 + 68]).toBe(0); // neighbour's rim
    expect(mask.data[30 * 100 + 80]).toBe(1); // input untouched
  });

  it('keeps both when they touch (one person whose hand is in front of the face)', () => {
    const mask = twoPeople();
    for (let x = 30; x <= 80; x++) for (let y = 28; y <= 32; y++) mask.data[y * 100 + x] = 1;
    const out = isolateSubject(mask, [{ x: 30, y: 30 }]);
    expect(out.data[30 * 100 + 80]).toBe(1);
  });

  it('leaves the mask alone when no seed lies on the subject', () => {
    const mask = twoPeople();
    const out = isolateSubject(mask, [{ x: 5, y: 5 }, { x: -10, y: 500 }]);
    expect(Array.from(out.data)).toEqual(Array.from(mask.data));
  });
});

describe('isolateSubject (scanline flood of the core)', () => {
  it('gives the same mask as the queue-based flood it replaced (hashes pinned at 63be02a)', () => {
    const want = ['5deacaab', '6425112b', '96f4d31f'];
    const sizes: [number, number, number][] = [[97, 73, 1], [160, 120, 2], [64, 200, 3]];
    for (const [k, [width, height, seed]] of sizes.entries()) {
      const data = softBlobs(width, height, seed);
      const seeds = [{ x: width * 0.5, y: height * 0.6 }, { x: 3, y: 3 }, { x: width * 0.2, y: height * 0.8 }, { x: -5, y: 2 }];
      expect(hashPlane(isolateSubject({ width, height, data }, seeds).data)).toBe(want[k]);
    }
  });
});
