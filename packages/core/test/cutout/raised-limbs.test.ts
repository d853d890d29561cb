import { describe, expect, it } from 'vitest';
import { createGrayImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { liftRaisedLimbs, RAISED_LIMBS } from '../../src/pipeline/cutout/raised-limbs.js';

/**
 * A 200 × 120 crop with an eye-to-chin length of 40 px: a face on the right (x 130-179, two skin
 * tones), a sure backdrop on the left (x < 30, outside the person, ISNet 0), grey elsewhere
 * outside the person, and an arm between (x 40-119, y 50-79) that ISNet holds at 0.35.
 */
const W = 200;
const H = 120;
const SCALE = 40;
const SKIN = [200, 150, 120];
const SHADED_SKIN = [185, 140, 112];
const BACKDROP = [60, 140, 160];
const GREY = [128, 128, 128];
const ARM = { x0: 40, x1: 120, y0: 50, y1: 80 };

interface Scene {
  crop: RgbaImage;
  fused: GrayImage;
  face: GrayImage;
  depth: GrayImage;
  body: GrayImage;
  salient: GrayImage;
}

const inArm = (x: number, y: number, box = ARM) => x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1;

function scene(armColour: readonly number[] = SHADED_SKIN, armDepth: (x: number, y: number) => number = () => 20, arm = ARM): Scene {
  const data = new Uint8ClampedArray(W * H * 4);
  const [fused, face, depth, body, salient] = [0, 0, 0, 0, 0].map(() => createGrayImage(W, H));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      let colour: readonly number[] = GREY;
      depth.data[i] = -5;
      salient.data[i] = 0.1;
      if (x >= 130 && x < 180 && y >= 20 && y < 80) {
        colour = (x + y) % 2 ? SKIN : SHADED_SKIN;
        face.data[i] = 1;
        fused.data[i] = 1;
        depth.data[i] = 40;
        salient.data[i] = 1;
      } else if (x < 30) {
        colour = BACKDROP;
        depth.data[i] = -20;
        salient.data[i] = 0;
      } else if (inArm(x, y, arm)) {
        colour = armColour;
        fused.data[i] = 0.35;
        depth.data[i] = armDepth(x, y);
        salient.data[i] = 0.35;
      }
      data.set([...colour, 255], i * 4);
    }
  }
  return { crop: { width: W, height: H, data }, fused, face, depth, body, salient };
}

const lift = (s: Scene, others?: Float32Array) => liftRaisedLimbs(s.crop, s.fused, s.face, s.depth, s.body, s.salient, others, SCALE);

/** The arm's alpha values, as a set. */
const armValues = (s: Scene, box = ARM) => {
  const values = new Set<number>();
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) values.add(s.fused.data[y * W + x]);
  return [...values];
};

describe('liftRaisedLimbs', () => {
  it('makes solid an arm in a shade of the face skin that the person model holds deep inside the person', () => {
    const s = scene();
    expect(lift(s)).toBe(80 * 30);
    expect(armValues(s)).toEqual([1]);
    // Nothing else changes.
    expect(s.fused.data[10 * W + 60]).toBe(0);
    expect(s.fused.data[100 * W + 60]).toBe(0);
  });

  it('leaves a patch in a colour the face does not show (a pink cushion)', () => {
    const s = scene([230, 60, 170]);
    expect(lift(s)).toBe(0);
    expect(armValues(s)).toEqual([Math.fround(0.35)]);
  });

  it('leaves a skin-coloured sliver smaller than RAISED_LIMBS.minArea', () => {
    const side = Math.floor(Math.sqrt(RAISED_LIMBS.minArea * SCALE * SCALE)) - 2;
    const sliver = { x0: 100, x1: 100 + side, y0: 50, y1: 50 + side };
    const s = scene(SHADED_SKIN, () => 20, sliver);
    expect(lift(s)).toBe(0);
    expect(armValues(s, sliver)).toEqual([Math.fround(0.35)]);
  });

  it("leaves what the people split gave to someone else, and what lies in the subject's predicted body", () => {
    const claimed = scene();
    expect(lift(claimed, new Float32Array(W * H).fill(1))).toBe(0);
    const inBody = scene();
    inBody.body.data.fill(1);
    expect(lift(inBody)).toBe(0);
    expect(armValues(inBody)).toEqual([Math.fround(0.35)]);
  });

  it('needs the region to reach RAISED_LIMBS.minDepth into the person, and each pixel RAISED_LIMBS.rimDepth', () => {
    const rim = RAISED_LIMBS.rimDepth * SCALE;
    const deep = RAISED_LIMBS.minDepth * SCALE;
    // At the contour's rim throughout: left.
    const shallow = scene(SHADED_SKIN, () => (rim + deep) / 2);
    expect(lift(shallow)).toBe(0);
    // The same, with a strip along its top deep inside: all of it is lifted.
    const reaching = scene(SHADED_SKIN, (_, y) => (y < ARM.y0 + 5 ? deep + 5 : (rim + deep) / 2));
    expect(lift(reaching)).toBe(80 * 30);
    // Its lower half past the rim: only the upper half is lifted.
    const halfOut = scene(SHADED_SKIN, (_, y) => (y < ARM.y0 + 15 ? deep + 5 : rim / 2));
    expect(lift(halfOut)).toBe(80 * 15);
  });

  it('lifts nothing when the backdrop is too small to learn from (an unsure vote fails)', () => {
    const s = scene();
    for (let y = 0; y < H; y++) for (let x = 0; x < 30; x++) if (y > 1) s.salient.data[y * W + x] = 0.5;
    expect(lift(s)).toBe(0);
  });
});
