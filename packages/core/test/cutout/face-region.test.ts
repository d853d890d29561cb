import { describe, expect, it } from 'vitest';
import type { Point } from '../../src/geometry/point.js';
import { bodyRegion, forcedFace, NECK_STRIP } from '../../src/pipeline/cutout/face-region.js';
import { hashPlane } from '../support/pinned-masks.js';

/** A frontal face on a 200² frame (as in fusion-rules.test.ts), turned by `angle` about (100, 100). */
function turnedLandmarks(angle: number): Point[] {
  const points: Point[] = [];
  for (let k = 0; k < 17; k++) points.push({ x: 100 - 30 * Math.cos(Math.PI * (k / 16)), y: 80 + 50 * Math.sin(Math.PI * (k / 16)) }); // jaw
  for (let k = 0; k < 10; k++) points.push({ x: 75 + k * 5.5, y: 70 }); // brows
  for (let k = 0; k < 9; k++) points.push({ x: 100, y: 85 + k * 3 }); // nose
  for (const cx of [80, 120]) for (let k = 0; k < 6; k++) points.push({ x: cx + 6 * Math.cos((k / 6) * 2 * Math.PI), y: 80 + 2 * Math.sin((k / 6) * 2 * Math.PI) }); // eyes
  for (let k = 0; k < 20; k++) points.push({ x: 90 + (k % 10) * 2, y: 115 + (k < 10 ? 0 : 3) }); // mouth
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return points.map((p) => ({ x: 100 + (p.x - 100) * c - (p.y - 100) * s, y: 100 + (p.x - 100) * s + (p.y - 100) * c }));
}

// bodyRegion skips each row's pixels above the band found by bisection, forcedFace's polygons
// scan only their own rows: the planes must stay exactly as they were.
describe('bodyRegion and forcedFace', () => {
  it('give the same planes upright, tilted either way and upside down (hashes pinned at 92a8026)', () => {
    const want: Record<number, string[]> = {
      0: ['e72be65e', '37156f05', 'be870495'],
      0.3: ['dd7a52b2', '34a547ee', '78c9d564'],
      [-0.45]: ['440a6694', '8161fcab', 'b5aca4bc'],
      2.6: ['cd840562', 'b37e1e85', '9772eec2'],
      [Math.PI]: ['012af2f0', '5605b785', '63ffb98b'],
    };
    for (const angle of [0, 0.3, -0.45, 2.6, Math.PI]) {
      const landmarks = turnedLandmarks(angle);
      const matte = { width: 190, height: 210, data: new Float32Array(190 * 210).map((_, i) => ((i * 7) % 13) / 12) };
      const planes = [bodyRegion(landmarks, 190, 210), bodyRegion(landmarks, 190, 210, NECK_STRIP), forcedFace(landmarks, matte)];
      expect(planes.map((p) => hashPlane(p.data))).toEqual(want[angle]);
    }
  });
});
