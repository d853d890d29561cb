import type { Point } from '../../geometry/point.js';
import { createGrayImage, type GrayImage } from '../../image/rgba-image.js';
import { faceRegion } from './face-region.js';

/**
 * Below this mean matte over the face's core (the landmarks' hull, no forehead), ISNet has not
 * seen the face at all. A see-through face on a greyscale photo still scores 0.6–0.9 there; a
 * 30-pixel face from a wide group photo, enlarged to ISNet's 768² input, scored 0.
 */
const BLIND_FACE_MATTE = 0.3;

/** Whether ISNet's matte misses the subject's face (see BLIND_FACE_MATTE). */
export function salientMissesFace(landmarks: readonly Point[], salient: GrayImage): boolean {
  const face = faceRegion(landmarks, salient.width, salient.height, 0);
  let area = 0;
  let sum = 0;
  for (let i = 0; i < face.data.length; i++) {
    if (face.data[i] < 0.5) continue;
    area++;
    sum += salient.data[i];
  }
  return area > 0 && sum / area < BLIND_FACE_MATTE;
}

/** Half the width of the soft edge given to the person model's contour, in eye-to-chin lengths (the edge refinement then finds the real edge in the image). */
const EDGE_HALF_WIDTH = 0.05;

/** The person model's probability as a matte: a soft ramp across its 50 % contour, from the signed depth (crop pixels, positive inside). */
export function personMatte(personDepth: GrayImage, faceScale: number): GrayImage {
  const half = Math.max(1, EDGE_HALF_WIDTH * faceScale);
  const out = createGrayImage(personDepth.width, personDepth.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.min(1, Math.max(0, 0.5 + personDepth.data[i] / (2 * half)));
  return out;
}
