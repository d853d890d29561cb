/**
 * Euclidean distance to a set of pixels, needed only up to a radius and only at some pixels.
 * A full transform (distanceToSet) costs two passes over the whole plane with a division per
 * pixel; a soft matte edge asks for distances a few dozen pixels deep at a few per cent of the
 * pixels. Here one cheap pass finds each pixel's vertical distance to the set, and each pixel
 * asked about looks along its own row within the radius: the same minimum, exact, since any set
 * pixel within the radius lies within that many columns.
 */

/** Vertical distance (in rows) from each pixel to the nearest set pixel in its column, capped at `cap` (cap means none within it). */
function columnDistances(width: number, height: number, inside: Uint8Array, cap: number): Int32Array {
  const run = new Int32Array(width).fill(cap);
  const column = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const r = inside[row + x] !== 0 ? 0 : Math.min(cap, run[x] + 1);
      run[x] = r;
      column[row + x] = r;
    }
  }
  run.fill(cap);
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const r = Math.min(column[row + x], run[x] + 1, cap);
      run[x] = r;
      column[row + x] = r;
    }
  }
  return column;
}

/**
 * For each pixel where `wanted` is non-zero, the Euclidean distance to the nearest pixel where
 * `inside` is non-zero, when it is at most `radius`; Infinity when it is farther (or there is
 * none), and for pixels not wanted. The values within the radius equal distanceToSet's (as
 * Float32). The sets are masks, one byte per pixel, not predicates: a predicate made per call
 * is a closure, whose inlined code V8 drops once it is collected and compiles again next time.
 */
export function distanceToSetWithin(width: number, height: number, inside: Uint8Array, radius: number, wanted: Uint8Array): Float32Array {
  const reach = Math.max(0, Math.ceil(radius));
  const cap = reach + 1;
  const column = columnDistances(width, height, inside, cap);
  const out = new Float32Array(width * height).fill(Infinity);
  const limit = radius * radius;
  // Per row, how many columns up to each x hold a set pixel within `reach` rows: a pixel with
  // none within `reach` columns either way has nothing within the radius and is not searched
  // (deep inside a large region, where each would read 2·reach columns for nothing).
  const near = new Int32Array(width + 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) near[x + 1] = near[x] + (column[row + x] < cap ? 1 : 0);
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (wanted[i] === 0) continue;
      if (near[Math.min(width, x + reach + 1)] === near[Math.max(0, x - reach)]) continue;
      let best = Infinity;
      const g0 = column[i];
      if (g0 < cap) best = g0 * g0;
      // Outwards from the pixel's own column: once dx² alone is no better, nothing farther is.
      for (let dx = 1; dx <= reach && dx * dx < best; dx++) {
        if (x - dx >= 0) {
          const g = column[i - dx];
          if (g < cap) best = Math.min(best, dx * dx + g * g);
        }
        if (x + dx < width) {
          const g = column[i + dx];
          if (g < cap) best = Math.min(best, dx * dx + g * g);
        }
      }
      if (best <= limit) out[i] = Math.sqrt(best);
    }
  }
  return out;
}
