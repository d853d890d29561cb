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
