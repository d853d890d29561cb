import type { Point } from '../../geometry/point.js';
import type { Affine2D } from '../../image/affine.js';

/** The subject's head as a frame for heights: the middle of the eyes, the unit vector from the chin towards them, the eye-to-chin length (crop pixels). */
export interface HeadFrame {
  readonly eyes: Point;
  readonly up: Point;
  readonly scale: number;
}

/**
 * A value affine in the pixel's position, at0 + x·perX + y·perY (x, y its column and row).
 * Per-pixel rules take such geometry as data, read by linearAt, not as closures made per call:
 * V8 keeps the optimised code of a closure, or of a loop that inlined one, only while that
 * closure lives, and compiled it all again for every portrait.
 */
export interface PixelLinear {
  readonly at0: number;
  readonly perX: number;
  readonly perY: number;
}

/** The value of `l` at pixel (x, y). */
export const linearAt = (l: PixelLinear, x: number, y: number): number => l.at0 + x * l.perX + y * l.perY;

/**
 * Each pixel's height above the eye line, in eye-to-chin lengths (the chin lies at −1), for a
 * plane whose pixels map to crop pixels by `toCrop` (the crop itself by default): the value at
 * pixel (0, 0) and the steps per pixel along x and y (the height is affine in the pixel, so a
 * loop adds instead of multiplying). Pixel middles count.
 */
export function heightAboveEyes(head: HeadFrame, toCrop: Affine2D = IDENTITY): PixelLinear {
  const [a, b, c, d, e, f] = toCrop;
  const { eyes, up, scale } = head;
  // height(x, y) = ((a x + b y + c − eyes.x) up.x + (d x + e y + f − eyes.y) up.y) / scale at pixel middles.
  const perX = (a * up.x + d * up.y) / scale;
  const perY = (b * up.x + e * up.y) / scale;
  return { at0: ((c - eyes.x) * up.x + (f - eyes.y) * up.y) / scale + 0.5 * perX + 0.5 * perY, perX, perY };
}

const IDENTITY: Affine2D = [1, 0, 0, 0, 1, 0];
