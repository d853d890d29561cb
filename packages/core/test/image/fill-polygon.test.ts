import { describe, expect, it } from 'vitest';
import { fillPolygon } from '../../src/image/fill-polygon.js';
import { hashPlane, lcg } from '../support/pinned-masks.js';

describe('fillPolygon', () => {
  // Only the polygon's own rows are scanned: the others, off the plane's top or bottom included,
  // must stay exactly as when every row was.
  it('gives the same coverage inside, across the top and bottom edges and with a NaN vertex (hashes pinned at 63be02a)', () => {
    const random = lcg(5);
    const cases: [number, number, boolean, string][] = [
      [40, 30, false, '31834352'],
      [40, -8, false, 'ad4f54d5'],
      [40, 68, false, 'dbfd5062'],
      [40, 30, true, 'ad72b9a8'],
    ];
    for (const [cx, cy, nan, want] of cases) {
      const polygon = Array.from({ length: 11 }, (_, k) => {
        const a = (k / 11) * 2 * Math.PI;
        const r = 12 + random() * 14;
        return { x: cx + r * Math.cos(a), y: k === 3 && nan ? NaN : cy + r * Math.sin(a) };
      });
      expect(hashPlane(fillPolygon(83, 61, polygon).data)).toBe(want);
    }
  });
});
