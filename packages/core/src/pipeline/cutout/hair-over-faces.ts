import type { Point } from '../../geometry/point.js';
import { convexHull, fillPolygon } from '../../image/fill-polygon.js';
import { gaussianBlurGray } from '../../image/gaussian-blur.js';
import { joinedTo } from '../../image/joined-to.js';
import { createGrayImage, type GrayImage, type RgbaImage } from '../../image/rgba-image.js';
import { COLOUR_BINS as BINS, colourBinOf as binOf } from './colour-bins.js';
import { faceRegion } from './face-region.js';
import { COLOUR_SPLIT } from './split-by-colour.js';

/**
 * Who stands in front, from the photo. The people split grows each face from its middle and
 * cannot tell; another person's face is never given to the subject. Where the subject's hair
 * lies over another face, the photo shows it: pixels of that face's hull in the colour of the
 * subject's hair, not of that face's skin, joined to the subject's crown.
 * - A strip of it, reached from the subject's side, is the subject's hair over the face's edge:
 *   a woman's hair over the cheek of the man behind her was cut straight along his jaw line.
 * - A face largely covered is behind the subject: a woman behind a subject with long curls had
 *   the middle of her box on those curls and took them, with the shoulder under them.
 */
export const HAIR_OVER_FACES = Object.freeze({
  /** A hull pixel is covered where its colour is this much likelier (log ratio) the subject's hair than the face's skin. */
  hairOverSkin: 1,
  /**
   * A face with at least this share of its bare skin covered is behind the subject. Measured:
   * the composite with a face half under the subject's curls 0.31; faces beside the subject in
   * the other composites and in the real photos (a couple cheek to cheek, groups) 0.00–0.08.
   */
  coveredShare: 0.25,
  /** Fewer sure pixels of the subject's hair or of the face's skin than this: too little to learn from, the face is not judged. */
  minSamples: 100,
  /** The subject's hair is learnt where the matte holds it this surely. */
  sureMatte: 0.9,
  /** The edge of the hair handed back over a face is softened by a Gaussian of this σ (eye-to-chin lengths): colour picks pixels one by one, and its ragged edge showed. */
  edgeSoftness: 0.025,
});

/** The subject's hair over another face, as the people split needs it. */
export interface HairOverFace {
  /** The face's hull where the subject's hair covers it, reached from the subject's side (not through that person's own hair above their face): the subject's. Undefined where the hair is nowhere on the face. */
  readonly onFace: Uint8Array | undefined;
  /** Where the face is largely covered (HAIR_OVER_FACES.coveredShare), the face as one behind the subject; else undefined. */
  readonly behind: FaceBehind | undefined;
}

/** A face found behind the subject's hair. */
export interface FaceBehind {
  /** The subject's hair as it spreads over this face's part of the photo: pixels of the hair's colour joined to the subject's crown. */
  readonly covering: Uint8Array;
  /** The face's hull where the hair does not cover it: the face that shows. */
  readonly visible: Uint8Array;
  /** The share of the face's bare skin (its hull less brows, eyes, nose and mouth) covered. */
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
 * For each other face with landmarks, where the subject's hair covers it and whether it lies
 * behind the subject (HAIR_OVER_FACES); undefined for a face without landmarks or when there
 * is too little to learn the colours from. The subject's hair is learnt on their crown outside
 * their face's hull, the other face's skin on its nose and mouth; a pixel counts as the
 * subject's hair where its colour is likelier that hair and it joins the crown through such
 * pixels the matte holds (a dark jacket elsewhere in the photo may match dark hair, but is not
 * joined to the head). `held` is what ISNet holds joined to the subject (asked only when a
 * face is behind).
 */
export function hairOverOtherFaces(crop: RgbaImage, matte: GrayImage, held: () => GrayImage, subjectLandmarks: readonly Point[], otherLandmarks: readonly (readonly Point[] | undefined)[]): (HairOverFace | undefined)[] {
  // Nothing to judge where no other face has landmarks (a far face's are not placed).
  if (!otherLandmarks.some((landmarks) => landmarks !== undefined)) return otherLandmarks.map(() => undefined);
  const { width, height } = matte;
  const n = width * height;
  const rgba = crop.data;
  // Each pixel's colour bin (-1 where the crop runs past the photo), once: every pass below reads it.
  const bins = new Int16Array(n);
  for (let i = 0; i < n; i++) bins[i] = rgba[i * 4 + 3] === 255 ? binOf(rgba, i) : -1;
  const hulls = otherLandmarks.map((landmarks) => (landmarks ? faceRegion(landmarks, width, height, 0) : undefined));
  const inOtherHull = new Uint8Array(n);
  for (const hull of hulls) if (hull) for (let i = 0; i < n; i++) if (hull.data[i] >= 0.5) inOtherHull[i] = 1;
  const crown = faceRegion(subjectLandmarks, width, height, COLOUR_SPLIT.crown);
  const face = faceRegion(subjectLandmarks, width, height);
  const hair = new Float64Array(BINS);
  const hairSamples: number[] = [];
  for (let i = 0; i < n; i++) {
    if (crown.data[i] < 0.5 || face.data[i] >= 0.5 || matte.data[i] < HAIR_OVER_FACES.sureMatte || bins[i] < 0 || inOtherHull[i]) continue;
    hair[bins[i]]++;
    hairSamples.push(i);
  }
  if (hairSamples.length < HAIR_OVER_FACES.minSamples) return otherLandmarks.map(() => undefined);
  const subject: SubjectHair = { matte, bins, hair, hairSamples, ownSkin: skinOf(subjectLandmarks, width, height, bins), held };
  const out: (HairOverFace | undefined)[] = [];
  for (const [k, landmarks] of otherLandmarks.entries()) {
    const hull = hulls[k];
    out.push(landmarks && hull ? hairOverFace(subject, landmarks, hull) : undefined);
  }
  return out;
}

// The per-face work and the skin's colours are module-level functions, not closures made per
// call: V8 keeps a closure's optimised code only while that closure lives, and compiled their
// per-pixel loops again for every portrait with another face in view (77–126 ms of compiling a
// portrait on the touching-people fixtures, on the core the pipeline's own work needs).

/** What every other face is judged against: the subject's hair and skin, and the crop's colour bins. */
interface SubjectHair {
  readonly matte: GrayImage;
  /** Each crop pixel's colour bin, −1 past the photo. */
  readonly bins: Int16Array;
  /** The subject's hair colours (a histogram of bins), learnt at `hairSamples`. */
  readonly hair: Float64Array;
  readonly hairSamples: readonly number[];
  readonly ownSkin: Skin;
  /** What ISNet holds joined to the subject (asked only when a face is behind). */
  readonly held: () => GrayImage;
}

/** A face's skin colours: the histogram of its nose and mouth (`core`). */
interface Skin {
  readonly histogram: Float64Array;
  readonly count: number;
  readonly core: GrayImage;
}

/** A face's skin: the colours of its nose and mouth. */
function skinOf(landmarks: readonly Point[], width: number, height: number, bins: Int16Array): Skin {
  const core = fillPolygon(width, height, convexHull([...landmarks.slice(...NOSE), ...landmarks.slice(...MOUTH)]));
  const histogram = new Float64Array(BINS);
  let count = 0;
  for (let i = 0; i < bins.length; i++) if (core.data[i] >= 0.5 && bins[i] >= 0) histogram[bins[i]]++, count++;
  return { histogram, count, core };
}

/** Where the subject's hair covers the face of these landmarks (its hull `hull`), and whether it is behind (see hairOverOtherFaces). */
function hairOverFace(subject: SubjectHair, landmarks: readonly Point[], hull: GrayImage): HairOverFace | undefined {
  const { matte, bins, hair, hairSamples, ownSkin } = subject;
  const { width, height } = matte;
  const n = width * height;
  const { histogram: skin, count: skinCount, core } = skinOf(landmarks, width, height, bins);
  if (skinCount < HAIR_OVER_FACES.minSamples) return undefined;
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
    hairLike[b] = overSkin > HAIR_OVER_FACES.hairOverSkin && overOwnSkin > HAIR_OVER_FACES.hairOverSkin ? 1 : 0;
  }
  const hairColoured = new Uint8Array(n);
  for (let i = 0; i < n; i++) hairColoured[i] = bins[i] >= 0 && matte.data[i] >= 0.5 && hairLike[bins[i]] === 1 ? 1 : 0;
  const stack = new Int32Array(n);
  const covering = joinedTo(hairSamples, width, height, hairColoured, stack);
  // The share is counted on the face's bare skin: brows, eyes, nostrils and lips are dark in
  // every face and would pass for dark hair.
  const features = fillPolygon(width, height, convexHull([...landmarks.slice(...BROWS), ...landmarks.slice(...EYES)]));
  let bareSkin = 0;
  let coveredSkin = 0;
  let touched = false;
  for (let i = 0; i < n; i++) {
    if (hull.data[i] < 0.5 || bins[i] < 0) continue;
    if (covering[i]) touched = true;
    if (features.data[i] >= 0.5 || core.data[i] >= 0.5) continue;
    bareSkin++;
    if (covering[i]) coveredSkin++;
  }
  // The hair nowhere on the face: nothing to hand back, no one behind.
  if (!touched) return { onFace: undefined, behind: undefined };
  const share = bareSkin > 0 ? coveredSkin / bareSkin : 0;
  // That person's own head above their face (their hull lifted like a crown).
  const ownHead = faceRegion(landmarks, width, height, COLOUR_SPLIT.crown);
  // The hair on the face counts only as reached from the subject's side: through that person's
  // own hair above their face, a fringe the colour of the subject's roots would count too.
  // Nor through their brows, eyes, nose or mouth: dark brows touching dark hair are still theirs.
  const sideways = new Uint8Array(n);
  for (let i = 0; i < n; i++) sideways[i] = covering[i] === 1 && (hull.data[i] >= 0.5 ? features.data[i] < 0.5 && core.data[i] < 0.5 : ownHead.data[i] < 0.5) ? 1 : 0;
  const onFace = joinedTo(hairSamples, width, height, sideways, stack);
  for (let i = 0; i < n; i++) if (hull.data[i] < 0.5) onFace[i] = 0;
  if (share < HAIR_OVER_FACES.coveredShare) return { onFace, behind: undefined };
  // In front, the subject owns what ISNet holds of them; behind, the other person keeps their
  // own head wherever the subject's hair does not cover it, and grows from the face that shows.
  const visible = new Uint8Array(n);
  for (let i = 0; i < n; i++) visible[i] = hull.data[i] >= 0.5 && bins[i] >= 0 && !covering[i] ? 1 : 0;
  const subjectHeld = subject.held();
  const barred = new Uint8Array(n);
  for (let i = 0; i < n; i++) barred[i] = subjectHeld.data[i] >= 0.5 && (ownHead.data[i] < 0.5 || covering[i]) ? 1 : 0;
  return { onFace, behind: { covering, visible, share, barred } };
}

/**
 * Gives the subject back their hair over other faces in the people split's `others` (how much
 * each crop pixel is someone else's), in place: all the hair's colour joined to the crown over a
 * face behind the subject (the split's line is drawn on a coarser plane), and over any other
 * face the hair reaching onto it from the subject's side, its edge softened.
 */
export function giveBackHair(others: GrayImage, hairOver: readonly (HairOverFace | undefined)[], faceScale: number): void {
  const { width, height, data } = others;
  for (const face of hairOver) {
    if (!face) continue;
    if (face.behind) for (let i = 0; i < data.length; i++) if (face.behind.covering[i]) data[i] = 0;
    if (!face.onFace) continue;
    const onFace = createGrayImage(width, height);
    let any = false;
    for (let i = 0; i < data.length; i++) if (face.onFace[i]) (onFace.data[i] = 1), (any = true);
    if (!any) continue;
    const soft = gaussianBlurGray(onFace, Math.max(1, HAIR_OVER_FACES.edgeSoftness * faceScale));
    for (let i = 0; i < data.length; i++) data[i] *= 1 - Math.min(1, soft.data[i]);
  }
}
