import type { GrayImage } from '../../image/rgba-image.js';

/**
 * Calls `visit` with each hole of a cut-out: a 4-connected region where the alpha is below
 * `below` that does not reach the crop's border (what reaches the border is background). The
 * region's pixel indices are `pixels[0 .. count)`; the array is reused between calls.
 */
function forEachHole(alpha: GrayImage, below: number, visit: (pixels: Int32Array, count: number) => void): void {
  const { width, height, data } = alpha;
  const n = width * height;
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  const flood = (start: number) => {
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    let open = false;
    while (head < tail) {
      const i = queue[head++];
      const x = i % width;
      const y = (i - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) open = true;
      if (x > 0 && !seen[i - 1] && data[i - 1] < below) (seen[i - 1] = 1), (queue[tail++] = i - 1);
      if (x < width - 1 && !seen[i + 1] && data[i + 1] < below) (seen[i + 1] = 1), (queue[tail++] = i + 1);
      if (y > 0 && !seen[i - width] && data[i - width] < below) (seen[i - width] = 1), (queue[tail++] = i - width);
      if (y < height - 1 && !seen[i + width] && data[i + width] < below) (seen[i + width] = 1), (queue[tail++] = i + width);
    }
    if (!open) visit(queue, tail);
  };
  const starts = holeStarts(alpha, below);
  if (starts) for (const start of starts) flood(start);
  else for (let start = 0; start < n; start++) if (!seen[start] && !(data[start] >= below)) flood(start);
}

/**
 * Where forEachHole's scan meets each hole first (its first pixel in raster order), in that
 * order, found from the plane's runs of pixels below `below` joined row to row (union–find)
 * rather than by flooding the background, which is most of the plane and never visited; the
 * holes are then flooded from there just as the scan would, so their pixel lists are the same.
 * Undefined when the plane holds a NaN: the scan starts a region at a NaN pixel but never
 * joins one to a region, which runs do not model.
 */
function holeStarts(alpha: GrayImage, below: number): number[] | undefined {
  const { width, height, data } = alpha;
  const start: number[] = []; // runs in raster order: first and last pixel index
  const end: number[] = [];
  const parent: number[] = [];
  const open: boolean[] = []; // per root: the component reaches the border
  let previous = 0; // the previous row's first run
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const first = start.length;
    let p = previous;
    for (let x = 0; x < width; x++) {
      const v = data[row + x];
      if (!(v < below)) {
        if (v !== v) return undefined;
        continue;
      }
      const from = x;
      while (x + 1 < width && data[row + x + 1] < below) x++;
      const r = start.length;
      start.push(row + from);
      end.push(row + x);
      parent.push(r);
      open.push(y === 0 || y === height - 1 || from === 0 || x === width - 1);
      // Join every run of the row above that shares a column with this one.
      while (p < first && end[p] - row + width < from) p++;
      for (let q = p; q < first && start[q] - row + width <= x; q++) {
        const a = rootOf(parent, q);
        const b = rootOf(parent, r);
        if (a !== b) {
          parent[b] = a;
          open[a] = open[a] || open[b];
        }
      }
    }
    previous = first;
  }
  const starts: number[] = [];
  const taken = new Uint8Array(start.length);
  for (let r = 0; r < start.length; r++) {
    const root = rootOf(parent, r);
    if (open[root] || taken[root]) continue;
    taken[root] = 1;
    starts.push(start[r]);
  }
  return starts;
}

/**
 * The root of run r's set, halving the path on the way. Module-level, not a closure made per
 * call: V8 drops the optimised code that inlined such a closure once it is collected, and
 * compiled the scan again for every portrait.
 */
function rootOf(parent: number[], r: number): number {
  while (parent[r] !== r) r = parent[r] = parent[parent[r]];
  return r;
}

/**
 * Fills the holes of a cut-out that the person model says are person: regions below 0.5 that
 * do not touch the crop's border and whose mean person probability is above 0.5 (a see-through
 * patch on a jumper, a glint on a forehead). A real gap, such as the space between an arm and
 * the body, is background to the person model too and stays open. Changes `alpha` in place.
 */
export function fillPersonHoles(alpha: GrayImage, person: (index: number) => number): void {
  const { data } = alpha;
  forEachHole(alpha, 0.5, (pixels, count) => {
    let personSum = 0;
    for (let k = 0; k < count; k++) personSum += person(pixels[k]);
    if (personSum / count > 0.5) for (let k = 0; k < count; k++) data[pixels[k]] = 1;
  });
}

/** Sizes of fillEnclosedSpecks, in eye-to-chin lengths. */
export const SPECKS = Object.freeze({
  /** A hole up to this side (as a square's area) is a speck; a gap between an arm and the body is far larger. */
  side: 0.3,
  /** Below this the matte is a hole. */
  clear: 0.25,
  /** The ring around a hole whose mean alpha it takes. */
  ring: 0.04,
});

/**
 * Closes pinholes inside the subject where the person model sees a person: a region below
 * `clear`, no larger than a speck and enclosed by the subject (it does not reach the crop's
 * border) takes the mean alpha of the ring around it. Such holes come from speckle in the
 * mattes (ISNet on a dark, noisy sleeve, sharpened by the edge refinement) and, as clear
 * pixels, would also keep solidifyInterior from making the part around them solid. A real
 * opening (between an arm and the body) is larger or is background to the person model.
 * Changes `alpha` in place.
 */
export function fillEnclosedSpecks(alpha: GrayImage, personDepth: GrayImage, faceScale: number): void {
  const { width, height, data } = alpha;
  const maxArea = Math.max(4, (SPECKS.side * faceScale) ** 2);
  const r = Math.max(2, Math.round(SPECKS.ring * faceScale));
  // Ring pixels are stamped with their hole's number, so that each counts once.
  const stamp = new Int32Array(width * height).fill(-1);
  let id = 0;
  forEachHole(alpha, SPECKS.clear, (pixels, count) => {
    if (count > maxArea) return;
    let inPerson = 0;
    for (let k = 0; k < count; k++) if (personDepth.data[pixels[k]] > 0) inPerson++;
    if (inPerson * 2 < count) return;
    id++;
    let ringSum = 0;
    let ringCount = 0;
    for (let k = 0; k < count; k++) {
      const i = pixels[k];
      const x = i % width;
      const y = (i - x) / width;
      for (let yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(width - 1, x + r); xx++) {
          const j = yy * width + xx;
          if (stamp[j] === id || data[j] < SPECKS.clear) continue;
          stamp[j] = id;
          ringSum += data[j];
          ringCount++;
        }
      }
    }
    if (ringCount === 0) return;
    const fill = ringSum / ringCount;
    for (let k = 0; k < count; k++) data[pixels[k]] = fill;
  });
}
