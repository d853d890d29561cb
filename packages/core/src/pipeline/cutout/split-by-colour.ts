import { boxRadiusFor, stackedBoxBlurGray } from '../../image/box-blur.js';
import { COLOUR_BINS as BINS, colourBinOf as binOf } from './colour-bins.js';
import { signedDistance } from '../../image/distance-transform.js';
import { joinedTo } from '../../image/joined-to.js';
import type { Box, Point } from '../../geometry/point.js';
import { atLeastHalf, faceRegion, otherFaceMask } from './face-region.js';
import { createGrayImage, cropGrayImage, type GrayImage, type RgbaImage } from '../../image/rgba-image.js';
import { ellipseMask, headEllipse } from './head-ellipse.js';

/**
 * Distances in eye-to-chin lengths. The people split (otherPeopleMask) grows each face over the
 * person model's coarse mask and cannot tell who stands in front: where the subject's hair
 * lies over a neighbour behind, its line runs straight through the hair. Near that line the
 * photo itself says better who owns a pixel: blond hair against a neighbour's brown hair or
 * dark jumper. Each side's colours are learnt a little way back from the line, where the split
 * is sure.
 */
export const COLOUR_SPLIT = Object.freeze({
  /** Pixels this close to the split's line are contested. */
  band: 0.5,
  /**
   * Each side's colours are sampled from `band` to this far from the line; out to here on the
   * subject's side, colour also takes from her what is clearly the neighbour's and joins their
   * side (a lock of their hair hanging beside her face, past the band).
   */
  sample: 1.2,
  /** Log-likelihood ratio beyond which the colour decides; between, the split's own line stays. */
  decisive: 1.2,
  /** Learn-and-move passes: the second learns from where the first put the line. */
  passes: 2,
  /** Height of the strips whose colours are learnt apart. */
  strip: 0.5,
  /** How many strips above and below also count. */
  stripReach: 1,
  /** Fewer sure pixels than this on either side (in a strip and its neighbours): too little to learn from, nothing changes there. */
  minSamples: 150,
  /**
   * Where the two sides' colours overlap this much or more (Bhattacharyya coefficient of the
   * strip's two histograms), colour cannot tell them apart and nothing changes there: two
   * people in black tops left a speckle of the neighbour's shirt, as dark as the subject's
   * top, in her portrait. 0.5 is two equal bell curves 2.4 spreads apart, where one pixel in
   * eight is misread; hair against hair or a jumper is far below it.
   */
  maxOverlap: 0.5,
  /**
   * Where the sides' colours overlap that much (skin on both sides), a pixel still goes to the
   * neighbour when its colour is this decisive (12× likelier on their side) and it joins their
   * side through such pixels: a neighbour's dark lock hung beside a white-haired woman's face,
   * across the split's line, in strips where both sides held skin (overlap 0.7). At `decisive`
   * (1.2) a blonde lost hair tips at the photo's edge to the dark-haired man beside her.
   */
  joinedDecisive: 2.5,
  /**
   * The subject's crown: the landmarks' hull with the brows lifted this far (the skull's top is
   * about 0.75 above them). Colour never gives it, nor the hair above it up to `hairLift`, to a
   * neighbour: dark roots under blonde hair match the brown hair of someone behind, and a bite
   * came out of the top of the head. (Where ISNet sees through a head, the skull is made solid.)
   */
  crown: 0.8,
  /**
   * Another person's head: its face box as an oval (headEllipse) reaching this many box
   * heights above the box. Colour never gives it to the subject: the dark hair of a man behind
   * matched the subject's dark roots and shadows, and a tuft of his hair stayed in her portrait.
   */
  neighbourCrown: 0.6,
  /**
   * …and, where their landmarks were placed, the hull of them with the brows lifted this far
   * (eye-to-chin lengths; `crown` is the subject's skull): the top of a woman's full hair, above a
   * lift of 0.8, went by colour (its dark roots) to the man beside her, as a lock across his
   * portrait's top corner. The subject's own hair is kept from the colour as far up (see
   * splitByColour's `subjectHead`): the same dark roots on top of a blonde subject's head went by
   * colour to the dark-haired man beside her, and her crown was cut flat.
   */
  hairLift: 1.2,
});


/**
 * Moves the people split's line along colour: in a band around the line where the matte holds
 * something, a pixel whose colour is clearly the neighbour's side goes to the neighbour, one
 * clearly the subject's to the subject (log-likelihood of two colour histograms, smoothed over a
 * few pixels); past the band on the subject's side, and where the two sides' colours overlap,
 * only what is clearly the neighbour's and joins their side goes to them. Another person's head
 * is never given to the subject: their face (skin matches skin) and the hair above it — the
 * hull of their landmarks lifted by `hairLift` where `otherLandmarks` has them, else their face
 * box and its oval lifted by `neighbourCrown`; nor the subject's own head (`subjectHead`: their
 * hull lifted by `hairLift`, outside other faces) to anyone else. Changes `others` (how much
 * each crop pixel is someone else's) in place.
 */
export function splitByColour(
  crop: RgbaImage,
  matte: GrayImage,
  others: GrayImage,
  faceScale: number,
  otherFaces: readonly Box[] = [],
  subjectHead?: GrayImage,
  otherLandmarks: readonly (readonly Point[] | undefined)[] = [],
): void {
  // Twice: the first pass moves the line, the second learns each side's colours from where the
  // moved line says they are (the first pass's samples beyond a badly placed line were mixed).
  // Nothing of anyone else that the matte holds: nothing to learn their colours from (most
  // portraits with a neighbour far away), so the distance transforms below are skipped.
  let othersHeld = 0;
  for (let i = 0; i < others.data.length; i++) if (others.data[i] > 0.5 && matte.data[i] >= 0.6) othersHeld++;
  if (othersHeld < COLOUR_SPLIT.minSamples) return;
  const { width, height } = others;
  const inOtherFace = new Uint8Array(width * height);
  for (const [k, b] of otherFaces.entries()) markWhere(inOtherFace, otherFaceMask(b, otherLandmarks[k], width, height), undefined);
  const inSubjectHead = new Uint8Array(width * height);
  if (subjectHead) for (let i = 0; i < inSubjectHead.length; i++) inSubjectHead[i] = subjectHead.data[i] >= 0.5 && !inOtherFace[i] ? 1 : 0;
  // The others' hair above their faces, where it is not the subject's own head.
  const inOtherHead = new Uint8Array(inOtherFace);
  for (const [k, b] of otherFaces.entries()) {
    const landmarks = otherLandmarks[k];
    const head = landmarks ? atLeastHalf(faceRegion(landmarks, width, height, COLOUR_SPLIT.hairLift).data) : ellipseMask(headEllipse(b, COLOUR_SPLIT.neighbourCrown), width, height);
    markWhere(inOtherHead, head, inSubjectHead);
  }
  const before = new Float32Array(others.data);
  for (let pass = 0; pass < COLOUR_SPLIT.passes; pass++) splitOnce(crop, matte, others, faceScale, inOtherHead, inSubjectHead);
  keepOnlyJoinedGains(others, before, matte);
}

/** marks := 1 where `mask` is set, save where `except` is (a module-level loop: inside a callback made per call, V8 compiled it again for every portrait). */
function markWhere(marks: Uint8Array, mask: Uint8Array, except: Uint8Array | undefined): void {
  for (let i = 0; i < marks.length; i++) if (mask[i] && !except?.[i]) marks[i] = 1;
}

/**
 * What the colour gave the subject counts only where it joins the subject's side of the split
 * through what the matte holds: a patch of a neighbour's black jacket that matches the
 * subject's black top, deep in the neighbour's side, is an island and goes back to them.
 */
function keepOnlyJoinedGains(others: GrayImage, before: Float32Array, matte: GrayImage): void {
  const { width, height, data } = others;
  const n = width * height;
  // The subject's side now, where the matte holds something; flooded from what was already theirs.
  const open = new Uint8Array(n);
  const from: number[] = [];
  for (let i = 0; i < n; i++) {
    open[i] = data[i] < 0.5 && matte.data[i] >= 0.5 ? 1 : 0;
    if (open[i] && before[i] < 0.5) from.push(i);
  }
  const reached = joinedTo(from, width, height, open, new Int32Array(n));
  for (let i = 0; i < n; i++) if (before[i] >= 0.5 && data[i] < 0.5 && !reached[i]) data[i] = before[i];
}

/** What colour may do in a strip: nothing (too few samples), move the line both ways, or only take from the subject what joins the neighbour. */
const SILENT = 0;
const BOTH_WAYS = 1;
const JOINED_ONLY = 2;

/**
 * One pass: learn both sides' colours back from the current line, then move the line in the
 * band; past the band on the subject's side (to `sample`), and wherever the sides' colours
 * overlap, colour only takes from the subject what joins the neighbour's side (takeJoined).
 */
function splitOnce(crop: RgbaImage, matte: GrayImage, others: GrayImage, faceScale: number, inOtherHead: Uint8Array, inSubjectHead: Uint8Array): void {
  const { width, height } = others;
  const n = width * height;
  const side = signedDistance(others, 0.5); // > 0 on the neighbours' side
  const band = COLOUR_SPLIT.band * faceScale;
  const sample = COLOUR_SPLIT.sample * faceScale;
  // Colours are learnt per horizontal strip (and its two neighbours): a subject's black top far
  // below must not claim a neighbour's black hair beside her head.
  const stripHeight = Math.max(4, COLOUR_SPLIT.strip * faceScale);
  const strips = Math.ceil(height / stripHeight);
  const subjectHist = new Float64Array(strips * BINS);
  const otherHist = new Float64Array(strips * BINS);
  const subjectCount = new Float64Array(strips);
  const otherCount = new Float64Array(strips);
  for (let i = 0; i < n; i++) {
    if (matte.data[i] < 0.6 || crop.data[i * 4 + 3] < 255) continue;
    const d = side.data[i];
    const s = Math.floor(Math.floor(i / width) / stripHeight);
    if (d < -band && d > -sample) (subjectHist[s * BINS + binOf(crop.data, i)] += 1), subjectCount[s]++;
    else if (d > band && d < sample) (otherHist[s * BINS + binOf(crop.data, i)] += 1), otherCount[s]++;
  }
  // Each strip's counts with its neighbours' added (stripReach), once: every pixel reads them.
  const subjectNear = nearStrips(subjectHist, strips, BINS);
  const otherNear = nearStrips(otherHist, strips, BINS);
  const subjectCountNear = nearStrips(subjectCount, strips, 1);
  const otherCountNear = nearStrips(otherCount, strips, 1);
  const ratio = createGrayImage(width, height);
  const weight = createGrayImage(width, height);
  let contested = 0;
  // The contested pixels' bounding box: the smoothing below only needs to run around it.
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  // Per strip: how far colour may move the line there (SILENT where too little was learnt).
  const telling = new Uint8Array(strips);
  for (let s = 0; s < strips; s++) {
    const sc = subjectCountNear[s];
    const oc = otherCountNear[s];
    if (sc < COLOUR_SPLIT.minSamples || oc < COLOUR_SPLIT.minSamples) continue;
    let overlap = 0;
    for (let b = 0; b < BINS; b++) overlap += Math.sqrt((subjectNear[s * BINS + b] / sc) * (otherNear[s * BINS + b] / oc));
    telling[s] = overlap < COLOUR_SPLIT.maxOverlap ? BOTH_WAYS : JOINED_ONLY;
  }
  // Each strip's log-likelihood ratio per colour bin, worked out when a pixel first needs it.
  const logRatio = new Float64Array(strips * BINS).fill(NaN);
  // Contested: the band, and on the subject's side out to where her colours are sampled (what
  // goes to the neighbour there must join their side, see takeJoined).
  for (let i = 0; i < n; i++) {
    const d = side.data[i];
    if (d >= band || d <= -sample || matte.data[i] < 0.1) continue;
    const s = Math.floor(Math.floor(i / width) / stripHeight);
    if (telling[s] === SILENT) continue;
    const k = s * BINS + binOf(crop.data, i);
    let llr = logRatio[k];
    if (Number.isNaN(llr)) llr = logRatio[k] = Math.log((otherNear[k] + 0.5) / (otherCountNear[s] + 0.5 * BINS)) - Math.log((subjectNear[k] + 0.5) / (subjectCountNear[s] + 0.5 * BINS));
    ratio.data[i] = llr;
    weight.data[i] = 1;
    contested++;
    const x = i % width;
    const y = (i - x) / width;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (contested === 0) return;
  // Pixels the colour gives the neighbour only if they join the neighbour's side (takeJoined).
  const pending = new Uint8Array(n);
  // Smoothed as a weighted mean, so that the band's edge is not pulled towards 0; by stacked
  // boxes (a few additions per pixel) rather than a Gaussian of 37–73 taps.
  const sigma = Math.max(1, 0.03 * faceScale);
  // Both planes are 0 outside the box, so blurring the box grown by the kernel's reach gives
  // the same values inside it as blurring the whole crop, for a fraction of the work when the
  // band is a strip of a large crop.
  const kernelReach = 3 * boxRadiusFor(sigma);
  const x0 = Math.max(0, minX - kernelReach);
  const y0 = Math.max(0, minY - kernelReach);
  const w = Math.min(width, maxX + kernelReach + 1) - x0;
  const h = Math.min(height, maxY + kernelReach + 1) - y0;
  const smoothRatio = stackedBoxBlurGray(cropGrayImage(ratio, x0, y0, w, h), sigma);
  const smoothWeight = stackedBoxBlurGray(cropGrayImage(weight, x0, y0, w, h), sigma);
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const i = y * width + x;
      if (weight.data[i] === 0) continue;
      const j = (y - y0) * w + (x - x0);
      const llr = smoothRatio.data[j] / Math.max(1e-6, smoothWeight.data[j]);
      const verdict = telling[Math.floor(y / stripHeight)];
      const inBand = side.data[i] > -band;
      if (verdict === JOINED_ONLY) {
        if (llr > COLOUR_SPLIT.joinedDecisive && others.data[i] < 0.5 && !inSubjectHead[i]) pending[i] = 1;
      } else if (llr > COLOUR_SPLIT.decisive && !inSubjectHead[i]) {
        if (inBand) others.data[i] = 1;
        else if (others.data[i] < 0.5) pending[i] = 1;
      } else if (inBand && llr < -COLOUR_SPLIT.decisive && !inOtherHead[i]) others.data[i] = 0;
    }
  }
  takeJoined(others, pending);
}

/** Per strip, its counts (`bins` per strip) plus those of the `stripReach` strips above and below. */
function nearStrips(counts: Float64Array, strips: number, bins: number): Float64Array {
  const out = new Float64Array(strips * bins);
  const reach = COLOUR_SPLIT.stripReach;
  for (let s = 0; s < strips; s++) {
    for (let k = Math.max(0, s - reach); k <= Math.min(strips - 1, s + reach); k++) {
      for (let b = 0; b < bins; b++) out[s * bins + b] += counts[k * bins + b];
    }
  }
  return out;
}

/**
 * What the colour would take from the subject beyond the band or where the sides' colours
 * overlap (`pending`) goes to the neighbour only where it joins the neighbour's side through
 * other such pixels: a dark lock hanging from the neighbour's head, not a dark patch of the
 * subject's own that merely matches their colours.
 */
function takeJoined(others: GrayImage, pending: Uint8Array): void {
  const { width, height, data } = others;
  const n = data.length;
  // From the pending pixels that touch the neighbour's side, through pending pixels only.
  const seeds: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!pending[i]) continue;
    const x = i % width;
    if ((x > 0 && data[i - 1] >= 0.5) || (x < width - 1 && data[i + 1] >= 0.5) || (i >= width && data[i - width] >= 0.5) || (i + width < n && data[i + width] >= 0.5)) seeds.push(i);
  }
  const taken = joinedTo(seeds, width, height, pending, new Int32Array(n));
  for (let i = 0; i < n; i++) if (taken[i]) data[i] = 1;
}
