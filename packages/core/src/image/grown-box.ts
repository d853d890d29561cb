/** A rectangle of a plane in whole pixels: its top-left corner and its size. */
export interface PlaneBox {
  readonly x0: number;
  readonly y0: number;
  readonly w: number;
  readonly h: number;
}

/**
 * The bounding box of the plane's pixels equal to `value` (non-zero ones when `value` is not
 * given), grown by `margin` pixels on every side and clamped to the plane; undefined when there
 * are none. Lets a step that only reads near some pixels work on that window, not the whole plane.
 */
export function grownBoxOf(values: ArrayLike<number>, width: number, height: number, margin: number, value?: number): PlaneBox | undefined {
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if (value === undefined ? values[i] === 0 : values[i] !== value) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      maxY = y;
    }
  }
  if (maxX < 0) return undefined;
  const x0 = Math.max(0, minX - margin);
  const y0 = Math.max(0, minY - margin);
  return { x0, y0, w: Math.min(width, maxX + margin + 1) - x0, h: Math.min(height, maxY + margin + 1) - y0 };
}
