import type { Point } from '../../geometry/point.js';

/** The subject's head as a frame for heights: the middle of the eyes, the unit vector from the chin towards them, the eye-to-chin length (crop pixels). */
export interface HeadFrame {
  readonly eyes: Point;
  readonly up: Point;
  readonly scale: number;
}

/**
 * Each pixel's height above the eye line, in eye-to-chin lengths (the chin lies at −1), as
 * the value at pixel (0, 0) and the steps per pixel along x and y (the height is affine in the
 * pixel, so a loop adds instead of multiplying). Pixel middles count.
 */
export function heightAboveEyes(head: HeadFrame): { readonly at0: number; readonly perX: number; readonly perY: number } {
  const { eyes, up, scale } = head;
  const perX = up.x / scale;
  const perY = up.y / scale;
  return { at0: ((0.5 - eyes.x) * up.x + (0.5 - eyes.y) * up.y) / scale, perX, perY };
}
