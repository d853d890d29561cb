import { boxRadiusFor, stackedBoxBlurGray } from '../../image/box-blur.js';
import { COLOUR_BINS as BINS, colourBinOf as binOf } from './colour-bins.js';
import { dilateBox } from '../../image/dilate.js';
import { grownBoxOf } from '../../image/grown-box.js';
import { createGrayImage, type RgbaImage } from '../../image/rgba-image.js';

/**
 * Where the two models disagree and nothing else can say who is right, the photo's colours
 * vote: a pixel goes to the subject when its colour is likelier among the pixels both models
 * call the subject than among those both call the backdrop.
 */
export const COLOUR_VOTE = Object.freeze({
  /** Fewer sure pixels than this on either side: too little to learn from, every candidate passes. */
  minSamples: 150,
  /** Only sure pixels this near a candidate (eye-to-chin lengths) teach: the colours beside the contested part, not the whole crop's. */
  learnWithin: 1.2,
  /** The per-pixel votes are averaged over this many eye-to-chin lengths (a Gaussian's σ). */
  smoothing: 0.03,
});


/** Which crop pixel is sure of what: 1 subject, 2 backdrop, 3 a candidate to vote on, 0 none of these. */
export const VOTE_SUBJECT = 1;
export const VOTE_BACKDROP = 2;
export const VOTE_CANDIDATE = 3;

/**
 * For each candidate pixel of `roles`, whether its colour (smoothed over COLOUR_VOTE.smoothing
 * face scales among the candidates) is likelier on the subject than on the backdrop: 1 yes, 0 no
 * (and 0 for every pixel that is not a candidate). Pixels outside the photo (crop alpha < 255)
 * teach nothing. Where the two sides' colours overlap `maxOverlap` or more (Bhattacharyya
 * coefficient of their histograms), colour cannot tell them apart: every candidate passes, or,
 * with `unsure` 'fails', none does (also when too few sure pixels teach).
 */
export function colourFavoursSubject(crop: RgbaImage, roles: Uint8Array, faceScale: number, maxOverlap = Infinity, unsure: 'passes' | 'fails' = 'passes'): Uint8Array {
  const { width, height, data } = crop;
  const n = width * height;
  const subject = new Float64Array(BINS);
  const backdrop = new Float64Array(BINS);
  let subjectCount = 0;
  let backdropCount = 0;
  const out = new Uint8Array(n);
  const candidateBox = grownBoxOf(roles, width, height, 0, VOTE_CANDIDATE);
  if (!candidateBox) return out;
  const minX = candidateBox.x0;
  const minY = candidateBox.y0;
  const maxX = candidateBox.x0 + candidateBox.w - 1;
  const maxY = candidateBox.y0 + candidateBox.h - 1;
  // Only the sure pixels within the learning radius of a candidate teach: none lie outside the
  // candidates' box grown by that radius, so the nearness is worked out on that window alone.
  const learn = Math.max(1, Math.round(COLOUR_VOTE.learnWithin * faceScale));
  const lx0 = Math.max(0, minX - learn);
  const ly0 = Math.max(0, minY - learn);
  const lw = Math.min(width, maxX + learn + 1) - lx0;
  const lh = Math.min(height, maxY + learn + 1) - ly0;
  const candidates = new Uint8Array(lw * lh);
  for (let y = 0; y < lh; y++) for (let x = 0, i = (ly0 + y) * width + lx0; x < lw; x++, i++) candidates[y * lw + x] = roles[i] === VOTE_CANDIDATE ? 1 : 0;
  const near = dilateBox(candidates, lw, lh, learn);
  for (let y = 0; y < lh; y++) {
    for (let x = 0, i = (ly0 + y) * width + lx0; x < lw; x++, i++) {
      if (data[i * 4 + 3] < 255 || !near[y * lw + x]) continue;
      const role = roles[i];
      if (role === VOTE_SUBJECT) (subject[binOf(data, i)] += 1), subjectCount++;
      else if (role === VOTE_BACKDROP) (backdrop[binOf(data, i)] += 1), backdropCount++;
    }
  }
  if (subjectCount < COLOUR_VOTE.minSamples || backdropCount < COLOUR_VOTE.minSamples || overlapOf(subject, subjectCount, backdrop, backdropCount) >= maxOverlap) {
    if (unsure === 'passes') for (let i = 0; i < n; i++) out[i] = roles[i] === VOTE_CANDIDATE ? 1 : 0;
    return out;
  }
  const sigma = Math.max(1, COLOUR_VOTE.smoothing * faceScale);
  // The votes are blurred only around the candidates (both planes are 0 elsewhere).
  const reach = 3 * boxRadiusFor(sigma);
  const x0 = Math.max(0, minX - reach);
  const y0 = Math.max(0, minY - reach);
  const w = Math.min(width, maxX + reach + 1) - x0;
  const h = Math.min(height, maxY + reach + 1) - y0;
  const ratio = createGrayImage(w, h);
  const subjectNorm = subjectCount + 0.5 * BINS;
  const backdropNorm = backdropCount + 0.5 * BINS;
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const i = y * width + x;
      if (roles[i] !== VOTE_CANDIDATE) continue;
      const b = binOf(data, i);
      const j = (y - y0) * w + (x - x0);
      ratio.data[j] = Math.log((subject[b] + 0.5) / subjectNorm) - Math.log((backdrop[b] + 0.5) / backdropNorm);
    }
  }
  // The vote is the sign of the candidates' smoothed mean, and a mean over a positive weight has
  // the sign of its sum: the smoothed sum alone decides (the weights' blur is not needed).
  const smoothRatio = stackedBoxBlurGray(ratio, sigma);
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const i = y * width + x;
      if (roles[i] !== VOTE_CANDIDATE) continue;
      const j = (y - y0) * w + (x - x0);
      out[i] = smoothRatio.data[j] > 0 ? 1 : 0;
    }
  }
  return out;
}

/** The Bhattacharyya coefficient of two colour histograms: 1 the same colours, 0 none shared. */
function overlapOf(a: Float64Array, aCount: number, b: Float64Array, bCount: number): number {
  let sum = 0;
  for (let k = 0; k < BINS; k++) sum += Math.sqrt((a[k] / aCount) * (b[k] / bCount));
  return sum;
}
