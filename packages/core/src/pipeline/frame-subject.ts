import { fitWindowToPhoto, headInWindow, marginAtScale, minWindowScale } from '../geometry/fit-window.js';
import type { Point } from '../geometry/point.js';
import type { PortraitWindow } from '../geometry/portrait-window.js';
import { applyAffine, cropWindowAffine, invertAffine } from '../image/affine.js';
import { personAtPhoto, type PersonMap } from './cutout/person-prior.js';
import type { GrayImage, RgbaImage } from '../image/rgba-image.js';

/** Side of the quick look that decides whether the person continues past the photo's edge. */
const LOOK_SIZE = 96;
/** A cut shorter than this share of the canvas width is a corner, not a cut through the subject. */
const MIN_CUT_SHARE = 0.02;

export interface Framing {
  readonly window: PortraitWindow;
  /** The margin the window actually gives (the one asked for unless it had to shrink). */
  readonly marginUsed: number;
  readonly adjusted: boolean;
}


/** Does the person reach a part of the window that lies outside the photo (the window's bottom row aside)? */
function personMeetsPhotoEdge(people: PersonMap, window: PortraitWindow): boolean {
  const width = LOOK_SIZE;
  const height = Math.max(8, Math.round((LOOK_SIZE * window.height) / window.width));
  const toPhoto = cropWindowAffine({ ...window, outputWidth: width, outputHeight: height });
  const photoToPlane = invertAffine(people.planeToPhoto);
  const inPhoto = new Uint8Array(width * height);
  const person = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = applyAffine(toPhoto, x + 0.5, y + 0.5);
      const i = y * width + x;
      inPhoto[i] = p.x >= 0 && p.y >= 0 && p.x < people.photoWidth && p.y < people.photoHeight ? 1 : 0;
      person[i] = personAtPhoto(people, photoToPlane, p.x, p.y) > 0.5 ? 1 : 0;
    }
  }
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (inPhoto[i]) continue;
      // An outside pixel: is a person pixel inside the photo next to it?
      for (const j of [i - 1, i + 1, i - width, i + width]) {
        if (j >= 0 && j < width * height && inPhoto[j] && person[j]) return true;
      }
    }
  }
  return false;
}

/**
 * Keeps the subject away from the photo's edge: when the levelled window runs past the photo
 * and the person continues there, the window is moved and then shrunk (geometry/fit-window.ts).
 * Without a person map (no person model) every window that runs past the photo is fitted.
 */
export async function frameInsidePhoto(
  photo: RgbaImage,
  landmarks: readonly Point[],
  window: PortraitWindow,
  margin: { readonly faceMargin: number; readonly topMarginFactor: number },
  people: PersonMap | undefined,
): Promise<Framing> {
  const unchanged: Framing = { window, marginUsed: margin.faceMargin, adjusted: false };
  const minScale = minWindowScale(margin.faceMargin, margin.topMarginFactor);
  const fitted = fitWindowToPhoto(window, headInWindow(landmarks, window), photo.width, photo.height, minScale);
  if (!fitted.moved) return unchanged;
  if (people && !personMeetsPhotoEdge(people, window)) return unchanged;
  return { window: fitted.window, marginUsed: marginAtScale(margin.faceMargin, margin.topMarginFactor, fitted.scale), adjusted: true };
}

/**
 * How much of the photo's edge cuts through the subject inside the canvas, as a share of the
 * canvas width: pixels of the subject (alpha ≥ 0.5) inside the photo with a pixel outside the
 * photo next to them. The canvas's bottom row is left out: a body cut by the canvas is framing.
 */
export function photoEdgeCut(alpha: GrayImage, inPhoto: GrayImage): number {
  const { width, height } = alpha;
  // Read inline, not through a closure made per call: V8 dropped the optimised code of this loop,
  // which had inlined the closure, each time the closure was collected, and compiled it again for every portrait.
  const photo = inPhoto.data;
  let count = 0;
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!(photo[i] >= 0.5)) continue;
      const boundary = (x > 0 && !(photo[i - 1] >= 0.5)) || (x < width - 1 && !(photo[i + 1] >= 0.5)) || (y > 0 && !(photo[i - width] >= 0.5)) || !(photo[i + width] >= 0.5);
      if (!boundary) continue;
      // The alpha right at the edge is softened by the warp; the subject is judged just inside it.
      let subject = false;
      for (let dy = -2; dy <= 2 && !subject; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx >= 0 && ny >= 0 && nx < width && ny < height && alpha.data[ny * width + nx] >= 0.5) {
            subject = true;
            break;
          }
        }
      }
      if (subject) count++;
    }
  }
  const share = count / width;
  return share < MIN_CUT_SHARE ? 0 : share;
}
