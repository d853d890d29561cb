import { describe, expect, it } from 'vitest';
import { grownBoxOf } from '../../src/image/grown-box.js';

describe('grownBoxOf', () => {
  // A 6×4 plane with non-zero pixels at (2, 1) and (3, 2); a 7 at (5, 3).
  const plane = new Uint8Array(24);
  plane[1 * 6 + 2] = 1;
  plane[2 * 6 + 3] = 2;
  plane[3 * 6 + 5] = 7;

  it('bounds the non-zero pixels, grown by the margin and clamped to the plane', () => {
    expect(grownBoxOf(plane, 6, 4, 0)).toEqual({ x0: 2, y0: 1, w: 4, h: 3 });
    expect(grownBoxOf(plane, 6, 4, 1)).toEqual({ x0: 1, y0: 0, w: 5, h: 4 });
    expect(grownBoxOf(plane, 6, 4, 10)).toEqual({ x0: 0, y0: 0, w: 6, h: 4 });
  });

  it('bounds only the pixels equal to a value when one is given', () => {
    expect(grownBoxOf(plane, 6, 4, 0, 2)).toEqual({ x0: 3, y0: 2, w: 1, h: 1 });
    expect(grownBoxOf(Float32Array.from(plane), 6, 4, 1, 7)).toEqual({ x0: 4, y0: 2, w: 2, h: 2 });
  });

  it('is undefined when no pixel is set', () => {
    expect(grownBoxOf(new Uint8Array(24), 6, 4, 3)).toBeUndefined();
    expect(grownBoxOf(plane, 6, 4, 0, 5)).toBeUndefined();
  });
});
