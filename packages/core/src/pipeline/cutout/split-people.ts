import { applyAffine, invertAffine, type Affine2D } from '../../image/affine.js';
import { gaussianBlurGray } from '../../image/gaussian-blur.js';
import { createGrayImage, type GrayImage } from '../../image/rgba-image.js';
import type { Box, Point } from '../../geometry/point.js';
import { isolateSubject } from '../isolate-subject.js';
import { forEachPixelOfOtherFace } from './face-region.js';
import { sampleGray } from './person-prior.js';

/** Context pixels with a person probability above this are walkable: the split follows bodies, not gaps. */
const PERSON_THRESHOLD = 0.35;
/**
 * A step sideways costs this many steps down or up: a body lies under its face, so where two
 * people's bodies touch (a couple in black jumpers, the one with the lower face nearer the
 * bottom) each keeps the column under their own face instead of the lower face taking both.
 */
export const SIDEWAYS_COST = 1.5;
/** Seeds: the middle of each face box (this share of its sides). */
const SEED_SHARE = 0.6;

/** A binary min-heap of (key, node) pairs, enough for a grid Dijkstra. */
class MinHeap {
  #keys: number[] = [];
  #nodes: number[] = [];
  get size(): number {
    return this.#keys.length;
  }
  push(key: number, node: number): void {
    const keys = this.#keys;
    const nodes = this.#nodes;
    let i = keys.length;
    keys.push(key);
    nodes.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[i] = keys[parent];
      nodes[i] = nodes[parent];
      i = parent;
    }
    keys[i] = key;
    nodes[i] = node;
  }
  pop(): [number, number] {
    const keys = this.#keys;
    const nodes = this.#nodes;
    const top: [number, number] = [keys[0], nodes[0]];
    const lastKey = keys.pop() as number;
    const lastNode = nodes.pop() as number;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && keys[child + 1] < keys[child]) child++;
        if (keys[child] >= lastKey) break;
        keys[i] = keys[child];
        nodes[i] = nodes[child];
        i = child;
      }
      keys[i] = lastKey;
      nodes[i] = lastNode;
    }
    return top;
  }
}

export interface SplitPeopleInput {
  /** Person probability on a low-resolution context plane around the crop. */
  readonly context: GrayImage;
  /** Context pixel → crop pixel. */
  readonly contextToCrop: Affine2D;
  /** The subject's face box and every other face's box, in crop pixels. */
  readonly subject: Box;
  readonly others: readonly Box[];
  readonly width: number;
  readonly height: number;
}

/**
 * Who owns each person pixel when several people are in view: every face grows over the
 * person mask from its own middle, at a speed proportional to its size (distances are counted
 * in face sizes, so a near and a far person meet where their bodies do) and more slowly
 * sideways than up and down (SIDEWAYS_COST), and each pixel goes to the face that reaches it
 * first. Returns, on the crop, how much each pixel belongs to someone other than the subject
 * (0..1, edges softened); all 0 when no one else is there.
 */
export function otherPeopleMask(input: SplitPeopleInput): GrayImage {
  const { context, contextToCrop, subject, others, width, height } = input;
  if (others.length === 0) return createGrayImage(width, height);
  const cropToContext = invertAffine(contextToCrop);
  const scale = Math.hypot(cropToContext[0], cropToContext[3]);
  const cw = context.width;
  const ch = context.height;
  const n = cw * ch;
  const dist = new Float64Array(n).fill(Infinity);
  const owner = new Int16Array(n).fill(-1);
  const heap = new MinHeap();
  const faces = [subject, ...others];
  const speed = faces.map((b) => 1 / Math.max(1, Math.max(b.width, b.height) * scale));
  faces.forEach((box, k) => {
    const c = applyAffine(cropToContext, box.x + box.width / 2, box.y + box.height / 2);
    const hw = (box.width * scale * SEED_SHARE) / 2;
    const hh = (box.height * scale * SEED_SHARE) / 2;
    for (let y = Math.max(0, Math.floor(c.y - hh)); y <= Math.min(ch - 1, Math.ceil(c.y + hh)); y++) {
      for (let x = Math.max(0, Math.floor(c.x - hw)); x <= Math.min(cw - 1, Math.ceil(c.x + hw)); x++) {
        const i = y * cw + x;
        // The subject's face wins its own pixels.
        if (dist[i] === 0 && owner[i] === 0) continue;
        dist[i] = 0;
        owner[i] = k;
        heap.push(0, i);
      }
    }
  });
  const SIDE = SIDEWAYS_COST;
  const DIAGONAL = Math.hypot(1, SIDE);
  const STEPS = [
    [1, 0, SIDE],
    [-1, 0, SIDE],
    [0, 1, 1],
    [0, -1, 1],
    [1, 1, DIAGONAL],
    [-1, 1, DIAGONAL],
    [1, -1, DIAGONAL],
    [-1, -1, DIAGONAL],
  ] as const;
  while (heap.size > 0) {
    const [d, i] = heap.pop();
    if (d > dist[i]) continue;
    const k = owner[i];
    const x = i % cw;
    const y = (i - x) / cw;
    for (const [dx, dy, length] of STEPS) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx < 0 || ny < 0 || nx >= cw || ny >= ch) continue;
      const j = ny * cw + nx;
      if (context.data[j] <= PERSON_THRESHOLD) continue;
      const nd = d + length * speed[k];
      if (nd < dist[j]) {
        dist[j] = nd;
        owner[j] = k;
        heap.push(nd, j);
      }
    }
  }
  // Onto the crop (nearest owner), then a soft edge of about one context pixel.
  const contextOwnedByOthers = createGrayImage(cw, ch);
  for (let i = 0; i < n; i++) contextOwnedByOthers.data[i] = owner[i] > 0 ? 1 : 0;
  const soft = gaussianBlurGray(contextOwnedByOthers, 0.8);
  return sampleGray(soft, cropToContext, width, height);
}

/** ISNet's region connected to the subject's face, less the other faces' boxes; undefined when it holds most of another face. */
export function ownSalientRegion(salient: GrayImage, seeds: readonly Point[], otherBoxes: readonly Box[], otherLandmarks: readonly (readonly Point[] | undefined)[] = []): GrayImage | undefined {
  const own = isolateSubject(salient, seeds);
  // A face half hidden behind the subject's hair has its box's middle on that hair: count the
  // share of the whole box instead.
  const heldShare = (b: Box) => {
    let held = 0;
    let all = 0;
    for (let y = Math.max(0, Math.floor(b.y)); y < Math.min(own.height, Math.ceil(b.y + b.height)); y++) {
      for (let x = Math.max(0, Math.floor(b.x)); x < Math.min(own.width, Math.ceil(b.x + b.width)); x++) {
        all++;
        if (own.data[y * own.width + x] > 0.5) held++;
      }
    }
    return all > 0 ? held / all : 0;
  };
  if (otherBoxes.some((b) => heldShare(b) > 0.5)) return undefined;
  // Another person's face is never the subject's, whatever ISNet joined to it: the hull of
  // their landmarks where placed (the box's margin may be the subject's hair), else the box.
  otherBoxes.forEach((b, k) => forEachPixelOfOtherFace(b, otherLandmarks[k], own.width, own.height, (i) => (own.data[i] = 0)));
  return own;
}

/**
 * How long the line is along which the people split parted the subject from someone else
 * (in crop pixels): the pixels the matte held before the split (`before` > 0.5) that the split
 * gave to someone else and the cut-out left clear, next to one the cut-out keeps. Zero when the
 * subject touches no one; a line through hair or a shoulder where two people meet otherwise.
 */
export function splitLineLength(before: Float32Array, others: GrayImage, kept: GrayImage): number {
  const { width, height, data } = kept;
  let length = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (before[i] <= 0.5 || others.data[i] <= 0.5 || data[i] > 0.5) continue;
      if ((x > 0 && data[i - 1] > 0.5) || (x < width - 1 && data[i + 1] > 0.5) || (y > 0 && data[i - width] > 0.5) || (y < height - 1 && data[i + width] > 0.5)) length++;
    }
  }
  return length;
}
