import type { Point } from '../../geometry/point.js';
import { convexHull, fillPolygon } from '../../image/fill-polygon.js';
import type { GrayImage, RgbaImage } from '../../image/rgba-image.js';
import { COLOUR_BINS as BINS, colourBinOf as binOf } from './colour-bins.js';
import { faceRegion } from './face-region.js';
import { COLOUR_SPLIT } from './split-by-colour.js';

/**
 * Who stands in front, from the photo: a face whose landmarks' hull is largely the colour of
 * the subject's hair, not of that face's own skin, is half hidden behind the subject's hair.
 * The people split grows each face from its middle and cannot tell; a woman behind a subject
 * with long curls had the middle of her box on those curls and took them, with the shoulder
 * under them, from the subject.
 */
export const FACES_BEHIND = Object.freeze({
  /** A hull pixel is covered where its colour is this much likelier (log ratio) the subject's hair than the face's skin. */
  hairOverSkin: 1,
  /**
   * A face with at least this share of its hull covered is behind the subject. Measured: faces
   * behind a subject's hair in composites 0.30–0.38; people side by side in real photos (a
   * couple cheek to cheek, a group) 0.00–0.18.
   */
  coveredShare: 0.25,
  /** Fewer sure pixels of the subject's hair or of the face's skin than this: too little to learn from, the face is not judged. */
  minSamples: 100,
  /** The subject's hair is learnt where the matte holds it this surely. */
  sureMatte: 0.9,
});

/** A face found behind the subject's hair. */
export interface FaceBehind {
  /** The subject's hair as it spreads over this face's part of the photo: pixels of the hair's colour joined to the subject's crown. */
  readonly covering: Uint8Array;
  /** The face's hull where the hair does not cover it: the face that shows. */
  readonly visible: Uint8Array;
  /** The share of the hull covered. */
  readonly share: number;
  /** Where the face's person never reaches in the people split: what ISNet holds of the subject, save that person's own head where the hair does not cover it. */
  readonly barred: Uint8Array;
}

/** The 68-point indices of the nose (bridge and tip) and the mouth: the skin least often under someone else's hair. */
const NOSE = [29, 36] as const;
const MOUTH = [48, 60] as const;
const BROWS = [17, 27] as const;
const EYES = [36, 48] as const;

/**
 * For each other face with landmarks, whether it lies behind the subject's hair (FACES_BEHIND),
 * and if so where. The subject's hair is learnt on their crown outside their face's hull, the
 * other face's skin on its nose and mouth; a pixel counts as the subject's hair where its colour
 * is likelier that hair and it joins the crown through such pixels the matte holds (a dark
 * jacket elsewhere in the photo may match dark hair, but is not joined to the head). `held` is
 * what ISNet holds joined to the subject (asked only when a face is behind).
 */
export function facesBehindSubject(crop: RgbaImage, matte: GrayImage, held: () => GrayImage, subjectLandmarks: readonly Point[], otherLandmarks: readonly (readonly Point[] | undefined)[]): (FaceBehind | undefined)[] {
  const { width, height } = matte;
  const n = width * height;
  const opaque = (i: number) => crop.data[i * 4 + 3] === 255;
  const hulls = otherLandmarks.map((landmarks) => (landmarks ? faceRegion(landmarks, width, height, 0) : undefined));
  const crown = faceRegion(subjectLandmarks, width, height, COLOUR_SPLIT.crown);
  const face = faceRegion(subjectLandmarks, width, height);
  const hair = new Float64Array(BINS);
  const hairSamples: number[] = [];
  for (let i = 0; i < n; i++) {
    if (crown.data[i] < 0.5 || face.data[i] >= 0.5 || matte.data[i] < FACES_BEHIND.sureMatte || !opaque(i)) continue;
    if (hulls.some((h) => h !== undefined && h.data[i] >= 0.5)) continue;
    hair[binOf(crop.data, i)]++;
    hairSamples.push(i);
  }
  if (hairSamples.length < FACES_BEHIND.minSamples) return otherLandmarks.map(() => undefined);
  // A face's skin: the colours of its nose and mouth.
  const skinOf = (landmarks: readonly Point[]) => {
    const core = fillPolygon(width, height, convexHull([...landmarks.slice(...NOSE), ...landmarks.slice(...MOUTH)]));
    const histogram = new Float64Array(BINS);
    let count = 0;
    for (let i = 0; i < n; i++) if (core.data[i] >= 0.5 && opaque(i)) histogram[binOf(crop.data, i)]++, count++;
    return { histogram, count, core };
  };
  const ownSkin = skinOf(subjectLandmarks);
  return otherLandmarks.map((landmarks, k) => {
    const hull = hulls[k];
    if (!landmarks || !hull) return undefined;
    const { histogram: skin, count: skinCount, core } = skinOf(landmarks);
    if (skinCount < FACES_BEHIND.minSamples) return undefined;
    // Per colour bin: likelier the subject's hair than this face's skin and than the subject's
    // own skin (a receding hairline puts skin on the crown). Then that colour joined to the crown.
    const hairLike = new Uint8Array(BINS);
    const hairNorm = hairSamples.length + 0.5 * BINS;
    const skinNorm = skinCount + 0.5 * BINS;
    const ownSkinNorm = ownSkin.count + 0.5 * BINS;
    for (let b = 0; b < BINS; b++) {
      const hairLog = Math.log((hair[b] + 0.5) / hairNorm);
      const overSkin = hairLog - Math.log((skin[b] + 0.5) / skinNorm);
      const overOwnSkin = hairLog - Math.log((ownSkin.histogram[b] + 0.5) / ownSkinNorm);
      hairLike[b] = overSkin > FACES_BEHIND.hairOverSkin && overOwnSkin > FACES_BEHIND.hairOverSkin ? 1 : 0;
    }
    const covering = joinedTo(hairSamples, width, height, (i) => matte.data[i] >= 0.5 && opaque(i) && hairLike[binOf(crop.data, i)] === 1);
    // The share is counted on the face's bare skin: brows, eyes, nostrils and lips are dark in
    // every face and would pass for dark hair.
    const features = fillPolygon(width, height, convexHull([...landmarks.slice(...BROWS), ...landmarks.slice(...EYES)]));
    const visible = new Uint8Array(n);
    let inHull = 0;
    let coveredCount = 0;
    for (let i = 0; i < n; i++) {
      if (hull.data[i] < 0.5 || !opaque(i)) continue;
      if (!covering[i]) visible[i] = 1;
      if (features.data[i] >= 0.5 || core.data[i] >= 0.5) continue;
      inHull++;
      if (covering[i]) coveredCount++;
    }
    const share = inHull > 0 ? coveredCount / inHull : 0;
    if (share < FACES_BEHIND.coveredShare) return undefined;
    // In front, the subject owns what ISNet holds of them; behind, the other person keeps their
    // own head (their hull lifted like a crown) wherever the subject's hair does not cover it.
    const ownHead = faceRegion(landmarks, width, height, COLOUR_SPLIT.crown);
    const subjectHeld = held();
    const barred = new Uint8Array(n);
    for (let i = 0; i < n; i++) barred[i] = subjectHeld.data[i] >= 0.5 && (ownHead.data[i] < 0.5 || covering[i]) ? 1 : 0;
    return { covering, visible, share, barred };
  });
}

/** The pixels joined to `from` through pixels that pass `open` (4-connected). */
function joinedTo(from: readonly number[], width: number, height: number, open: (i: number) => boolean): Uint8Array {
  const n = width * height;
  const reached = new Uint8Array(n);
  const stack: number[] = [];
  for (const i of from) if (!reached[i] && open(i)) (reached[i] = 1), stack.push(i);
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const x = i % width;
    if (x > 0 && !reached[i - 1] && open(i - 1)) (reached[i - 1] = 1), stack.push(i - 1);
    if (x < width - 1 && !reached[i + 1] && open(i + 1)) (reached[i + 1] = 1), stack.push(i + 1);
    if (i >= width && !reached[i - width] && open(i - width)) (reached[i - width] = 1), stack.push(i - width);
    if (i + width < n && !reached[i + width] && open(i + width)) (reached[i + width] = 1), stack.push(i + width);
  }
  return reached;
}
