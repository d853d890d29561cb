import { ImpossibleWindowError } from '../errors.js';
import { eyeGeometry, LANDMARK_INDEX } from './face-landmarks.js';
import type { Point } from './point.js';

/** A rotated rectangle in the photo: centre, size in photo pixels, and the tilt of its top edge. */
export interface PortraitWindow {
  readonly centerX: number;
  readonly centerY: number;
  readonly width: number;
  readonly height: number;
  /** Radians; the window's top edge runs along (cos, sin) in the photo, i.e. along the eye line. */
  readonly angle: number;
}

export interface PortraitWindowOptions {
  readonly faceMargin: number;
  readonly topMarginFactor: number;
  /** Output width / height: the window gets the same shape so that one warp fills the canvas. */
  readonly aspect: number;
}

/**
 * The head in the levelled frame, estimated from landmarks: the jaw gives the width and the
 * chin the bottom; the crown is hidden by hair, so it is placed as far above the eye line as
 * the chin is below it (the eyes sit near the middle of the head's height).
 */
export function estimateHeadBox(levelled: readonly Point[]) {
  const jaw = levelled.slice(...LANDMARK_INDEX.jaw);
  const left = Math.min(...jaw.map((p) => p.x));
  const right = Math.max(...jaw.map((p) => p.x));
  const { midpoint } = eyeGeometry(levelled);
  const chin = levelled[LANDMARK_INDEX.chin].y;
  const crown = midpoint.y - (chin - midpoint.y);
  return { left, right, top: crown, bottom: chin, eyeX: midpoint.x, eyeY: midpoint.y };
}

function rotateAbout(p: Point, pivot: Point, angle: number): Point {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const dx = p.x - pivot.x;
  const dy = p.y - pivot.y;
  return { x: pivot.x + c * dx - s * dy, y: pivot.y + s * dx + c * dy };
}

/**
 * The output window: levelled by the eye line, head box plus margin (the top margin larger),
 * centred horizontally on the eye midpoint, then grown to the output's aspect ratio — wider
 * on both sides, or taller downwards (more shoulders, never more empty space above the head).
 * Throws `ImpossibleWindowError` (no_face) when the landmarks cannot make a window of positive,
 * finite size.
 */
export function computePortraitWindow(landmarks: readonly Point[], options: PortraitWindowOptions): PortraitWindow {
  const eyes = eyeGeometry(landmarks);
  const angle = (eyes.rollDegrees * Math.PI) / 180;
  const pivot = eyes.midpoint;
  const levelled = landmarks.map((p) => rotateAbout(p, pivot, -angle));
  const head = estimateHeadBox(levelled);
  const headWidth = head.right - head.left;
  const headHeight = head.bottom - head.top;

  const halfWidth = Math.max(head.eyeX - head.left, head.right - head.eyeX) + options.faceMargin * headWidth;
  let width = 2 * halfWidth;
  const top = head.top - options.faceMargin * options.topMarginFactor * headHeight;
  let bottom = head.bottom + options.faceMargin * headHeight;
  let height = bottom - top;
  if (width / height < options.aspect) width = height * options.aspect;
  else {
    height = width / options.aspect;
    bottom = top + height;
  }
  const centreLevelled = { x: head.eyeX, y: (top + bottom) / 2 };
  const centre = rotateAbout(centreLevelled, pivot, angle);
  const window = { centerX: centre.x, centerY: centre.y, width, height, angle };
  // Landmarks whose chin is not below their eyes (upside down, or a mirror image) give a head of
  // negative height and so a window of negative size: refuse it as a face that cannot be placed.
  if (![window.centerX, window.centerY, window.angle].every(Number.isFinite) || !(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
    throw new ImpossibleWindowError('A face was detected but its landmarks could not be placed reliably: the portrait window would have no area', {
      window: { ...window, angle: (angle * 180) / Math.PI },
      headHeight,
    });
  }
  return window;
}
