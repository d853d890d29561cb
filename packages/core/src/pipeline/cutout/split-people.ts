import { applyAffine, invertAffine, type Affine2D } from '../../image/affine.js';
import { dilateBox } from '../../image/dilate.js';
import { gaussianBlurGray } from '../../image/gaussian-blur.js';
import { createGrayImage, type GrayImage, type RgbaImage } from '../../image/rgba-image.js';
import { colourFavoursSubject, VOTE_BACKDROP, VOTE_CANDIDATE, VOTE_SUBJECT } from './colour-vote.js';
import type { Box, Point } from '../../geometry/point.js';
import { eyeGeometry, LANDMARK_INDEX } from '../../geometry/face-landmarks.js';
import { isolateSubject } from '../isolate-subject.js';
import { heightAboveEyes, type HeadFrame } from './head-frame.js';
import { faceScale, otherFaceMask } from './face-region.js';
import { planePixelInPhoto, sampleGray, type PlaneInPhoto } from './person-prior.js';
import type { FaceBehind } from './hair-over-faces.js';

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
/**
 * Past the person mask's coarse contour, a pixel whose nearest person pixel (up to this many of
 * the subject's face box sizes away) is someone else's is theirs too: the matte's edge there
 * (hair, a shoulder's rim) was no one's, so the wisps along a neighbour's hair stayed in the
 * subject's portrait wherever they touched the subject.
 */
export const OWNER_SPREAD = 0.15;

/**
 * A binary min-heap of (key, node) pairs, enough for a grid Dijkstra: keys and nodes in typed
 * arrays that double when full (a grid Dijkstra pushes a few times per pixel; JS arrays of
 * numbers made the split's growth the costliest part of a group portrait's cut-out).
 */
class MinHeap {
  #keys: Float64Array;
  #nodes: Int32Array;
  #size = 0;
  constructor(capacity: number) {
    this.#keys = new Float64Array(Math.max(16, capacity));
    this.#nodes = new Int32Array(Math.max(16, capacity));
  }
  get size(): number {
    return this.#size;
  }
  push(key: number, node: number): void {
    if (this.#size === this.#keys.length) {
      const keys = new Float64Array(this.#keys.length * 2);
      keys.set(this.#keys);
      this.#keys = keys;
      const nodes = new Int32Array(this.#nodes.length * 2);
      nodes.set(this.#nodes);
      this.#nodes = nodes;
    }
    const keys = this.#keys;
    const nodes = this.#nodes;
    let i = this.#size++;
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
  /** The smallest key (valid until the next pop). */
  get topKey(): number {
    return this.#keys[0];
  }
  /** Removes the smallest pair and returns its node (read topKey first for its key). */
  pop(): number {
    const keys = this.#keys;
    const nodes = this.#nodes;
    const top = nodes[0];
    const n = --this.#size;
    const lastKey = keys[n];
    const lastNode = nodes[n];
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

/**
 * Someone whose face is out of view, in eye-to-chin lengths above the subject's eyes. A body
 * leaves the view below its own face; a body that leaves it far above the subject's head is
 * someone else's, whose face is out of view: the arms of a row standing behind, hands resting
 * on the subject's head. Those bodies grow from where they leave the view, like a face.
 */
export const UNSEEN_PEOPLE = Object.freeze({
  /** Person pixels where the view ends (its border, the photo's edge) farther than this above the eyes are someone else's. */
  seedAbove: 2.5,
  /** Above this (about the skull's top) only the subject's hair is theirs: their own growth is SUBJECT_SLOWDOWN times slower there, so a hand resting on the hair goes to its owner. */
  crownAbove: 1.0,
  subjectSlowdown: 10,
  /**
   * A body leaving the view is at least this wide (eye-to-chin lengths, counted in the view's
   * end pixels it leaves through); a narrower exit is a lock of the subject's hair or the
   * model's blur at the photo's edge. One such pixel of a girl's hair, looking down (a short
   * eye-to-chin length puts seedAbove near the top of her head), made someone unseen who took
   * her crown above crownAbove.
   */
  minExit: 0.15,
  /**
   * How far the head reaches beyond the crown's hull (eye-to-chin lengths): its ears and the hair
   * at its sides. A limb that meets the subject only within it hangs from the head alone (see
   * limbEndsHangingFromHead).
   */
  headSides: 0.35,
});

/** The subject's head as the split needs it to tell who an unseen body is (crop pixels). */
export interface SubjectHead extends HeadFrame {
  /** The subject's crown (the landmarks' hull lifted to the skull's top), never anyone unseen's: made when first needed. */
  readonly crown: () => GrayImage;
}

export interface SplitPeopleInput {
  /** Person probability on a low-resolution context plane around the crop. */
  readonly context: GrayImage;
  /** Whether a context pixel lies inside the photo; all do when not given. */
  readonly contextInPhoto?: PlaneInPhoto;
  /** Context pixel → crop pixel. */
  readonly contextToCrop: Affine2D;
  /** The subject's face box and every other face's box, in crop pixels. */
  readonly subject: Box;
  readonly others: readonly Box[];
  /** Per other face, where it lies behind the subject's hair (hairOverOtherFaces): it grows from the part of its face that shows. */
  readonly behind?: readonly (FaceBehind | undefined)[];
  readonly width: number;
  readonly height: number;
  /** Where given, bodies leaving the view far above this head count as people whose faces are out of view (UNSEEN_PEOPLE). */
  readonly subjectHead?: SubjectHead;
}

/** How much each crop pixel belongs to someone other than the subject, and which of that to someone whose face is out of view (undefined: no one). */
export interface PeopleSplit {
  readonly others: GrayImage;
  readonly unseen: GrayImage | undefined;
}

/** The subject's head for the split, from their 68 landmarks and crown (crop pixels). */
export function subjectHeadOf(landmarks: readonly Point[], crown: () => GrayImage): SubjectHead {
  const eyes = eyeGeometry(landmarks).midpoint;
  const chin = landmarks[LANDMARK_INDEX.chin];
  const scale = faceScale(landmarks);
  return { eyes, up: { x: (eyes.x - chin.x) / scale, y: (eyes.y - chin.y) / scale }, scale, crown };
}

/**
 * Who owns each person pixel when several people are in view: every face grows over the
 * person mask from its own middle, at a speed proportional to its size (distances are counted
 * in face sizes, so a near and a far person meet where their bodies do; down, where only a
 * body's width depends on its size, all at the subject's pace) and more slowly sideways than
 * up and down (SIDEWAYS_COST), and each pixel goes to the face that reaches it
 * first. With `subjectHead`, bodies that leave the view far above the subject's head grow too
 * (UNSEEN_PEOPLE). Returns, on the crop, how much each pixel belongs to someone other than the
 * subject (0..1, edges softened); undefined when no one else is there.
 */
export function otherPeopleMask(input: SplitPeopleInput): PeopleSplit | undefined {
  const { context, contextToCrop, subject, others, width, height, subjectHead } = input;
  const cropToContext = invertAffine(contextToCrop);
  const scale = Math.hypot(cropToContext[0], cropToContext[3]);
  const { width: cw, height: ch } = context;
  const above = subjectHead ? heightPlane(subjectHead, contextToCrop, cw, ch) : undefined;
  let unseenSeeds = above ? unseenBodySeeds(context, input.contextInPhoto, above) : [];
  if (others.length === 0 && unseenSeeds.length === 0) return undefined;
  const subjectGrower = growerOfFace(input, subject, undefined, cropToContext, scale);
  // The people seen, by their faces.
  const spread = OWNER_SPREAD * Math.max(subject.width, subject.height) * scale;
  const growers = [subjectGrower];
  for (let k = 0; k < others.length; k++) growers.push(growerOfFace(input, others[k], input.behind?.[k], cropToContext, scale));
  const seenOwner = others.length > 0 ? growOwners(context, growers, spread) : undefined;
  // Where the view ends on someone seen (a neighbour's hair leaving it above the subject's
  // head), no one unseen is needed: their growth gave the crown of a girl's head, under her
  // taller friend's hair, to someone unseen, and cut it flat above the brows.
  if (seenOwner) unseenSeeds = seedsWhere(unseenSeeds, seenOwner, 0);
  // A limb whose owner's body the person model lost (it ends inside the view) is someone
  // unseen's too, where it hangs from the subject's head alone.
  // The crown on the context plane, mapped once for both uses below.
  let crownOnContext: Uint8Array | undefined;
  const inCrownOf = (head: SubjectHead) => (crownOnContext ??= maskOnContext(head.crown().data, 0.5, width, height, contextToCrop, cw, ch));
  if (above && subjectHead) unseenSeeds = unseenSeeds.concat(limbEndsHangingFromHead(context, above, seenOwner, () => grownHead(inCrownOf(subjectHead), subjectHead, scale, cw, ch)));
  const inCrown = subjectHead && unseenSeeds.length > 0 ? inCrownOf(subjectHead) : undefined;
  if (inCrown) unseenSeeds = seedsWhere(unseenSeeds, inCrown, 0);
  if (subjectHead) unseenSeeds = withoutNarrowExits(unseenSeeds, cw, UNSEEN_PEOPLE.minExit * subjectHead.scale * scale);
  if (!seenOwner && unseenSeeds.length === 0) return undefined;
  // Then, apart, the subject against anyone unseen, so the faces seen split as they would alone:
  // the unseen grow as fast as the subject (their size is unknown) and never into the subject's
  // crown; the subject grows slowly above it.
  let unseenOwner: Int16Array | undefined;
  if (unseenSeeds.length > 0 && above && inCrown) {
    unseenOwner = growOwners(context, [{ ...subjectGrower, slowdown: slowAboveCrown(above) }, { seeds: unseenSeeds, speed: subjectGrower.speed, barred: inCrown }], spread);
  }
  // Onto the crop (nearest owner), then a soft edge of about one context pixel.
  const anyone = ownedOnCrop(seenOwner, unseenOwner, cw, ch, cropToContext, width, height);
  if (!unseenOwner) return { others: anyone, unseen: undefined };
  // With no one else seen, everyone else is someone unseen: the same plane, copied (the caller changes `others`).
  const unseen = seenOwner ? ownedOnCrop(undefined, unseenOwner, cw, ch, cropToContext, width, height) : createGrayImage(width, height, new Float32Array(anyone.data));
  return { others: anyone, unseen };
}

// The loops over the context plane below are module-level functions of data, not closures made
// per call: V8 drops the optimised code of a closure, or of a loop that inlined one, once that
// closure is collected, and compiled the split again for every portrait.

/** A face's grower: from the middle of its box, or, for a face behind the subject's hair, from the part of it that shows and never into the subject. */
function growerOfFace(input: SplitPeopleInput, box: Box, behind: FaceBehind | undefined, cropToContext: Affine2D, scale: number): Grower {
  const { contextToCrop, width, height } = input;
  const { width: cw, height: ch } = input.context;
  const speed = 1 / Math.max(1, Math.max(box.width, box.height) * scale);
  const shown = behind ? maskOnContext(behind.visible, 1, width, height, contextToCrop, cw, ch) : undefined;
  const seeds: number[] = [];
  if (shown) for (let i = 0; i < shown.length; i++) if (shown[i]) seeds.push(i);
  if (!behind || seeds.length === 0) return { seeds: faceSeeds(box, cropToContext, scale, cw, ch), speed };
  return { seeds, speed, barred: maskOnContext(behind.barred, 1, width, height, contextToCrop, cw, ch) };
}

/** The seeds where `plane` is at most `atMost` (the caller's seen owner: no one seen, or its crown mask: outside it). */
function seedsWhere(seeds: readonly number[], plane: Int16Array | Uint8Array, atMost: number): number[] {
  const kept: number[] = [];
  for (const i of seeds) if (plane[i] <= atMost) kept.push(i);
  return kept;
}

/** 1 on the crop where either owner plane gives a context pixel to someone other than the subject (> 0), softened by about one context pixel. */
function ownedOnCrop(seen: Int16Array | undefined, unseen: Int16Array | undefined, cw: number, ch: number, cropToContext: Affine2D, width: number, height: number): GrayImage {
  const plane = createGrayImage(cw, ch);
  for (let i = 0; i < cw * ch; i++) plane.data[i] = (seen !== undefined && seen[i] > 0) || (unseen !== undefined && unseen[i] > 0) ? 1 : 0;
  return sampleGray(gaussianBlurGray(plane, 0.8), cropToContext, width, height);
}

/** Someone growing over the person mask: where from, how fast, and where not. */
interface Grower {
  /** Context pixels the growth starts from. */
  readonly seeds: readonly number[];
  /** Distance per context pixel stepped (before SIDEWAYS_COST). */
  readonly speed: number;
  /** Context pixels never entered. */
  readonly barred?: Uint8Array;
  /** A factor on the distance of each step into a context pixel. */
  readonly slowdown?: Float32Array;
}

/** The middle of a face box (SEED_SHARE of its sides) on the context plane. */
function faceSeeds(box: Box, cropToContext: Affine2D, scale: number, cw: number, ch: number): number[] {
  const c = applyAffine(cropToContext, box.x + box.width / 2, box.y + box.height / 2);
  const hw = (box.width * scale * SEED_SHARE) / 2;
  const hh = (box.height * scale * SEED_SHARE) / 2;
  const seeds: number[] = [];
  for (let y = Math.max(0, Math.floor(c.y - hh)); y <= Math.min(ch - 1, Math.ceil(c.y + hh)); y++) {
    for (let x = Math.max(0, Math.floor(c.x - hw)); x <= Math.min(cw - 1, Math.ceil(c.x + hw)); x++) seeds.push(y * cw + x);
  }
  return seeds;
}

// The eight steps of the growth (right, left, down, up, then the diagonals), in the order it has
// always taken them (ties go to whoever steps first).
const STEP_X = Int32Array.of(1, -1, 0, 0, 1, -1, 1, -1);
const STEP_Y = Int32Array.of(0, 0, 1, -1, 1, 1, -1, -1);

/**
 * Which grower reaches each person pixel of the context plane first (its index; -1: none). The
 * first grower's seeds win where seeds overlap. Pixels outside the person mask whose nearest
 * owned pixel, within `spread` context pixels, is someone else's go to them (see OWNER_SPREAD).
 */
function growOwners(context: GrayImage, growers: readonly Grower[], spread: number): Int16Array {
  const { width: cw, height: ch, data } = context;
  const n = cw * ch;
  const dist = new Float64Array(n).fill(Infinity);
  const owner = new Int16Array(n).fill(-1);
  const heap = new MinHeap(2 * n);
  for (let k = 0; k < growers.length; k++) plantSeeds(growers[k].seeds, k, dist, owner, heap);
  const SIDE = SIDEWAYS_COST;
  const DIAGONAL = Math.hypot(1, SIDE);
  // Per grower, each step's cost: sideways and up at its own pace, down at the first grower's
  // (the subject's). A body leaves the view below its face however far away that face is; only
  // its width scales with the face. At each face's own pace down, a larger, nearer face outran
  // a smaller one beside it down that one's own column: the hanging hair and raised hand of a
  // young woman beside an older one stayed in the older woman's portrait.
  const down = growers[0].speed;
  // Where each grower may walk: the person mask, shared, less what that grower is barred from.
  const person = personMask(data);
  const stepCosts: Float64Array[] = [];
  const walkable: Uint8Array[] = [];
  const slowdowns: Float32Array[] = [];
  const barred: (Uint8Array | undefined)[] = [];
  for (const g of growers) {
    const side = SIDE * g.speed;
    const downDiagonal = Math.hypot(side, down);
    stepCosts.push(Float64Array.of(side, side, down, g.speed, downDiagonal, downDiagonal, DIAGONAL * g.speed, DIAGONAL * g.speed));
    walkable.push(g.barred ? walkableWithout(person, g.barred) : person);
    slowdowns.push(g.slowdown ?? NO_SLOWDOWN);
    barred.push(g.barred);
  }
  growFromSeeds(cw, ch, heap, dist, owner, stepCosts, walkable, slowdowns);
  spreadToNearest(owner, person, barred, cw, ch, spread);
  return owner;
}

// growOwners runs a few times a portrait and its loops over seeds and pixels live in these
// module-level functions: inline, they made V8 compile growOwners itself (on stack, then whole)
// for every portrait with someone else in view.

/** Grower k's seeds, at distance 0, onto the heap; the subject's face (grower 0) wins its own pixels. */
function plantSeeds(seeds: readonly number[], k: number, dist: Float64Array, owner: Int16Array, heap: MinHeap): void {
  for (const i of seeds) {
    if (dist[i] === 0 && owner[i] === 0) continue;
    dist[i] = 0;
    owner[i] = k;
    heap.push(0, i);
  }
}

/** 1 where the person model sees a person (above PERSON_THRESHOLD). */
function personMask(data: Float32Array): Uint8Array {
  const person = new Uint8Array(data.length);
  for (let j = 0; j < data.length; j++) person[j] = data[j] > PERSON_THRESHOLD ? 1 : 0;
  return person;
}

/** The person mask less the pixels barred. */
function walkableWithout(person: Uint8Array, barred: Uint8Array): Uint8Array {
  const walk = new Uint8Array(person.length);
  for (let j = 0; j < person.length; j++) walk[j] = person[j] && !barred[j] ? 1 : 0;
  return walk;
}

/**
 * Gives each unowned pixel outside the person mask (`person` 0) whose nearest owned pixel
 * within `radius` is someone else's (grower 1 on) to them, unless they are barred from it.
 */
function spreadToNearest(owner: Int16Array, person: Uint8Array, barred: readonly (Uint8Array | undefined)[], cw: number, ch: number, radius: number): void {
  const { dist, nearest } = chamferFrom(owner, cw, ch);
  for (let i = 0; i < owner.length; i++) {
    const k = nearest[i];
    if (owner[i] < 0 && !person[i] && k > 0 && dist[i] <= radius && !barred[k]?.[i]) owner[i] = k;
  }
}

/** One chamfer step: pixel i takes j's owner when that is nearer by j. */
function relax(dist: Float32Array, nearest: Int16Array, i: number, j: number, step: number): void {
  if (dist[j] + step < dist[i]) (dist[i] = dist[j] + step), (nearest[i] = nearest[j]);
}

/** Each pixel's chamfer distance (two passes, steps 1 and √2) to the nearest owned pixel, and its owner. */
function chamferFrom(owner: Int16Array, cw: number, ch: number): { dist: Float32Array; nearest: Int16Array } {
  const n = cw * ch;
  const dist = new Float32Array(n);
  const nearest = new Int16Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (owner[i] >= 0) (dist[i] = 0), (nearest[i] = owner[i]);
    else dist[i] = Infinity;
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = y * cw + x;
      if (x > 0) relax(dist, nearest, i, i - 1, 1);
      if (y > 0) {
        relax(dist, nearest, i, i - cw, 1);
        if (x > 0) relax(dist, nearest, i, i - cw - 1, Math.SQRT2);
        if (x < cw - 1) relax(dist, nearest, i, i - cw + 1, Math.SQRT2);
      }
    }
  }
  for (let y = ch - 1; y >= 0; y--) {
    for (let x = cw - 1; x >= 0; x--) {
      const i = y * cw + x;
      if (x < cw - 1) relax(dist, nearest, i, i + 1, 1);
      if (y < ch - 1) {
        relax(dist, nearest, i, i + cw, 1);
        if (x < cw - 1) relax(dist, nearest, i, i + cw + 1, Math.SQRT2);
        if (x > 0) relax(dist, nearest, i, i + cw - 1, Math.SQRT2);
      }
    }
  }
  return { dist, nearest };
}

/** Stands for "no slowdown" in growFromSeeds's per-grower planes (never read). */
const NO_SLOWDOWN = new Float32Array(0);

/**
 * The growth itself: Dijkstra from what the heap holds, each pixel stepping with its owner's
 * costs into the pixels that owner may walk. A module-level function whose arguments are only
 * typed arrays (and arrays of them): inside growOwners, fed growers of differing shapes, V8
 * threw the optimised loop away on most calls ("wrong map") and ran it unoptimised until it was
 * compiled again (portrait-3's growth: median 43 ms a call in the pipeline, 28-33 ms since).
 */
function growFromSeeds(
  cw: number,
  ch: number,
  heap: MinHeap,
  dist: Float64Array,
  owner: Int16Array,
  stepCosts: readonly Float64Array[],
  walkable: readonly Uint8Array[],
  slowdowns: readonly Float32Array[],
): void {
  while (heap.size > 0) {
    const d = heap.topKey;
    const i = heap.pop();
    if (d > dist[i]) continue;
    const k = owner[i];
    const cost = stepCosts[k];
    const walk = walkable[k];
    const slowdown = slowdowns[k];
    const slowed = slowdown.length > 0;
    const x = i % cw;
    const y = (i - x) / cw;
    for (let s = 0; s < 8; s++) {
      const nx = x + STEP_X[s];
      const ny = y + STEP_Y[s];
      if (nx < 0 || ny < 0 || nx >= cw || ny >= ch) continue;
      const j = ny * cw + nx;
      if (walk[j] === 0) continue;
      const nd = d + cost[s] * (slowed ? slowdown[j] : 1);
      if (nd < dist[j]) {
        dist[j] = nd;
        owner[j] = k;
        heap.push(nd, j);
      }
    }
  }
}

/**
 * The subject's slowdown above their crown (UNSEEN_PEOPLE.subjectSlowdown where the height
 * above the eyes passes crownAbove, else 1). A module-level loop: inline in otherPeopleMask, which
 * runs once a portrait, it made V8 compile that whole function (about 35 ms of TurboFan) and
 * throw it away again at the next portrait.
 */
function slowAboveCrown(above: Float32Array): Float32Array {
  const slowdown = new Float32Array(above.length);
  for (let i = 0; i < above.length; i++) slowdown[i] = above[i] > UNSEEN_PEOPLE.crownAbove ? UNSEEN_PEOPLE.subjectSlowdown : 1;
  return slowdown;
}

/** Each context pixel's height above the subject's eyes, in eye-to-chin lengths. */
function heightPlane(head: SubjectHead, contextToCrop: Affine2D, cw: number, ch: number): Float32Array {
  const { at0, perX, perY } = heightAboveEyes(head, contextToCrop);
  const out = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    const row = at0 + y * perY;
    for (let x = 0; x < cw; x++) out[y * cw + x] = row + x * perX;
  }
  return out;
}

/** The person pixels where the view ends (the plane's border, the photo's edge) high above the subject's eyes. */
function unseenBodySeeds(context: GrayImage, inPhoto: PlaneInPhoto | undefined, above: Float32Array): number[] {
  const { width: cw, height: ch, data } = context;
  const seeds: number[] = [];
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = y * cw + x;
      if (data[i] <= PERSON_THRESHOLD || above[i] <= UNSEEN_PEOPLE.seedAbove || outsideView(cw, ch, inPhoto, x, y)) continue;
      if (outsideView(cw, ch, inPhoto, x - 1, y) || outsideView(cw, ch, inPhoto, x + 1, y) || outsideView(cw, ch, inPhoto, x, y - 1) || outsideView(cw, ch, inPhoto, x, y + 1)) seeds.push(i);
    }
  }
  return seeds;
}

/** The subject's crown on the context plane (`crown`) grown by UNSEEN_PEOPLE.headSides: the whole head. */
function grownHead(crown: Uint8Array, head: SubjectHead, scale: number, cw: number, ch: number): Uint8Array {
  return dilateBox(crown, cw, ch, Math.max(1, Math.round(UNSEEN_PEOPLE.headSides * head.scale * scale)));
}

/**
 * The upper ends of the subject's person region far above their eyes (its pixels above
 * seedAbove with no person pixel over them) that hang from the subject's head alone: with the
 * head taken out (`headOf`, see grownHead), the region they lie in reaches nowhere below the
 * eyes. A forearm of someone standing behind, hands resting on the subject's head, whose body
 * the person model lost; the subject's own raised arm hangs from their shoulder, and a crowd
 * behind them joins their body beside the head.
 */
function limbEndsHangingFromHead(context: GrayImage, above: Float32Array, seenOwner: Int16Array | undefined, headOf: () => Uint8Array): number[] {
  const { data } = context;
  const n = data.length;
  const cw = context.width;
  const upperEnds = upperEndsAbove(data, above, seenOwner, cw);
  // Most views have no such end at all: the head's mask is made only when one is there.
  if (upperEnds.length === 0) return [];
  const head = headOf();
  const walk = new Uint8Array(n);
  for (let i = 0; i < n; i++) walk[i] = data[i] > PERSON_THRESHOLD && !head[i] && (seenOwner === undefined || seenOwner[i] <= 0) ? 1 : 0;
  const label = new Int32Array(n).fill(-1);
  const reachesBelowEyes: boolean[] = [];
  // Each pixel enters the stack once (labelled as it does): n slots are enough.
  const stack = new Int32Array(n);
  const ends: number[] = [];
  for (const i of upperEnds) {
    if (head[i]) continue;
    if (label[i] < 0) {
      const g = reachesBelowEyes.length;
      label[i] = g;
      stack[0] = i;
      reachesBelowEyes.push(floodReachesBelowEyes(stack, 1, g, walk, label, above, cw));
    }
    if (!reachesBelowEyes[label[i]]) ends.push(i);
  }
  return ends;
}

/**
 * Floods group g over the walkable pixels from the `size` pixels on the stack (already labelled
 * g), labelling each as it is queued; whether any pixel of it lies below the eyes.
 */
function floodReachesBelowEyes(stack: Int32Array, size: number, g: number, walk: Uint8Array, label: Int32Array, above: Float32Array, cw: number): boolean {
  const n = walk.length;
  let below = false;
  let top = size;
  while (top > 0) {
    const p = stack[--top];
    if (above[p] < 0) below = true;
    const x = p % cw;
    if (x > 0 && walk[p - 1] && label[p - 1] < 0) (label[p - 1] = g), (stack[top++] = p - 1);
    if (x < cw - 1 && walk[p + 1] && label[p + 1] < 0) (label[p + 1] = g), (stack[top++] = p + 1);
    if (p >= cw && walk[p - cw] && label[p - cw] < 0) (label[p - cw] = g), (stack[top++] = p - cw);
    if (p + cw < n && walk[p + cw] && label[p + cw] < 0) (label[p + cw] = g), (stack[top++] = p + cw);
  }
  return below;
}

/** In raster order, the person pixels not seen to be someone else's above UNSEEN_PEOPLE.seedAbove with no person pixel over them. */
function upperEndsAbove(data: Float32Array, above: Float32Array, seenOwner: Int16Array | undefined, cw: number): number[] {
  const ends: number[] = [];
  for (let i = cw; i < data.length; i++) {
    if (data[i] > PERSON_THRESHOLD && above[i] > UNSEEN_PEOPLE.seedAbove && data[i - cw] <= PERSON_THRESHOLD && (seenOwner === undefined || seenOwner[i] <= 0)) ends.push(i);
  }
  return ends;
}

/** Whether context pixel (x, y) lies outside the view: off the plane, or outside the photo. */
function outsideView(cw: number, ch: number, inPhoto: PlaneInPhoto | undefined, x: number, y: number): boolean {
  return x < 0 || y < 0 || x >= cw || y >= ch || (inPhoto !== undefined && !planePixelInPhoto(inPhoto, x, y));
}

/** The seeds less each group of them (8-connected on a `width`-wide plane) of fewer than `minCount` pixels. */
function withoutNarrowExits(seeds: readonly number[], width: number, minCount: number): number[] {
  if (seeds.length === 0) return [];
  const index = new Map<number, number>();
  seeds.forEach((p, k) => index.set(p, k));
  const group = new Int32Array(seeds.length).fill(-1);
  const sizes: number[] = [];
  for (let k = 0; k < seeds.length; k++) {
    if (group[k] >= 0) continue;
    const g = sizes.length;
    sizes.push(0);
    const stack = [k];
    group[k] = g;
    while (stack.length > 0) {
      const p = seeds[stack.pop() as number];
      sizes[g]++;
      const x = p % width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || x + dx < 0 || x + dx >= width) continue;
          const j = index.get(p + dy * width + dx);
          if (j !== undefined && group[j] < 0) (group[j] = g), stack.push(j);
        }
      }
    }
  }
  return seeds.filter((_, k) => sizes[group[k]] >= minCount);
}

/** A crop mask (pixel i on it where mask[i] >= threshold) on the context plane: 1 where the context pixel's middle lies on it. */
function maskOnContext(mask: ArrayLike<number>, threshold: number, width: number, height: number, contextToCrop: Affine2D, cw: number, ch: number): Uint8Array {
  const out = new Uint8Array(cw * ch);
  const [a, b, c, d, e, f] = contextToCrop;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      // applyAffine(contextToCrop, x + 0.5, y + 0.5), inline: this runs for every context pixel.
      const u = Math.floor(a * (x + 0.5) + b * (y + 0.5) + c);
      const v = Math.floor(d * (x + 0.5) + e * (y + 0.5) + f);
      if (u >= 0 && v >= 0 && u < width && v < height && mask[v * width + u] >= threshold) out[y * cw + x] = 1;
    }
  }
  return out;
}

/** plane := 0 where the mask is set, in place. */
function clearWhere(plane: Float32Array, mask: Uint8Array): void {
  for (let i = 0; i < plane.length; i++) if (mask[i]) plane[i] = 0;
}

/**
 * The share of a face's box that a region holds. A face half hidden behind the subject's hair
 * has its box's middle on that hair: the share of the whole box counts. (A module-level
 * function: as a closure made per call, its loop was compiled again for every portrait.)
 */
function heldShare(region: GrayImage, b: Box): number {
  let held = 0;
  let all = 0;
  for (let y = Math.max(0, Math.floor(b.y)); y < Math.min(region.height, Math.ceil(b.y + b.height)); y++) {
    for (let x = Math.max(0, Math.floor(b.x)); x < Math.min(region.width, Math.ceil(b.x + b.width)); x++) {
      all++;
      if (region.data[y * region.width + x] > 0.5) held++;
    }
  }
  return all > 0 ? held / all : 0;
}

/** ISNet's region connected to the subject's face, less the other faces' boxes; undefined when it holds most of another face. */
export function ownSalientRegion(salient: GrayImage, seeds: readonly Point[], otherBoxes: readonly Box[], otherLandmarks: readonly (readonly Point[] | undefined)[] = []): GrayImage | undefined {
  const own = isolateSubject(salient, seeds);
  if (otherBoxes.some((b) => heldShare(own, b) > 0.5)) return undefined;
  // Another person's face is never the subject's, whatever ISNet joined to it: the hull of
  // their landmarks where placed (the box's margin may be the subject's hair), else the box.
  for (const [k, b] of otherBoxes.entries()) clearWhere(own.data, otherFaceMask(b, otherLandmarks[k], own.width, own.height));
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

/**
 * What ISNet joins to the subject (ownSalientRegion) wins over the people split: the split
 * cannot tell who stands in front. But ISNet also joins to the subject's hair the hair of
 * someone behind them: a neighbour's blonde ponytail, back to back with a dark-haired subject,
 * stayed in her portrait. Where the photo's colours tell the two apart, they decide.
 */
export const OWN_REGION_COLOUR = Object.freeze({
  /**
   * The subject's colours (what ISNet holds of them outside the split's other people) and the
   * other person's (what the split gives them outside ISNet's region) overlapping this much or
   * more (Bhattacharyya coefficient): colour cannot tell them apart, ISNet's region stands.
   * Measured: the blonde ponytail behind dark hair 0.17; a blonde subject beside a blonde
   * neighbour 0.41 (colour took some of the subject's hair); two groups of friends at a bar 0.77–0.79.
   */
  maxOverlap: 0.3,
});

/**
 * Takes back from `own` (ownSalientRegion) the pixels the people split gives to someone else
 * whose colour is likelier that person's than the subject's (colourFavoursSubject), where the
 * colours can tell them apart (OWN_REGION_COLOUR). Not in `body`, the subject's neck and
 * shoulders: the subject's black top matched a neighbour's dark hair and a shoulder lost its
 * tip. Changes `own` in place.
 */
export function ownWhereColourAgrees(crop: RgbaImage, matte: GrayImage, own: GrayImage, others: GrayImage, faceScale: number, body: GrayImage): void {
  const n = own.data.length;
  const roles = new Uint8Array(n);
  let contested = false;
  for (let i = 0; i < n; i++) {
    const ownHolds = own.data[i] >= 0.5;
    const othersHold = others.data[i] >= 0.5;
    if (ownHolds && othersHold) {
      if (matte.data[i] >= 0.1 && body.data[i] < 0.5) (roles[i] = VOTE_CANDIDATE), (contested = true);
    } else if (matte.data[i] >= 0.6) {
      if (ownHolds) roles[i] = VOTE_SUBJECT;
      else if (othersHold) roles[i] = VOTE_BACKDROP;
    }
  }
  if (!contested) return;
  const favours = colourFavoursSubject(crop, roles, faceScale, OWN_REGION_COLOUR.maxOverlap);
  for (let i = 0; i < n; i++) if (roles[i] === VOTE_CANDIDATE && !favours[i]) own.data[i] = 0;
}
