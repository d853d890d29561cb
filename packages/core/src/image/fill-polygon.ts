import type { Point } from '../geometry/point.js';
import { createGrayImage, type GrayImage } from './rgba-image.js';

/**
 * A polygon rasterised into a 0/1 plane with 4× vertical supersampling at the pixel centres'
 * rows (even–odd rule): edges come out antialiased along y, which is enough for a mask that is
 * later combined with a soft alpha.
 */
export function fillPolygon(width: number, height: number, polygon: readonly Point[]): GrayImage {
  const out = createGrayImage(width, height);
  if (polygon.length < 3) return out;
  const SUB = 4;
  const crossings: number[] = [];
  const coverage = new Float32Array(width + 1);
  // A sample line crosses an edge only where minY <= sy < maxY: the rows with no such line stay 0
  // (the plane is made zeroed), so only the polygon's own rows are scanned.
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of polygon) {
    // (a NaN vertex is left out, as its edges never cross a line)
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  const firstRow = Math.max(0, Math.floor(minY - (SUB - 0.5) / SUB));
  const lastRow = Math.min(height - 1, Math.ceil(maxY));
  for (let y = firstRow; y <= lastRow; y++) {
    coverage.fill(0);
    for (let s = 0; s < SUB; s++) {
      const sy = y + (s + 0.5) / SUB;
      crossings.length = 0;
      for (let i = 0; i < polygon.length; i++) {
        const a = polygon[i];
        const b = polygon[(i + 1) % polygon.length];
        if ((a.y <= sy && b.y > sy) || (b.y <= sy && a.y > sy)) crossings.push(a.x + ((sy - a.y) / (b.y - a.y)) * (b.x - a.x));
      }
      crossings.sort((p, q) => p - q);
      for (let i = 0; i + 1 < crossings.length; i += 2) {
        const from = Math.max(0, Math.ceil(crossings[i] - 0.5));
        const to = Math.min(width - 1, Math.floor(crossings[i + 1] - 0.5));
        for (let x = from; x <= to; x++) coverage[x] += 1 / SUB;
      }
    }
    out.data.set(coverage.subarray(0, width), y * width);
  }
  return out;
}

/** The convex hull of a point set (Andrew's monotone chain), counter-clockwise in y-down screen terms. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length < 3) return sorted;
  const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}
