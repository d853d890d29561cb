import type { Point } from '../geometry/point.js';
import type { GrayImage } from '../image/rgba-image.js';

/** How far (pixels) the kept region's soft edge may reach beyond its opaque core. */
const EDGE_REACH = 4;

/**
 * Keeps only the part of a segmentation mask that is connected to the subject's face. ISNet
 * segments every salient person, so in a snapshot the neighbour's shoulder or hand at the edge
 * would survive; here the opaque region (> 0.5) reachable from the face seeds is kept with its
 * soft edge, and everything else is cleared. Returns a new mask.
 */
export function isolateSubject(mask: GrayImage, seeds: readonly Point[]): GrayImage {
  const { width, height, data } = mask;
  const n = width * height;
  // distance (in 4-neighbour steps) from the kept opaque region; 255 = unreached
  const distance = new Uint8Array(n).fill(255);
  // A pixel may wait on the stack twice (once from the row above, once from below), so a plain array.
  const stack: number[] = [];
  for (const seed of seeds) {
    const x = Math.round(seed.x);
    const y = Math.round(seed.y);
    if (x < 0 || y < 0 || x >= width || y >= height) continue;
    const i = y * width + x;
    if (data[i] > 0.5) stack.push(i);
  }
  if (stack.length === 0) return { width, height, data: new Float32Array(data) }; // no seed on the subject: leave the mask alone

  // Flood the opaque core from the seeds, a run of a row at a time (the region, not the order
  // it is found in, is the result); the rows it spans bound the edge's search below.
  let minY = height;
  let maxY = -1;
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (distance[i] === 0) continue;
    const y = (i / width) | 0;
    const row = y * width;
    let left = i;
    while (left > row && distance[left - 1] !== 0 && data[left - 1] > 0.5) left--;
    let right = i;
    while (right < row + width - 1 && distance[right + 1] !== 0 && data[right + 1] > 0.5) right++;
    distance.fill(0, left, right + 1);
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    // Each run of unvisited opaque pixels above and below the span gets one stack entry.
    for (const other of [row - width, row + width]) {
      if (other < 0 || other >= n) continue;
      let open = false;
      for (let j = left - row + other, end = right - row + other; j <= end; j++) {
        if (distance[j] !== 0 && data[j] > 0.5) {
          if (!open) stack.push(j), (open = true);
        } else open = false;
      }
    }
  }
  // Grow outwards a few steps through the soft edge (any value), breadth-first: the first step
  // from every core pixel's side, found by scanning the core's rows and one row either side.
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let y = Math.max(0, minY - 1); y <= Math.min(height - 1, maxY + 1); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const j = row + x;
      if (!isSoftUnvisited(distance, data, j)) continue;
      if ((y > 0 && distance[j - width] === 0) || (y < height - 1 && distance[j + width] === 0) || (x > 0 && distance[j - 1] === 0) || (x < width - 1 && distance[j + 1] === 0)) queue[tail++] = j;
    }
  }
  for (let k = 0; k < tail; k++) distance[queue[k]] = 1;
  for (let step = 2; step <= EDGE_REACH && head < tail; step++) {
    const levelEnd = tail;
    while (head < levelEnd) {
      const i = queue[head++];
      const x = i % width;
      if (i >= width && isSoftUnvisited(distance, data, i - width)) (distance[i - width] = step), (queue[tail++] = i - width);
      if (i + width < n && isSoftUnvisited(distance, data, i + width)) (distance[i + width] = step), (queue[tail++] = i + width);
      if (x > 0 && isSoftUnvisited(distance, data, i - 1)) (distance[i - 1] = step), (queue[tail++] = i - 1);
      if (x < width - 1 && isSoftUnvisited(distance, data, i + 1)) (distance[i + 1] = step), (queue[tail++] = i + 1);
    }
  }

  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) if (distance[i] !== 255) out[i] = data[i];
  return { width, height, data: out };
}

/**
 * A pixel the growth through the soft edge may still take (not yet reached, not in the core). A
 * module-level function, not a closure made per call: V8 drops the optimised code that inlined
 * such a closure once it is collected, and compiled it again for every portrait.
 */
function isSoftUnvisited(distance: Uint8Array, data: Float32Array, j: number): boolean {
  return distance[j] === 255 && data[j] <= 0.5;
}
