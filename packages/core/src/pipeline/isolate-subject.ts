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
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (const seed of seeds) {
    const x = Math.round(seed.x);
    const y = Math.round(seed.y);
    if (x < 0 || y < 0 || x >= width || y >= height) continue;
    const i = y * width + x;
    if (data[i] > 0.5 && distance[i] !== 0) {
      distance[i] = 0;
      queue[tail++] = i;
    }
  }
  if (tail === 0) return { width, height, data: new Float32Array(data) }; // no seed on the subject: leave the mask alone

  // Flood the opaque core from the seeds (neighbours written out: this loop sees every pixel).
  while (head < tail) {
    const i = queue[head++];
    const x = i % width;
    let j = i - width;
    if (i >= width && distance[j] !== 0 && data[j] > 0.5) (distance[j] = 0), (queue[tail++] = j);
    j = i + width;
    if (j < n && distance[j] !== 0 && data[j] > 0.5) (distance[j] = 0), (queue[tail++] = j);
    j = i - 1;
    if (x > 0 && distance[j] !== 0 && data[j] > 0.5) (distance[j] = 0), (queue[tail++] = j);
    j = i + 1;
    if (x < width - 1 && distance[j] !== 0 && data[j] > 0.5) (distance[j] = 0), (queue[tail++] = j);
  }
  // Grow outwards a few steps through the soft edge (any value), breadth-first.
  head = 0;
  for (let step = 1; step <= EDGE_REACH; step++) {
    const levelEnd = tail;
    const visitEdge = (j: number) => {
      if (distance[j] === 255 && data[j] <= 0.5) {
        distance[j] = step;
        queue[tail++] = j;
      }
    };
    while (head < levelEnd) {
      const i = queue[head++];
      const x = i % width;
      if (i >= width) visitEdge(i - width);
      if (i + width < n) visitEdge(i + width);
      if (x > 0) visitEdge(i - 1);
      if (x < width - 1) visitEdge(i + 1);
    }
    if (head === levelEnd && levelEnd === tail) break;
  }

  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) if (distance[i] !== 255) out[i] = data[i];
  return { width, height, data: out };
}
