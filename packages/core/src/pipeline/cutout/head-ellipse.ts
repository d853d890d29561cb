import type { Box } from '../../geometry/point.js';

/** An axis-aligned ellipse in pixel coordinates (pixel (x, y) has its centre at (x + 0.5, y + 0.5)). */
export interface Ellipse {
  readonly centerX: number;
  readonly centerY: number;
  readonly radiusX: number;
  readonly radiusY: number;
}

/**
 * The head a face box stands for: an ellipse as wide as the box, from the box's bottom to
 * `crown` box heights above its top (the detector's box ends about the brows; the skull and
 * hair rise above). Rounded like a head, it takes in the hair above a face without the square
 * block a lifted box would also lay over whatever is beside the head.
 */
export function headEllipse(box: Box, crown = 0): Ellipse {
  const top = box.y - crown * box.height;
  const bottom = box.y + box.height;
  return { centerX: box.x + box.width / 2, centerY: (top + bottom) / 2, radiusX: box.width / 2, radiusY: (bottom - top) / 2 };
}

/**
 * 1 at every pixel of a `width × height` plane whose centre lies inside the ellipse, else 0. A
 * mask rather than a visitor: a loop that calls a closure made per call is compiled again for
 * every portrait (V8 keeps its optimised code only while that closure lives).
 */
export function ellipseMask(ellipse: Ellipse, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const { centerX, centerY, radiusX, radiusY } = ellipse;
  if (!(radiusX > 0 && radiusY > 0)) return mask;
  for (let y = Math.max(0, Math.floor(centerY - radiusY)); y < Math.min(height, Math.ceil(centerY + radiusY)); y++) {
    const dy = (y + 0.5 - centerY) / radiusY;
    const half = 1 - dy * dy;
    if (half < 0) continue;
    // The row's span inside the ellipse, from its half-width at this height.
    const reach = radiusX * Math.sqrt(half);
    const x0 = Math.max(0, Math.ceil(centerX - reach - 0.5));
    const x1 = Math.min(width - 1, Math.floor(centerX + reach - 0.5));
    if (x1 >= x0) mask.fill(1, y * width + x0, y * width + x1 + 1);
  }
  return mask;
}
