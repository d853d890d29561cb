import type { GrayImage } from '../../image/rgba-image.js';

/**
 * Fills the holes of a cut-out that the person model says are person: regions below 0.5 that
 * do not touch the crop's border and whose mean person probability is above 0.5 (a see-through
 * patch on a jumper, a glint on a forehead). A real gap, such as the space between an arm and
 * the body, is background to the person model too and stays open. Changes `alpha` in place.
 */
export function fillPersonHoles(alpha: GrayImage, person: (index: number) => number): void {
  const { width, height, data } = alpha;
  const n = width * height;
  // 0 = not a hole candidate, 1 = below 0.5 and unvisited, 2 = reached from the border or labelled
  const state = new Uint8Array(n);
  for (let i = 0; i < n; i++) state[i] = data[i] < 0.5 ? 1 : 0;
  const queue = new Int32Array(n);
  const flood = (start: number, collect: boolean): { count: number; personSum: number; end: number } => {
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    state[start] = 2;
    let personSum = 0;
    while (head < tail) {
      const i = queue[head++];
      if (collect) personSum += person(i);
      const x = i % width;
      if (x > 0 && state[i - 1] === 1) (state[i - 1] = 2), (queue[tail++] = i - 1);
      if (x < width - 1 && state[i + 1] === 1) (state[i + 1] = 2), (queue[tail++] = i + 1);
      if (i >= width && state[i - width] === 1) (state[i - width] = 2), (queue[tail++] = i - width);
      if (i < n - width && state[i + width] === 1) (state[i + width] = 2), (queue[tail++] = i + width);
    }
    return { count: collect ? tail : 0, personSum, end: tail };
  };
  // Everything below 0.5 that is connected to the border is background, not a hole.
  for (let x = 0; x < width; x++) {
    if (state[x] === 1) flood(x, false);
    const b = (height - 1) * width + x;
    if (state[b] === 1) flood(b, false);
  }
  for (let y = 0; y < height; y++) {
    const l = y * width;
    if (state[l] === 1) flood(l, false);
    if (state[l + width - 1] === 1) flood(l + width - 1, false);
  }
  for (let i = 0; i < n; i++) {
    if (state[i] !== 1) continue;
    const hole = flood(i, true);
    if (hole.personSum / hole.count > 0.5) for (let k = 0; k < hole.end; k++) data[queue[k]] = 1;
  }
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
  const n = width * height;
  const maxArea = Math.max(4, (SPECKS.side * faceScale) ** 2);
  const r = Math.max(2, Math.round(SPECKS.ring * faceScale));
  const seen = new Uint8Array(n);
  const stamp = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let id = 0;
  for (let start = 0; start < n; start++) {
    if (seen[start] || data[start] >= SPECKS.clear) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    let open = false;
    let inPerson = 0;
    while (head < tail) {
      const i = queue[head++];
      const x = i % width;
      const y = (i - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) open = true;
      if (personDepth.data[i] > 0) inPerson++;
      if (x > 0 && !seen[i - 1] && data[i - 1] < SPECKS.clear) (seen[i - 1] = 1), (queue[tail++] = i - 1);
      if (x < width - 1 && !seen[i + 1] && data[i + 1] < SPECKS.clear) (seen[i + 1] = 1), (queue[tail++] = i + 1);
      if (y > 0 && !seen[i - width] && data[i - width] < SPECKS.clear) (seen[i - width] = 1), (queue[tail++] = i - width);
      if (y < height - 1 && !seen[i + width] && data[i + width] < SPECKS.clear) (seen[i + width] = 1), (queue[tail++] = i + width);
    }
    if (open || tail > maxArea || inPerson * 2 < tail) continue;
    id++;
    let ringSum = 0;
    let ringCount = 0;
    for (let k = 0; k < tail; k++) {
      const i = queue[k];
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
    if (ringCount === 0) continue;
    const fill = ringSum / ringCount;
    for (let k = 0; k < tail; k++) data[queue[k]] = fill;
  }
}
