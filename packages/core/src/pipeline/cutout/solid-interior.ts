import { distanceToSetWithin } from '../../image/bounded-distance.js';
import type { GrayImage, RgbaImage } from '../../image/rgba-image.js';
import { heightAboveEyes, linearAt, type HeadFrame } from './head-frame.js';

/**
 * Distances in eye-to-chin lengths. A matte is soft only where the subject meets what is behind
 * it: hair ends, a blurred shoulder. Deeper in than `edgeBand` from anything clear, a
 * half-transparent coat, a lock of hair over the shoulder or an arm is a see-through patch
 * (the background shows through it on any new backdrop), not an edge.
 */
export const INTERIOR = Object.freeze({
  /** Below this the matte is clear: the background. */
  clear: 0.05,
  /** Only what the matte holds at least this much is made solid (a faint haze stays as it is). */
  trace: 0.25,
  /** The soft edge that is kept, measured in from the nearest clear pixel; it reaches solid over the same length again. */
  edgeBand: 0.05,
  /**
   * Only below this height above the eyes (−1: the chin) is anything lifted, where the head
   * frame is given. Above the chin only the face (forced solid apart) and hair meet the
   * backdrop, and hair is soft well inside its outline: lifting it there made the composites'
   * hair edges worse (mean SAD 10.65 → 10.39 without it). A see-through patch is a body's —
   * or a skull's: inside the subject's skull (where given) the head is solid whatever covers it,
   * and there it lifts too. Dark hair on a dark bar, which ISNet held at 0.3–0.5, left the head
   * cut straight across above the forehead, where the forced face ends.
   */
  liftBelow: -1,
});

/**
 * Makes the inside of the subject solid: where the person model sees the person (depth > 0)
 * and the matte holds a trace, the alpha rises to 1 from `edgeBand` to 2×`edgeBand` away from
 * the nearest clear pixel. The edge itself, and holes that are clear, stay as they are.
 * With `crop`, only clear pixels wholly inside the photo count (the crop's alpha 255): past the
 * photo's edge the matte is clear because the picture ends there, not the subject, and a
 * shoulder the photo cuts is solid up to the cut. With `head`, only below the chin (`liftBelow`)
 * and inside `skull` (≥ 0.5: the landmarks' hull lifted to the skull's top, see
 * COLOUR_SPLIT.crown), where given. Changes `alpha` in place.
 */
export function solidifyInterior(alpha: GrayImage, personDepth: GrayImage, faceScale: number, crop?: RgbaImage, head?: HeadFrame, skull?: GrayImage): void {
  const { width, height, data } = alpha;
  const band = Math.max(1, INTERIOR.edgeBand * faceScale);
  // Which pixels may lift and which are clear, worked out once, then read by the distance search.
  const lifted = new Uint8Array(width * height);
  const clear = new Uint8Array(width * height);
  const above = head ? heightAboveEyes(head) : undefined;
  const inPhoto = crop?.data;
  const depth = personDepth.data;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const a = data[i];
      if (a < INTERIOR.clear) clear[i] = inPhoto && inPhoto[i * 4 + 3] !== 255 ? 0 : 1;
      else if (a >= INTERIOR.trace && a < 1 && depth[i] > 0 && (!above || linearAt(above, x, y) <= INTERIOR.liftBelow || (skull !== undefined && skull.data[i] >= 0.5))) lifted[i] = 1;
    }
  }
  // Only the pixels that may lift, and only up to where the lift is whole: deeper is solid anyway.
  const toClear = distanceToSetWithin(width, height, clear, 2 * band, lifted);
  for (let i = 0; i < data.length; i++) {
    if (lifted[i] === 0) continue;
    const lift = (toClear[i] - band) / band;
    if (lift > 0) data[i] = Math.max(data[i], Math.min(1, lift));
  }
}
