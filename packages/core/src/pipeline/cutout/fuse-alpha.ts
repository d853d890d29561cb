import { createGrayImage, type GrayImage } from '../../image/rgba-image.js';

/**
 * Distances of the fusion, in eye-to-chin lengths (about 0.4 of a head's height), measured
 * from the person model's 50 % contour. The person model is coarse (its 256² output covers
 * 1.6× the crop) and soft at its edge; ISNet is sharp but may drop a neck or keep a lamp.
 */
export const FUSION = Object.freeze({
  /** Deeper inside the person than this, the subject is solid whatever ISNet says. */
  solidDepth: 0.15,
  /** Farther outside the person than this, nothing is kept whatever ISNet says. */
  reach: 0.45,
});

export interface FusionInputs {
  /** ISNet's alpha on the crop (salient object: fine hair, sometimes only the head). */
  readonly salient: GrayImage;
  /** Signed distance to the person model's 50 % contour, in crop pixels: positive inside the person. */
  readonly personDepth: GrayImage;
  /** Where the face certainly is (0..1), always opaque. */
  readonly face: GrayImage;
  /** Where the subject's neck and shoulders can be (0..1): the only place the person model may make solid. */
  readonly body: GrayImage;
  /** The eye-to-chin distance in crop pixels. */
  readonly faceScale: number;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * One alpha from the three signals:
 * - deep inside the person (beyond `solidDepth`) and in the body band under the face the alpha
 *   is 1, so a neck or a jumper that ISNet thinned or dropped is whole;
 * - near the person's contour ISNet's alpha gives the edge (hair, collar), lifted towards solid
 *   as the depth grows;
 * - beyond `reach` outside the person everything is cleared (a lamp, a red bag, a poster face
 *   that ISNet found salient);
 * - the face region is always opaque.
 */
export function fuseAlpha(inputs: FusionInputs): GrayImage {
  const { salient, personDepth: depth, face, body, faceScale } = inputs;
  const { width, height } = salient;
  const solid = FUSION.solidDepth * faceScale;
  const reach = FUSION.reach * faceScale;
  const out = createGrayImage(width, height);
  for (let i = 0; i < out.data.length; i++) {
    const d = depth.data[i];
    const fill = clamp01(d / solid) * body.data[i];
    const gate = clamp01(1 + d / reach);
    const fused = Math.max(fill, salient.data[i]) * gate;
    out.data[i] = Math.max(fused, face.data[i]);
  }
  return out;
}
