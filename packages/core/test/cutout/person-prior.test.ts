import { describe, expect, it } from 'vitest';
import { lookRegion } from '../../src/pipeline/cutout/person-prior.js';

/** A point of the photo in a region's own frame (u along its top edge, v down it), as shares of its half-sizes. */
function inRegion(region: ReturnType<typeof lookRegion>, x: number, y: number) {
  const dx = x - region.centerX;
  const dy = y - region.centerY;
  const cos = Math.cos(region.angle);
  const sin = Math.sin(region.angle);
  return { u: (cos * dx + sin * dy) / (region.width / 2), v: (-sin * dx + cos * dy) / (region.height / 2) };
}

describe('the region the person model looks at', () => {
  it('is the window 1.5 times over, centred on it, where the photo fills it', () => {
    const window = { centerX: 1000, centerY: 800, width: 600, height: 600, angle: 0.1 };
    const region = lookRegion(window, 2000, 1600);
    expect(region).toEqual({ ...window, width: 900, height: 900 });
  });

  it('keeps the whole region where the photo covers at least a quarter of it', () => {
    // A tight portrait: the window runs past the photo's bottom and sides; the photo still covers a third of the region.
    const window = { centerX: 300, centerY: 400, width: 600, height: 600, angle: 0 };
    const region = lookRegion(window, 560, 560);
    expect(region.width).toBe(900);
    expect(region.height).toBe(900);
  });

  it('narrows to the photo, with a little to spare, where the window is far larger than the photo (a face that fills a close-up)', () => {
    const window = { centerX: 500, centerY: 50, width: 1600, height: 1600, angle: 0 };
    const region = lookRegion(window, 800, 533);
    // 3 % of the photo's long side to spare on each side, not the 2400-pixel region.
    expect(region.width).toBeCloseTo(800 + 2 * 24, 6);
    expect(region.height).toBeCloseTo(533 + 2 * 24, 6);
    expect(region.centerX).toBeCloseTo(400, 6);
    expect(region.centerY).toBeCloseTo(266.5, 6);
    expect(region.angle).toBe(0);
  });

  it('follows a tilted window: the narrowed region keeps its angle and holds every corner of the photo', () => {
    const window = { centerX: 510, centerY: 53, width: 1627, height: 1627, angle: (21.45 * Math.PI) / 180 };
    const region = lookRegion(window, 800, 533);
    expect(region.angle).toBe(window.angle);
    expect(region.width * region.height).toBeLessThan(0.5 * (1.5 * 1627) ** 2);
    for (const [x, y] of [[0, 0], [800, 0], [0, 533], [800, 533]]) {
      const p = inRegion(region, x, y);
      expect(Math.abs(p.u)).toBeLessThan(1);
      expect(Math.abs(p.v)).toBeLessThan(1);
    }
  });
});
