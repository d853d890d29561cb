import type { Box, Point } from '../../geometry/point.js';
import type { Affine2D } from '../../image/affine.js';
import type { GrayImage, RgbaImage } from '../../image/rgba-image.js';
import { isolateSubject } from '../isolate-subject.js';
import type { LoadedModel } from '../load-models.js';
import { segmentPortrait } from '../segment-portrait.js';
import { bodyRegion, faceRegion, faceScale } from './face-region.js';
import { fillPersonHoles } from './fill-holes.js';
import { fuseAlpha } from './fuse-alpha.js';
import { personPrior } from './person-prior.js';
import { refineEdge } from './refine-edge.js';
import { otherPeopleMask } from './split-people.js';

/**
 * How the cut-out is made (the quality benchmark compares them):
 * - `salient`: ISNet alone, kept where it is connected to the face (the earlier pipeline);
 * - `person`: ISNet fused with the person model, the face and the other people found;
 * - `refined`: `person`, then the edge refined against the image and the colours of the soft
 *   edge freed of the old background (the default).
 */
export type CutoutMode = 'salient' | 'person' | 'refined';
export const CUTOUT_MODES: readonly CutoutMode[] = ['salient', 'person', 'refined'];

export interface CutoutInput {
  readonly photo: RgbaImage;
  /** Crop pixel → photo pixel. */
  readonly cropToPhoto: Affine2D;
  /** The warped crop; its alpha says where the crop lies inside the photo. */
  readonly crop: RgbaImage;
  /** The subject's 68 landmarks, in crop pixels. */
  readonly landmarks: readonly Point[];
  /** The subject's face box and the other faces' boxes, in crop pixels. */
  readonly subjectBox: Box;
  readonly otherBoxes: readonly Box[];
  /** Points certainly on the subject (eyes, nose, mouth, chin), for keeping what is connected to them. */
  readonly seeds: readonly Point[];
  readonly segmentation: LoadedModel;
  readonly person: LoadedModel | undefined;
  readonly segmentationSize: number;
  readonly mode: CutoutMode;
}

export interface Cutout {
  readonly alpha: GrayImage;
  /** The mode that actually ran (`salient` when no person model is installed). */
  readonly mode: CutoutMode;
}

/** The subject's alpha on the crop. */
export async function cutOutSubject(input: CutoutInput): Promise<Cutout> {
  const { photo, cropToPhoto, crop } = input;
  const salient = await segmentPortrait(photo, cropToPhoto, crop, input.segmentation, input.segmentationSize);
  if (input.mode === 'salient' || !input.person) return { alpha: isolateSubject(salient, input.seeds), mode: 'salient' };

  const { width, height } = crop;
  const prior = await personPrior(photo, cropToPhoto, width, height, input.person);
  const face = faceRegion(input.landmarks, width, height);
  const body = bodyRegion(input.landmarks, width, height);
  const fused = fuseAlpha({ salient, person: prior.crop, face, body, faceScale: faceScale(input.landmarks) });
  const others = otherPeopleMask({ context: prior.context, contextToCrop: prior.contextToCrop, subject: input.subjectBox, others: input.otherBoxes, width, height });
  for (let i = 0; i < fused.data.length; i++) fused.data[i] = Math.max(face.data[i], fused.data[i] * (1 - others.data[i]));
  fillPersonHoles(fused, prior.crop);
  const alpha = isolateSubject(fused, input.seeds);
  // Nothing outside the photo: the crop's own alpha is 0 there.
  for (let i = 0; i < alpha.data.length; i++) alpha.data[i] *= crop.data[i * 4 + 3] / 255;
  if (input.mode === 'refined') return { alpha: refineEdge(crop, alpha, face), mode: 'refined' };
  return { alpha, mode: input.mode };
}
