import type { GrayImage, RgbaImage } from '../../image/rgba-image.js';
import { colourFavoursSubject, VOTE_BACKDROP, VOTE_CANDIDATE, VOTE_SUBJECT } from './colour-vote.js';
import { FUSION } from './fuse-alpha.js';
import { heightAboveEyes, linearAt, type HeadFrame } from './head-frame.js';
import { INTERIOR } from './solid-interior.js';

/**
 * Above the chin, solidifyInterior lifts nothing outside the skull: hair is soft well inside its
 * outline. But ISNet, on long hair lying over a bright and busy backdrop (a raised arm, a pink
 * cushion), may hold a whole lock at 0.5–0.8, and the backdrop shows through it on any new
 * one. Deep inside the person, a pixel in the subject's own colours is that lock, not an edge.
 */
export const SEE_THROUGH_HAIR = Object.freeze({
  /** The matte's range judged: fainter is a haze left as it is, above `below` it is as good as solid. */
  above: 0.15,
  below: 0.95,
  /**
   * Only up to this height above the eye line (eye-to-chin lengths; the brows lie at about 0.3):
   * above it the skull is solidifyInterior's, and beyond the skull a cup right behind a head
   * of blonde curls, in the curls' colours, was made solid (composite SAD 108 → 114).
   */
  upTo: 0.3,
  /**
   * Where the subject's and the backdrop's colours overlap this much or more (Bhattacharyya
   * coefficient), colour cannot tell a lock from the backdrop and nothing is lifted (as where
   * too few sure pixels teach): dark hair on a dark wall keeps the soft edge ISNet gave it.
   */
  maxOverlap: 0.5,
});

/** Whether a height above the eyes lies beside the face: between the chin (INTERIOR.liftBelow, below which solidifyInterior lifts) and SEE_THROUGH_HAIR.upTo. */
const beside = (height: number) => height > INTERIOR.liftBelow && height < SEE_THROUGH_HAIR.upTo;

/**
 * Lifts to solid, in place, the see-through pixels of the matte (SEE_THROUGH_HAIR.above to
 * .below) that lie deeper inside the person than FUSION.solidDepth, beside the face (see
 * `beside`), that no one else claims (`others` < INTERIOR.clear, where given) and whose colours
 * side with the subject's (colourFavoursSubject: the solid subject inside the person against
 * the clear backdrop outside it, learnt nearby). Returns how many pixels it lifted.
 */
export function solidifySeeThroughHair(alpha: GrayImage, personDepth: GrayImage, faceScale: number, crop: RgbaImage, head: HeadFrame, others?: Float32Array): number {
  const { width, height } = alpha;
  const roles = new Uint8Array(width * height);
  const above = heightAboveEyes(head);
  const deep = FUSION.solidDepth * faceScale;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const a = alpha.data[i];
      const d = personDepth.data[i];
      if (d > 0 && a > 0.9) roles[i] = VOTE_SUBJECT;
      else if (d < 0 && a < INTERIOR.clear) roles[i] = VOTE_BACKDROP;
      else if (d > deep && a > SEE_THROUGH_HAIR.above && a < SEE_THROUGH_HAIR.below && beside(linearAt(above, x, y)) && (!others || others[i] < INTERIOR.clear)) roles[i] = VOTE_CANDIDATE;
    }
  }
  const lifted = colourFavoursSubject(crop, roles, faceScale, SEE_THROUGH_HAIR.maxOverlap, 'fails');
  let count = 0;
  for (let i = 0; i < lifted.length; i++) {
    if (!lifted[i]) continue;
    alpha.data[i] = 1;
    count++;
  }
  return count;
}
