import { createGrayImage, type GrayImage } from './rgba-image.js';

/**
 * Exact Euclidean distance transforms (Felzenszwalb & Huttenlocher, "Distance Transforms of
 * Sampled Functions", 2012): two passes of the 1-D lower-envelope algorithm, O(width × height).
 * Pure arithmetic, so the browser and Node give the same numbers.
 */

const INF = 1e20;
/** A column distance meaning "no pixel of the set in this column" (INF once squared). */
const NONE = 1 << 30;

/** Scratch arrays of the row transforms, for rows up to `n` long. */
interface Scratch {
  readonly f: Float64Array;
  readonly d: Float64Array;
  readonly v: Int32Array;
  /** f[v[k]] + v[k]², kept with the envelope: the same value the division would compute again. */
  readonly g: Float64Array;
  readonly z: Float64Array;
}

const scratch = (n: number): Scratch => ({ f: new Float64Array(n), d: new Float64Array(n), v: new Int32Array(n), g: new Float64Array(n), z: new Float64Array(n + 1) });

/** Squared 1-D distance transform of `f` (length n) into `d`. */
function transform1d(n: number, { f, d, v, g, z }: Scratch): void {
  let k = 0;
  v[0] = 0;
  g[0] = f[0];
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    const fq = f[q] + q * q;
    let s = (fq - g[k]) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (fq - g[k]) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    g[k] = f[q] + q * q;
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

/**
 * Down each column, the distance in rows from every pixel to the nearest pixel whose `set` value
 * differs from its own (NONE when there is none): the 1-D transform of both the set and its
 * complement at once, since at each pixel one of the two is 0. Two sweeps row by row (memory in
 * order, where a column at a time strides through the whole plane).
 */
function columnDistances(width: number, height: number, set: Uint8Array): Int32Array {
  const out = new Int32Array(width * height);
  const toSet = new Int32Array(width).fill(NONE);
  const toRest = new Int32Array(width).fill(NONE);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (set[row + x]) {
        toSet[x] = 0;
        out[row + x] = ++toRest[x];
      } else {
        toRest[x] = 0;
        out[row + x] = ++toSet[x];
      }
    }
  }
  toSet.fill(NONE);
  toRest.fill(NONE);
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (set[i]) {
        toSet[x] = 0;
        out[i] = toRest[x] = Math.min(toRest[x] + 1, out[i]);
      } else {
        toRest[x] = 0;
        out[i] = toSet[x] = Math.min(toSet[x] + 1, out[i]);
      }
    }
  }
  return out;
}

/** A column distance squared, as the row transform takes it (unreached: INF). */
const squared = (r: number) => (r >= NONE ? INF : r * r);

/** For each pixel, the Euclidean distance (in pixels) to the nearest pixel where `inside` is true; Infinity when there is none. */
export function distanceToSet(width: number, height: number, inside: (index: number) => boolean): GrayImage {
  const set = new Uint8Array(width * height);
  for (let i = 0; i < set.length; i++) set[i] = inside(i) ? 1 : 0;
  const column = columnDistances(width, height, set);
  const s = scratch(Math.max(width, height));
  const out = createGrayImage(width, height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) s.f[x] = set[row + x] ? 0 : squared(column[row + x]);
    transform1d(width, s);
    for (let x = 0; x < width; x++) out.data[row + x] = s.d[x] >= INF / 2 ? Infinity : Math.sqrt(s.d[x]);
  }
  return out;
}

/**
 * Signed distance to the boundary of the region `mask > threshold`: positive inside (distance to
 * the nearest outside pixel), negative outside (minus the distance to the nearest inside pixel).
 */
export function signedDistance(mask: GrayImage, threshold = 0.5): GrayImage {
  const { width, height, data } = mask;
  const set = new Uint8Array(width * height);
  for (let i = 0; i < set.length; i++) set[i] = data[i] > threshold ? 1 : 0;
  // Both transforms share one column pass; each pixel keeps only the one its side needs.
  const column = columnDistances(width, height, set);
  const toInside = scratch(Math.max(width, height));
  const toOutside = scratch(Math.max(width, height));
  const out = createGrayImage(width, height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let insideCount = 0;
    for (let x = 0; x < width; x++) {
      const c = squared(column[row + x]);
      const inside = set[row + x] === 1;
      toInside.f[x] = inside ? 0 : c;
      toOutside.f[x] = inside ? c : 0;
      insideCount += inside ? 1 : 0;
    }
    // A row all on one side reads only that side's transform (a row above the person, most of a
    // neighbour's mask's rows): the other is not worked out.
    if (insideCount < width) transform1d(width, toInside);
    if (insideCount > 0) transform1d(width, toOutside);
    for (let x = 0; x < width; x++) {
      if (set[row + x]) out.data[row + x] = toOutside.d[x] >= INF / 2 ? Infinity : Math.sqrt(toOutside.d[x]);
      else out.data[row + x] = toInside.d[x] >= INF / 2 ? -Infinity : -Math.sqrt(toInside.d[x]);
    }
  }
  return out;
}
