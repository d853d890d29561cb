import type { Point } from './point.js';
import { estimateHeadBox, type PortraitWindow } from './portrait-window.js';

/**
 * Framing at the photo's edge. A levelled window that runs past the photo shows the photo's
 * own edge as a straight (often diagonal) cut through the subject. Before giving up, the window
 * is moved up or down (within a bounded distance, the head kept inside) and then made smaller
 * (the margin shrunk, within a bounded range) until it lies inside the photo.
 */
export const FRAMING = Object.freeze({
  /** Farthest the window may move up or down, as a share of its height (never sideways: the eyes stay on the centre line). */
  maxShift: 0.25,
  /** The margin may shrink to this share of the one asked for… */
  minMarginShare: 0.4,
  /** …but the head keeps at least this margin (in head sizes) inside the window. */
  headRoom: 0.08,
  /** Samples per window side when measuring how much of it lies outside the photo. */
  samples: 16,
});

export interface HeadInWindow {
  /** The head box in the window's own levelled frame, relative to the window centre, in photo pixels. */
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface FittedWindow {
  readonly window: PortraitWindow;
  /** Share of the window's area outside the photo after fitting (0 when it fits). */
  readonly outside: number;
  /** The window's scale against the one asked for (1 = the margin as asked). */
  readonly scale: number;
  readonly moved: boolean;
}

/** Share of a window's sample points that fall outside a `photoWidth × photoHeight` photo. */
export function shareOutside(window: PortraitWindow, photoWidth: number, photoHeight: number): number {
  const n = FRAMING.samples;
  const c = Math.cos(window.angle);
  const s = Math.sin(window.angle);
  let outside = 0;
  for (let j = 0; j < n; j++) {
    const v = (j / (n - 1) - 0.5) * window.height;
    for (let i = 0; i < n; i++) {
      const u = (i / (n - 1) - 0.5) * window.width;
      const x = window.centerX + c * u - s * v;
      const y = window.centerY + s * u + c * v;
      if (x < 0 || y < 0 || x > photoWidth || y > photoHeight) outside++;
    }
  }
  return outside / (n * n);
}

/**
 * Moves, then shrinks, a window until it lies inside the photo, never letting the head leave
 * it. Scales are tried from 1 down to the smallest the margin allows (`minScale`, from the
 * caller's margin arithmetic); at each scale the best of a grid of moves is kept. Returns the
 * first framing that fits (larger scales first); when none does, the window as it was.
 */
export function fitWindowToPhoto(window: PortraitWindow, head: HeadInWindow, photoWidth: number, photoHeight: number, minScale: number): FittedWindow {
  const initial = shareOutside(window, photoWidth, photoHeight);
  if (initial === 0) return { window, outside: 0, scale: 1, moved: false };
  const c = Math.cos(window.angle);
  const s = Math.sin(window.angle);
  let best: FittedWindow = { window, outside: initial, scale: 1, moved: false };
  const SCALE_STEPS = 6;
  const SHIFT_STEPS = 4;
  for (let k = 0; k <= SCALE_STEPS; k++) {
    const scale = 1 - ((1 - Math.min(1, Math.max(minScale, 0.05))) * k) / SCALE_STEPS;
    const width = window.width * scale;
    const height = window.height * scale;
    // It shrinks about the head's centre line vertically, and about its own centre sideways, which
    // is the eyes' vertical line: a portrait keeps its eyes centred, so it never moves sideways.
    const headCy = (head.top + head.bottom) / 2;
    const baseV = headCy * (1 - scale);
    const room = FRAMING.headRoom * Math.max(head.right - head.left, head.bottom - head.top);
    for (let b = -SHIFT_STEPS; b <= SHIFT_STEPS; b++) {
      const dv = baseV + (b / SHIFT_STEPS) * FRAMING.maxShift * height;
      // The head (with a little room) must stay inside the moved and scaled window.
      if (head.left - room < -width / 2 || head.right + room > width / 2 || head.top - room < dv - height / 2 || head.bottom > dv + height / 2) continue;
      const candidate: PortraitWindow = { centerX: window.centerX - s * dv, centerY: window.centerY + c * dv, width, height, angle: window.angle };
      const outside = shareOutside(candidate, photoWidth, photoHeight);
      const moved = b !== 0 || scale !== 1 || dv !== 0;
      if (outside < best.outside - 1e-9 || (outside <= best.outside + 1e-9 && scale > best.scale + 1e-9)) best = { window: candidate, outside, scale, moved };
    }
    if (best.outside === 0) return best;
  }
  // Nothing fits within the bounds: keep the framing as asked (the caller says so in a warning).
  return { window, outside: initial, scale: 1, moved: false };
}

/** The head box of `landmarks` in a window's levelled frame, relative to its centre. */
export function headInWindow(landmarks: readonly Point[], window: PortraitWindow): HeadInWindow {
  const c = Math.cos(-window.angle);
  const s = Math.sin(-window.angle);
  const levelled = landmarks.map((p) => {
    const dx = p.x - window.centerX;
    const dy = p.y - window.centerY;
    return { x: c * dx - s * dy, y: s * dx + c * dy };
  });
  const head = estimateHeadBox(levelled);
  return { left: head.left, right: head.right, top: head.top, bottom: head.bottom };
}

/** The smallest window scale the margin may shrink to: the window's height grows as 1 + (1 + topMarginFactor) × margin head heights. */
export function minWindowScale(faceMargin: number, topMarginFactor: number): number {
  const height = (margin: number) => 1 + (1 + topMarginFactor) * margin;
  return height(faceMargin * FRAMING.minMarginShare) / height(faceMargin);
}

/** The margin a window scaled by `scale` actually gives. */
export function marginAtScale(faceMargin: number, topMarginFactor: number, scale: number): number {
  return Math.max(0, ((1 + (1 + topMarginFactor) * faceMargin) * scale - 1) / (1 + topMarginFactor));
}
