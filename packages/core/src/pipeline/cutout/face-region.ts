import { eyeGeometry, LANDMARK_INDEX } from '../../geometry/face-landmarks.js';
import type { Box, Point } from '../../geometry/point.js';
import { convexHull, fillPolygon } from '../../image/fill-polygon.js';
import type { GrayImage } from '../../image/rgba-image.js';
import { ellipseMask, headEllipse } from './head-ellipse.js';

/** How far above the brows the forehead reaches, as a share of the eye-to-chin distance (face thirds: ~0.5; less, so a receding hairline's hair is left to the matte). */
const FOREHEAD = 0.4;
/** The hull is drawn a little inside the jaw line so the matte, not the polygon, makes the face's edge. */
const INSET = 0.985;

/**
 * The face forced opaque on the cut-out: the landmarks' hull (jaw and brows) wherever the matte
 * sees a trace of something, the forehead above the brows only as far as the matte sees it
 * plainly. A see-through face (0.6–0.9 on greyscale photos, far less on some snapshots) is made
 * solid; but in a profile the far side's brow and jaw points and the lifted brows lie in front
 * of the face, where the matte sees nothing (a bright window in front of the brow was kept).
 */
export function forcedFace(landmarks: readonly Point[], matte: GrayImage): GrayImage {
  const { width, height } = matte;
  const core = faceRegion(landmarks, width, height, 0);
  const lifted = faceRegion(landmarks, width, height);
  for (let i = 0; i < core.data.length; i++) {
    const m = matte.data[i];
    core.data[i] = Math.max(core.data[i] * Math.min(1, m / HULL_MATTE_TRACE), lifted.data[i] * Math.min(1, m / FOREHEAD_MATTE_SOLID));
  }
  return core;
}

/** The matte's value from which the landmarks' hull counts as face. */
const HULL_MATTE_TRACE = 0.05;
/** The matte's value above the brows from which the forehead counts as certainly there. */
const FOREHEAD_MATTE_SOLID = 0.3;

/**
 * Where the face certainly is: the convex hull of the jaw line and the brows lifted onto the
 * forehead, in the landmarks' pixel frame. Always opaque in the cut-out, whatever the
 * segmentation models say about a face (a greyscale photo made ISNet see-through there).
 */
export function faceRegion(landmarks: readonly Point[], width: number, height: number, forehead = FOREHEAD): GrayImage {
  const eyes = eyeGeometry(landmarks);
  const chin = landmarks[LANDMARK_INDEX.chin];
  const down = { x: chin.x - eyes.midpoint.x, y: chin.y - eyes.midpoint.y };
  const length = Math.hypot(down.x, down.y) || 1;
  const lift = { x: (-down.x / length) * forehead * length, y: (-down.y / length) * forehead * length };
  const jaw = landmarks.slice(...LANDMARK_INDEX.jaw);
  const brows = [...landmarks.slice(...LANDMARK_INDEX.rightBrow), ...landmarks.slice(...LANDMARK_INDEX.leftBrow)].map((p) => ({ x: p.x + lift.x, y: p.y + lift.y }));
  const hull = convexHull([...jaw, ...brows]);
  const cx = hull.reduce((s, p) => s + p.x, 0) / hull.length;
  const cy = hull.reduce((s, p) => s + p.y, 0) / hull.length;
  return fillPolygon(width, height, hull.map((p) => ({ x: cx + (p.x - cx) * INSET, y: cy + (p.y - cy) * INSET })));
}

/**
 * Another person's face on a `width × height` plane (1 inside): the hull of their landmarks
 * where they were placed (the detector's box has a margin that may lie on the subject's hair),
 * else the oval inscribed in their face box.
 */
export function otherFaceMask(box: Box, landmarks: readonly Point[] | undefined, width: number, height: number): Uint8Array {
  // A face is round: the box's corners lie beside it, often on the subject's hair (a neighbour in
  // profile over a subject's long hair lost a square notch of it).
  if (!landmarks) return ellipseMask(headEllipse(box), width, height);
  return atLeastHalf(faceRegion(landmarks, width, height).data);
}

/** 1 where the plane is at least 0.5. */
export function atLeastHalf(plane: Float32Array): Uint8Array {
  const mask = new Uint8Array(plane.length);
  for (let i = 0; i < plane.length; i++) mask[i] = plane[i] >= 0.5 ? 1 : 0;
  return mask;
}

/** The eye-to-chin distance in pixels: the unit in which the cut-out's distances are set. */
export function faceScale(landmarks: readonly Point[]): number {
  const eyes = eyeGeometry(landmarks);
  const chin = landmarks[LANDMARK_INDEX.chin];
  return Math.max(1, Math.hypot(chin.x - eyes.midpoint.x, chin.y - eyes.midpoint.y));
}

/**
 * Where the subject's neck and shoulders can be, below the face (0..1, soft-edged): a band that
 * starts under the jaw at the neck's width and widens to the shoulders about 1.2 eye-to-chin
 * lengths below the chin, following the face's own down direction. The person model is allowed
 * to make the cut-out solid only here: it also calls bright walls and sofas "person", but the
 * body under a face is the one thing ISNet drops on a tight crop.
 */
export function bodyRegion(landmarks: readonly Point[], width: number, height: number, shape: BodyShape = BODY): GrayImage {
  const eyes = eyeGeometry(landmarks);
  const chin = landmarks[LANDMARK_INDEX.chin];
  const unit = faceScale(landmarks);
  const down = { x: (chin.x - eyes.midpoint.x) / unit, y: (chin.y - eyes.midpoint.y) / unit };
  const right = { x: -down.y, y: down.x };
  const jaw = landmarks.slice(...LANDMARK_INDEX.jaw);
  const jawWidth = Math.hypot(jaw[16].x - jaw[0].x, jaw[16].y - jaw[0].y) / unit;
  const neck = shape.neckHalfWidth * jawWidth;
  const shoulders = shape.shoulderHalfWidth * jawWidth;
  const out = new Float32Array(width * height);
  // Every field and sum the loop reads, in locals (the same values: each is computed once as the
  // loop computed it every time).
  const { start, softness, shoulderDrop, belowShoulderSlope } = shape;
  const first = start - softness;
  const widening = shoulders - neck;
  const [chinX, chinY, downX, downY, rightX, rightY] = [chin.x, chin.y, down.x, down.y, right.x, right.y];
  const tAt = (x: number, py: number) => ((x + 0.5 - chinX) * downX + py * downY) / unit;
  for (let y = 0; y < height; y++) {
    const py = y + 0.5 - chinY;
    // Along a row t moves one way (x + 0.5 - chinX, the product, the sum and the division each
    // round monotonically), so the pixels above the band (t < first) are one end of the row:
    // found by bisection with the loop's own arithmetic and skipped, the rest tested as before.
    let from = 0;
    let to = width;
    let lo = -1;
    let hi = width;
    if (downX > 0) {
      while (hi - lo > 1) {
        const m = (lo + hi) >> 1;
        if (tAt(m, py) < first) lo = m;
        else hi = m;
      }
      from = hi;
    } else if (downX < 0) {
      while (hi - lo > 1) {
        const m = (lo + hi) >> 1;
        if (tAt(m, py) < first) hi = m;
        else lo = m;
      }
      to = hi;
    }
    for (let x = from; x < to; x++) {
      const px = x + 0.5 - chinX;
      const t = (px * downX + py * downY) / unit;
      if (t < first) continue;
      const s = Math.abs(px * rightX + py * rightY) / unit;
      const half = neck + widening * Math.min(1, Math.max(0, t / shoulderDrop)) + belowShoulderSlope * Math.max(0, t - shoulderDrop);
      const across = Math.min(1, Math.max(0, (half - s) / softness));
      const along = Math.min(1, Math.max(0, (t - start) / softness + 1));
      out[y * width + x] = across * along;
    }
  }
  return { width, height, data: out };
}

/** A body band's shape, in eye-to-chin lengths (jaw widths for the half-widths). */
export interface BodyShape {
  readonly start: number;
  readonly neckHalfWidth: number;
  readonly shoulderHalfWidth: number;
  readonly shoulderDrop: number;
  readonly belowShoulderSlope: number;
  readonly softness: number;
}

const BODY: BodyShape = Object.freeze({
  /** Starts this far below the chin (negative: under the jaw, beside the chin). */
  start: -0.35,
  neckHalfWidth: 0.38,
  shoulderHalfWidth: 1.7,
  shoulderDrop: 1.2,
  belowShoulderSlope: 0.4,
  softness: 0.25,
});

/**
 * The neck with room beside it, from under the jaw all the way down: what lies in the body band
 * beyond it is the shoulders (see salientHoldsBody), not the jaw's shadow or the collar.
 */
export const NECK_COLUMN: BodyShape = Object.freeze({ ...BODY, neckHalfWidth: 0.55, shoulderHalfWidth: 0.55, belowShoulderSlope: 0 });

/** The strip straight under the chin, the neck's width all the way down: where a body is, whatever the clothes. */
export const NECK_STRIP: BodyShape = Object.freeze({ ...BODY, start: 0.1, neckHalfWidth: 0.25, shoulderHalfWidth: 0.25, belowShoulderSlope: 0 });
