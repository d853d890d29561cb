import { createGrayImage, type GrayImage } from './rgba-image.js';

/**
 * Exact Euclidean distance transforms (Felzenszwalb & Huttenlocher, "Distance Transforms of
 * Sampled Functions", 2012): two passes of the 1-D lower-envelope algorithm, O(width × height).
 * Pure arithmetic, so the browser and Node give the same numbers.
 */

const INF = 1e20;

/** Squared 1-D distance transform of `f` (length n) into `d`, using scratch `v` and `z`. */
function transform1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const dq = q - v[k];
    d[q] = dq * dq + f[v[k]];
  }
}

/** For each pixel, the Euclidean distance (in pixels) to the nearest pixel where `inside` is true; Infinity when there is none. */
export function distanceToSet(width: number, height: number, inside: (index: number) => boolean): GrayImage {
  // Down the columns the set is binary, so the 1-D transform is the squared distance to the
  // nearest set pixel above or below: two sweeps row by row (memory in order, where a column
  // at a time strides through the whole plane), then the lower envelope along each row.
  const grid = new Float64Array(width * height);
  const run = new Float64Array(width).fill(INF);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const r = inside(row + x) ? 0 : run[x] + 1;
      run[x] = r;
      grid[row + x] = r;
    }
  }
  run.fill(INF);
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const up = grid[row + x];
      const r = up === 0 ? 0 : Math.min(run[x] + 1, up);
      run[x] = r;
      grid[row + x] = r >= INF ? INF : r * r;
    }
  }
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const out = createGrayImage(width, height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = grid[row + x];
    transform1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) out.data[row + x] = d[x] >= INF / 2 ? Infinity : Math.sqrt(d[x]);
  }
  return out;
}

/**
 * Signed distance to the boundary of the region `mask > threshold`: positive inside (distance to
 * the nearest outside pixel), negative outside (minus the distance to the nearest inside pixel).
 */
export function signedDistance(mask: GrayImage, threshold = 0.5): GrayImage {
  const { width, height, data } = mask;
  const toInside = distanceToSet(width, height, (i) => data[i] > threshold);
  const toOutside = distanceToSet(width, height, (i) => data[i] <= threshold);
  const out = createGrayImage(width, height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = data[i] > threshold ? toOutside.data[i] : -toInside.data[i];
  return out;
}
