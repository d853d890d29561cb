import { describe, expect, it } from 'vitest';
import { createGrayImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { FUSION } from '../../src/pipeline/cutout/fuse-alpha.js';
import type { HeadFrame } from '../../src/pipeline/cutout/head-frame.js';
import { SEE_THROUGH_HAIR, solidifySeeThroughHair } from '../../src/pipeline/cutout/see-through-hair.js';

/**
 * A 160 × 160 crop: the person spans columns 20–139 (the person model's depth is the distance to
 * that span's sides, negative outside it), solid and brown; outside it the backdrop, clear and
 * green. The eyes lie at row 60, the brows about row 48 and the chin at row 100 (eye-to-chin
 * 40 px). Patches at alpha
 * 0.5, all deeper inside the person than FUSION.solidDepth (6 px), are painted on top.
 */
const W = 160;
const H = 160;
const BROWN = [90, 60, 40];
const GREEN = [40, 150, 60];
const HEAD: HeadFrame = { eyes: { x: 80, y: 60 }, up: { x: 0, y: -1 }, scale: 40 };

interface Patch {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly colour: readonly number[];
}

function scene(patches: readonly Patch[], backdrop = GREEN): { crop: RgbaImage; alpha: GrayImage; depth: GrayImage } {
  const data = new Uint8ClampedArray(W * H * 4);
  const alpha = createGrayImage(W, H);
  const depth = createGrayImage(W, H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const inside = x >= 20 && x < 140;
      depth.data[i] = inside ? Math.min(x - 20, 139 - x) + 0.5 : -Math.min(Math.abs(x - 20), Math.abs(x - 139));
      const patch = patches.find((p) => x >= p.x0 && x < p.x1 && y >= p.y0 && y < p.y1);
      alpha.data[i] = patch ? 0.5 : inside ? 1 : 0;
      data.set([...(patch ? patch.colour : inside ? BROWN : backdrop), 255], i * 4);
    }
  }
  return { crop: { width: W, height: H, data }, alpha, depth };
}

const meanOver = (plane: GrayImage, p: Patch) => {
  let sum = 0;
  for (let y = p.y0; y < p.y1; y++) for (let x = p.x0; x < p.x1; x++) sum += plane.data[y * W + x];
  return sum / ((p.x1 - p.x0) * (p.y1 - p.y0));
};

describe('solidifySeeThroughHair', () => {
  // Beside the face: from row 50 (0.25 eye-to-chin lengths above the eyes) to row 90 (0.75 below).
  const brownLock: Patch = { x0: 40, y0: 50, x1: 60, y1: 90, colour: BROWN };
  const greenPatch: Patch = { x0: 100, y0: 50, x1: 120, y1: 90, colour: GREEN };
  // Above the brows (0.5 to 0.75 up), where a cup behind the head may have the hair's colours.
  const aboveBrows: Patch = { x0: 70, y0: 30, x1: 90, y1: 40, colour: BROWN };
  const belowChin: Patch = { x0: 70, y0: 110, x1: 90, y1: 130, colour: BROWN };

  it("lifts a see-through patch in the subject's colours above the chin, and nothing in the backdrop's", () => {
    expect(FUSION.solidDepth * HEAD.scale).toBeLessThan(20);
    expect(SEE_THROUGH_HAIR.upTo).toBeGreaterThan(0.25);
    expect(SEE_THROUGH_HAIR.upTo).toBeLessThan(0.5);
    const { crop, alpha, depth } = scene([brownLock, greenPatch, belowChin, aboveBrows]);
    const lifted = solidifySeeThroughHair(alpha, depth, HEAD.scale, crop, HEAD);
    expect(meanOver(alpha, brownLock)).toBe(1);
    expect(meanOver(alpha, greenPatch)).toBe(0.5);
    // Below the chin it is solidifyInterior's to lift (from the nearest clear pixel), not this one's.
    expect(meanOver(alpha, belowChin)).toBe(0.5);
    expect(meanOver(alpha, aboveBrows)).toBe(0.5);
    expect(lifted).toBe(20 * 40);
  });

  it('leaves what someone else claims', () => {
    const { crop, alpha, depth } = scene([brownLock]);
    const others = new Float32Array(W * H);
    for (let y = brownLock.y0; y < brownLock.y1; y++) for (let x = brownLock.x0; x < brownLock.x1; x++) others[y * W + x] = 0.6;
    expect(solidifySeeThroughHair(alpha, depth, HEAD.scale, crop, HEAD, others)).toBe(0);
    expect(meanOver(alpha, brownLock)).toBe(0.5);
  });

  it('lifts nothing where the backdrop has the subject\'s colours (colour cannot tell them apart)', () => {
    const { crop, alpha, depth } = scene([brownLock], BROWN);
    expect(solidifySeeThroughHair(alpha, depth, HEAD.scale, crop, HEAD)).toBe(0);
    expect(meanOver(alpha, brownLock)).toBe(0.5);
  });

  it('lifts nothing near the person model\'s contour, where a soft edge is an edge', () => {
    const edgeLock: Patch = { x0: 21, y0: 50, x1: 25, y1: 90, colour: BROWN };
    const { crop, alpha, depth } = scene([edgeLock]);
    expect(solidifySeeThroughHair(alpha, depth, HEAD.scale, crop, HEAD)).toBe(0);
    expect(meanOver(alpha, edgeLock)).toBe(0.5);
  });
});
