import { describe, expect, it } from 'vitest';
import { dilateBox } from '../../src/image/dilate.js';
import { lcg } from '../support/pinned-masks.js';

/** 1 where any pixel of the (2r+1)² box around is set: what the running counts must give. */
function bruteForce(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r) && !out[y * width + x]; yy++)
        for (let xx = Math.max(0, x - r); xx <= Math.min(width - 1, x + r); xx++) if (mask[yy * width + xx]) out[y * width + x] = 1;
  return out;
}

describe('dilateBox', () => {
  it('is the box dilation for radii from 0 to past the plane, on sparse and dense masks and thin planes', () => {
    const random = lcg(3);
    for (const [width, height, density] of [[37, 29, 0.02], [40, 31, 0.3], [1, 23, 0.1], [19, 1, 0.1], [64, 48, 0.005]]) {
      const mask = new Uint8Array(width * height).map(() => (random() < density ? 1 : 0));
      for (const r of [0, 1, 2, 5, 18, 40, 70]) expect(dilateBox(mask, width, height, r)).toEqual(bruteForce(mask, width, height, r));
    }
  });
});
