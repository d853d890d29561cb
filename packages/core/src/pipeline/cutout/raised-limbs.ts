import type { GrayImage, RgbaImage } from '../../image/rgba-image.js';
import { COLOUR_BIN_STEPS, COLOUR_BINS, colourBinOf, colourBinOfSteps, stepsOfColourBin } from './colour-bins.js';
import { colourFavoursSubject, VOTE_BACKDROP, VOTE_CANDIDATE, VOTE_SUBJECT } from './colour-vote.js';

/**
 * A raised arm (a hand at the mouth, an arm over the head) lies outside the body the landmarks
 * predict, and ISNet, which sees the head as the salient object, holds it only faintly: below
 * 0.5 it is cut off by isolateSubject, leaving a severed hand. The person model puts it well
 * inside the person. Sizes in eye-to-chin lengths.
 */
export const RAISED_LIMBS = Object.freeze({
  /** The fused alpha a candidate has at least (and below 0.5, where it would be kept anyway). */
  minAlpha: 0.2,
  /**
   * How deep inside the person model's person a lifted region reaches at least. Its other
   * pixels need only lie `rimDepth` inside: the model's coarse contour runs through the far side
   * of a forearm.
   */
  minDepth: 0.15,
  /** How deep inside the person every candidate lies: at the contour's very rim lie the dark cushion and the sofa beside the hair. */
  rimDepth: 0.08,
  /** Sure backdrop, to vote against: outside the person and ISNet below this. */
  backdropSalient: 0.05,
  /**
   * A candidate's colour lies within this many histogram steps (16 levels) of a colour the face
   * shows: an arm's skin in its own light, not a pink cushion or a purple sofa the person model
   * took into the person.
   */
  skinReach: 2,
  /** A face colour counts once this many of the face's pixels have it (not a stray pixel of an eyelash). */
  skinMinPixels: 3,
  /** Where the face's and the backdrop's colours overlap this much (Bhattacharyya), colour cannot decide: nothing is lifted. */
  maxOverlap: 0.5,
  /** A lifted region smaller than this (as a share of an eye-to-chin length squared) is a sliver at the hair's edge, not a limb: left as it is. */
  minArea: 0.2,
});

/**
 * Lifts to 1 the raised limbs of `fused` (in place) and returns how many pixels it lifted.
 * Candidates lie outside `body`, at least RAISED_LIMBS.rimDepth inside the person, not on
 * `others` (another person's part of the crop) and in colours near the face's; the face's
 * colours decide them against the backdrop's (colourFavoursSubject, unsure fails). A region of
 * passed candidates is lifted when it is large enough and reaches RAISED_LIMBS.minDepth into
 * the person. What is lifted stays only where isolateSubject joins it to the subject.
 */
export function liftRaisedLimbs(crop: RgbaImage, fused: GrayImage, face: GrayImage, personDepth: GrayImage, body: GrayImage, salient: GrayImage, others: Float32Array | undefined, faceScale: number): number {
  const n = fused.data.length;
  const skin = skinColours(crop, face);
  const rimDepth = RAISED_LIMBS.rimDepth * faceScale;
  const roles = new Uint8Array(n);
  const isCandidate = new Uint8Array(n);
  let candidates = 0;
  for (let i = 0; i < n; i++) {
    const depth = personDepth.data[i];
    if (face.data[i] >= 0.5) roles[i] = VOTE_SUBJECT;
    else if (depth < 0 && salient.data[i] < RAISED_LIMBS.backdropSalient) roles[i] = VOTE_BACKDROP;
    else if (depth >= rimDepth && body.data[i] === 0 && fused.data[i] >= RAISED_LIMBS.minAlpha && fused.data[i] < 0.5 && !(others && others[i] >= 0.5) && skin[colourBinOf(crop.data, i)]) {
      roles[i] = VOTE_CANDIDATE;
      isCandidate[i] = 1;
      candidates++;
    }
  }
  if (candidates === 0) return 0;
  const minArea = RAISED_LIMBS.minArea * faceScale * faceScale;
  const minDepth = RAISED_LIMBS.minDepth * faceScale;
  // The vote only takes candidates away, so a lifted region lies inside a region of candidates
  // that is as large and as deep: without one, nothing can be lifted, and the vote (the costly
  // part) is skipped.
  if (forEachDeepRegion(isCandidate, personDepth.data, crop.width, minArea, minDepth, () => false) === 0) return 0;
  const votes = colourFavoursSubject(crop, roles, faceScale, RAISED_LIMBS.maxOverlap, 'fails');
  return forEachDeepRegion(votes, personDepth.data, crop.width, minArea, minDepth, (pixels, count) => {
    for (let k = 0; k < count; k++) fused.data[pixels[k]] = 1;
    return true;
  });
}

/** Which colour bins lie within RAISED_LIMBS.skinReach steps of a colour the face (inside the photo) shows. */
function skinColours(crop: RgbaImage, face: GrayImage): Uint8Array {
  const counts = new Uint32Array(COLOUR_BINS);
  for (let i = 0; i < face.data.length; i++) if (face.data[i] >= 0.5 && crop.data[i * 4 + 3] === 255) counts[colourBinOf(crop.data, i)]++;
  const near = new Uint8Array(COLOUR_BINS);
  const reach = RAISED_LIMBS.skinReach;
  for (let bin = 0; bin < COLOUR_BINS; bin++) {
    if (counts[bin] < RAISED_LIMBS.skinMinPixels) continue;
    const [r, g, b] = stepsOfColourBin(bin);
    const top = COLOUR_BIN_STEPS - 1;
    for (let rr = Math.max(0, r - reach); rr <= Math.min(top, r + reach); rr++) {
      for (let gg = Math.max(0, g - reach); gg <= Math.min(top, g + reach); gg++) {
        for (let bb = Math.max(0, b - reach); bb <= Math.min(top, b + reach); bb++) near[colourBinOfSteps(rr, gg, bb)] = 1;
      }
    }
  }
  return near;
}

/**
 * Calls `visit` with each 4-connected region of `chosen` of at least `minArea` pixels with one
 * at least `minDepth` deep (its pixel indices are `pixels[0 .. count)`), until it returns false;
 * returns the pixels of the regions visited.
 */
function forEachDeepRegion(chosen: Uint8Array, depth: Float32Array, width: number, minArea: number, minDepth: number, visit: (pixels: Int32Array, count: number) => boolean): number {
  const n = chosen.length;
  const seen = new Uint8Array(n);
  const region = new Int32Array(n);
  let visited = 0;
  for (let start = 0; start < n; start++) {
    if (!chosen[start] || seen[start]) continue;
    let count = 0;
    let deepest = -Infinity;
    region[count++] = start;
    seen[start] = 1;
    for (let k = 0; k < count; k++) {
      const i = region[k];
      const x = i % width;
      if (depth[i] > deepest) deepest = depth[i];
      if (x > 0 && chosen[i - 1] && !seen[i - 1]) (seen[i - 1] = 1), (region[count++] = i - 1);
      if (x < width - 1 && chosen[i + 1] && !seen[i + 1]) (seen[i + 1] = 1), (region[count++] = i + 1);
      if (i >= width && chosen[i - width] && !seen[i - width]) (seen[i - width] = 1), (region[count++] = i - width);
      if (i + width < n && chosen[i + width] && !seen[i + width]) (seen[i + width] = 1), (region[count++] = i + width);
    }
    if (count < minArea || deepest < minDepth) continue;
    visited += count;
    if (!visit(region, count)) break;
  }
  return visited;
}
