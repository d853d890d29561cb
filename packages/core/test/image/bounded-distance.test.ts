import { describe, expect, it } from 'vitest';
import { distanceToSetWithin } from '../../src/image/bounded-distance.js';
import { distanceToSet } from '../../src/image/distance-transform.js';

/** A deterministic scatter of set pixels (a few blobs and specks), so the test is repeatable. */
function scatter(width: number, height: number, seed: number): Uint8Array {
  const set = new Uint8Array(width * height);
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let k = 0; k < 12; k++) {
    const cx = next() * width;
    const cy = next() * height;
    const r = 1 + next() * 8;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) set[y * width + x] = 1;
  }
  return set;
}

describe('distanceToSetWithin', () => {
  it('equals the full transform wherever that is within the radius, at the pixels asked about', () => {
    for (const [width, height, radius] of [[97, 61, 7.5], [40, 120, 12], [150, 150, 3]] as const) {
      const set = scatter(width, height, width * 7 + height);
      const wanted = Uint8Array.from({ length: width * height }, (_, i) => (i % 3 !== 0 ? 1 : 0));
      const full = distanceToSet(width, height, (i) => set[i] === 1).data;
      const near = distanceToSetWithin(width, height, set, radius, wanted);
      let checked = 0;
      for (let i = 0; i < full.length; i++) {
        if (!wanted[i]) expect(near[i]).toBe(Infinity);
        else if (full[i] <= radius) (expect(near[i]).toBe(full[i]), checked++);
        else expect(near[i]).toBe(Infinity);
      }
      expect(checked).toBeGreaterThan(500); // many pixels compared, not a vacuous pass
    }
  });

  it('says Infinity everywhere when the set is empty', () => {
    const near = distanceToSetWithin(20, 10, new Uint8Array(200), 5, new Uint8Array(200).fill(1));
    expect(near.every((v) => v === Infinity)).toBe(true);
  });
});
