import { describe, expect, it } from 'vitest';
import { fillEnclosedSpecks, fillPersonHoles } from '../../src/pipeline/cutout/fill-holes.js';
import { hashPlane, softBlobs } from '../support/pinned-masks.js';

// The holes are found from the plane's runs instead of by flooding the background first; which
// holes, their pixels' order and so every sum over them must stay as they were.
describe('fillPersonHoles and fillEnclosedSpecks', () => {
  const sizes: [number, number, number][] = [[97, 73, 1], [160, 120, 2], [64, 200, 3]];
  it('fill the same holes with the same values as the flood-everything search (hashes pinned at 63be02a)', () => {
    const want = [['b4b232c4', 'ab160d33'], ['505e9023', '964f8b25'], ['64850cfd', '158aa279']];
    for (const [k, [width, height, seed]] of sizes.entries()) {
      const data = softBlobs(width, height, seed);
      const holes = { width, height, data: new Float32Array(data) };
      fillPersonHoles(holes, (i) => ((i * 2654435761) >>> 0) / 2 ** 32 + 0.2);
      const specks = { width, height, data: new Float32Array(data) };
      const depth = { width, height, data: new Float32Array(width * height).map((_, i) => (i % width) - width * 0.1) };
      fillEnclosedSpecks(specks, depth, 40);
      expect([hashPlane(holes.data), hashPlane(specks.data)]).toEqual(want[k]);
    }
  });

  it('treat NaN pixels as before (hashes pinned at 63be02a)', () => {
    const want = ['898fa83e', '80e3bd7d', '1f3a3a4f'];
    for (const [k, [width, height, seed]] of sizes.entries()) {
      const alpha = { width, height, data: softBlobs(width, height, seed) };
      for (let i = 5; i < alpha.data.length; i += 211) alpha.data[i] = NaN;
      fillPersonHoles(alpha, () => 0.9);
      expect(hashPlane(alpha.data)).toBe(want[k]);
    }
  });
});
