import type { Box, Point } from '../../geometry/point.js';
import type { GrayImage, RgbaImage } from '../../image/rgba-image.js';
import { isolateSubject } from '../isolate-subject.js';
import type { LoadedModel } from '../load-models.js';
import { segmentPortrait } from '../segment-portrait.js';
import { bodyRegion, faceRegion, faceScale, forcedFace, NECK_COLUMN, NECK_STRIP } from './face-region.js';
import { personMatte, salientMissesFace } from './isnet-blind.js';
import { fillEnclosedSpecks, fillPersonHoles } from './fill-holes.js';
import { fuseAlpha } from './fuse-alpha.js';
import { continuedPastPhoto, mapPeople, priorOnCrop, sampleGray, type PersonMap } from './person-prior.js';
import type { PortraitWindow } from '../../geometry/portrait-window.js';
import { fitEdgeToPhotoMix } from '../../image/decontaminate-edge.js';
import { signedDistance } from '../../image/distance-transform.js';
import { invertAffine, type Affine2D } from '../../image/affine.js';
import { narrowEdgeForUpscale, refineEdge } from './refine-edge.js';
import { solidifyInterior } from './solid-interior.js';
import { solidifySeeThroughHair } from './see-through-hair.js';
import { giveBackHair, hairOverOtherFaces } from './hair-over-faces.js';
import { COLOUR_SPLIT, splitByColour } from './split-by-colour.js';
import { liftRaisedLimbs } from './raised-limbs.js';
import { otherPeopleMask, ownSalientRegion, ownWhereColourAgrees, splitLineLength, subjectHeadOf } from './split-people.js';

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
  /** Where the people are around the portrait (made once per photo; see mapPeople). */
  readonly people: PersonMap | undefined;
  /** Crop pixel → photo pixel. */
  readonly cropToPhoto: Affine2D;
  /** The warped crop; its alpha says where the crop lies inside the photo. */
  readonly crop: RgbaImage;
  /** The subject's 68 landmarks, in crop pixels. */
  readonly landmarks: readonly Point[];
  /** The subject's face box and the other faces' boxes, in crop pixels. */
  readonly subjectBox: Box;
  readonly otherBoxes: readonly Box[];
  /** The other faces' 68 landmarks in crop pixels, beside otherBoxes, where they could be placed. */
  readonly otherLandmarks?: readonly (readonly Point[] | undefined)[];
  /** Points certainly on the subject (eyes, nose, mouth, chin), for keeping what is connected to them. */
  readonly seeds: readonly Point[];
  readonly segmentation: LoadedModel;
  readonly person: LoadedModel | undefined;
  readonly segmentationSize: number;
  readonly mode: CutoutMode;
  /** Canvas pixels per crop pixel: more than 1 when a small crop is enlarged to the canvas (see narrowEdgeForUpscale). */
  readonly outputScale?: number;
}

export interface Cutout {
  readonly alpha: GrayImage;
  /** The mode that actually ran (`salient` when no person model is installed). */
  readonly mode: CutoutMode;
  /** Milliseconds of its parts: ISNet, the person model with the fusion, the edge refinement. */
  readonly timings: { readonly isnet: number; readonly person: number; readonly refine: number };
  /** Crop pixels of the line along which the subject was parted from someone touching them (0: no one; see splitLineLength). */
  readonly neighbourCut: number;
}

/** The rotated window in the photo that a crop affine (crop pixel → photo pixel) cuts out. */
function windowOfCrop(cropToPhoto: Affine2D, width: number, height: number): PortraitWindow {
  const [a, b, c, d, e, f] = cropToPhoto;
  return { centerX: a * (width / 2) + b * (height / 2) + c, centerY: d * (width / 2) + e * (height / 2) + f, width: Math.hypot(a, d) * width, height: Math.hypot(b, e) * height, angle: Math.atan2(d, a) };
}

// The per-pixel loops below live in module-level functions, not inline in cutOutSubject: the
// function runs once per portrait and V8 deoptimises it now and then (a branch one photo takes for
// the first time), after which an inline loop over the crop ran unoptimised (1 ms became 13).

function scaleInPlace(plane: Float32Array, factor: number): void {
  for (let i = 0; i < plane.length; i++) plane[i] *= factor;
}

/** plane · the crop's alpha (0 outside the photo), in place. */
function insidePhotoOnly(plane: Float32Array, crop: Uint8ClampedArray): void {
  for (let i = 0; i < plane.length; i++) plane[i] *= crop[i * 4 + 3] / 255;
}

/** column := body · (1 − column) · the crop's alpha: the body band beside the neck column, inside the photo (in place). */
function beyondNeck(column: Float32Array, body: Float32Array, crop: Uint8ClampedArray): void {
  for (let i = 0; i < column.length; i++) column[i] = body[i] * (1 - column[i]) * (crop[i * 4 + 3] / 255);
}

/** The matte less what belongs to others (less what the subject's own ISNet region protects, unless someone unseen claims it); the face always stays. */
function cutAwayOthers(fused: Float32Array, face: Float32Array, others: Float32Array, own: Float32Array | undefined, unseen: Float32Array | undefined): void {
  for (let i = 0; i < fused.length; i++) {
    const protectedByOwn = own ? own[i] * (1 - (unseen ? unseen[i] : 0)) : 0;
    fused[i] = Math.max(face[i], fused[i] * (1 - others[i] * (1 - protectedByOwn)));
  }
}

/** How much each pixel belongs to someone else: a neighbour found by their face, or one seen only as a body (`unseen`). */
function claimedByOthers(a: Float32Array, b: Float32Array | undefined): Float32Array {
  if (!b) return a;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.max(a[i], b[i]);
  return out;
}

/** The subject's alpha on the crop. */
export async function cutOutSubject(input: CutoutInput): Promise<Cutout> {
  const { photo, cropToPhoto, crop } = input;
  const ms = (since: number) => Math.round((performance.now() - since) * 10) / 10;
  let started = performance.now();
  let salient = await segmentPortrait(photo, cropToPhoto, crop, input.segmentation, input.segmentationSize);
  const isnet = ms(started);
  if (input.mode === 'salient' || !input.person) return { alpha: isolateSubject(salient, input.seeds), mode: 'salient', timings: { isnet, person: 0, refine: 0 }, neighbourCut: 0 };

  started = performance.now();
  const { width, height } = crop;
  const personMap = input.people ?? (await mapPeople(photo, windowOfCrop(cropToPhoto, width, height), input.person));
  const prior = priorOnCrop(personMap, cropToPhoto, width);
  const body = bodyRegion(input.landmarks, width, height);
  // The person's depth is measured on the low-resolution context plane (its contour carries no
  // finer detail) and sampled onto the crop: a quarter of the work of measuring it there.
  // It is measured on the plane continued past the photo's edge: the edge does not end the person.
  const contextDepth = signedDistance(continuedPastPhoto(personMap), 0.5);
  const step = Math.hypot(prior.contextToCrop[0], prior.contextToCrop[3]);
  scaleInPlace(contextDepth.data, step);
  const personDepth = sampleGray(contextDepth, invertAffine(prior.contextToCrop), width, height);
  const scale = faceScale(input.landmarks);
  // A face a few dozen pixels high, enlarged to ISNet's input, is a blur in which it may see
  // nothing at all; the person model, made for small views, still sees the person: its matte
  // then stands in for ISNet's.
  if (salientMissesFace(input.landmarks, salient)) salient = personMatte(personDepth, scale);
  const face = forcedFace(input.landmarks, salient);
  // The neck strip counts only inside the photo: past its edge ISNet sees nothing at all.
  const neck = bodyRegion(input.landmarks, width, height, NECK_STRIP);
  insidePhotoOnly(neck.data, crop.data);
  // The body band beyond the neck, inside the photo: where ISNet shows whether it saw the shoulders.
  const shoulders = bodyRegion(input.landmarks, width, height, NECK_COLUMN);
  beyondNeck(shoulders.data, body.data, crop.data);
  let crown: GrayImage | undefined;
  const crownOnce = () => (crown ??= faceRegion(input.landmarks, width, height, COLOUR_SPLIT.crown));
  const head = subjectHeadOf(input.landmarks, crownOnce);
  const fused = fuseAlpha({ salient, personDepth, face, body, neck, faceScale: scale, head, shoulders, crop });
  // The matte before the people split and the split itself, to measure where it parted the subject from someone.
  let split: { before: Float32Array; others: GrayImage } | undefined;
  // Where the subject's hair lies over someone else's face, told by the photo's colours (only when someone else is in view).
  const hairOver = input.otherBoxes.length > 0 ? hairOverOtherFaces(crop, fused, () => isolateSubject(salient, input.seeds), input.landmarks, input.otherLandmarks ?? []) : [];
  const people = otherPeopleMask({ context: prior.context, contextInPhoto: prior.contextInPhoto, contextToCrop: prior.contextToCrop, subject: input.subjectBox, others: input.otherBoxes, behind: hairOver.map((h) => h?.behind), width, height, subjectHead: head });
  if (people) {
    const { others, unseen } = people;
    const otherLandmarks = input.otherLandmarks ?? [];
    splitByColour(crop, fused, others, scale, input.otherBoxes, faceRegion(input.landmarks, width, height, COLOUR_SPLIT.hairLift), otherLandmarks);
    giveBackHair(others, hairOver, scale);
    // Where ISNet already parts the subject from everyone else (no other face mostly inside the
    // ISNet region connected to the subject's face), that region, less the other faces, is the
    // subject's: the split, which cannot tell who stands in front, must not cut the subject's
    // hair for a neighbour behind (see ownSalientRegion). Not where the split found someone whose
    // face is out of view: ISNet joins a hand resting on the head to the head. Nor where the
    // colours say a pixel of it is the other person's (someone's ponytail behind the subject's hair).
    const own = ownSalientRegion(salient, input.seeds, input.otherBoxes, otherLandmarks);
    if (own) ownWhereColourAgrees(crop, fused, own, others, scale, body);
    split = { before: new Float32Array(fused.data), others };
    cutAwayOthers(fused.data, face.data, others.data, own?.data, unseen?.data);
  }
  fillPersonHoles(fused, prior.atCrop);
  // An arm raised beside the head, which ISNet holds only faintly and isolateSubject would cut off.
  liftRaisedLimbs(crop, fused, face, personDepth, body, salient, people?.others.data, scale);
  const alpha = isolateSubject(fused, input.seeds);
  // A see-through lock of hair beside the face (solidifyInterior lifts only below the chin and in the skull).
  solidifySeeThroughHair(alpha, personDepth, scale, crop, head, split && claimedByOthers(split.others.data, people?.unseen?.data));
  solidifyInterior(alpha, personDepth, scale, crop, head, crownOnce());
  // Nothing outside the photo: the crop's own alpha is 0 there.
  insidePhotoOnly(alpha.data, crop.data);
  const person = ms(started);
  const neighbourCut = (kept: GrayImage) => (split ? splitLineLength(split.before, split.others, kept) : 0);
  if (input.mode !== 'refined') return { alpha, mode: input.mode, timings: { isnet, person, refine: 0 }, neighbourCut: neighbourCut(alpha) };

  started = performance.now();
  const refined = refineEdge(crop, alpha, face);
  // Pinholes the refinement sharpened out of speckle in a dark sleeve are closed first: as clear
  // pixels they would also keep the sleeve around them from being made solid below.
  fillEnclosedSpecks(refined, personDepth, scale);
  // The guided filter widens a low-contrast edge (a dark shoulder on a dark wall) into a band
  // the backdrop shows through: inside the person it is narrowed again to the kept soft edge.
  solidifyInterior(refined, personDepth, scale, crop, head, crownOnce());
  // A soft photo's edge spreads wider than the matte's: lowered to the photo's own mix, so the
  // foreground estimate can take the old backdrop out (no light outline round dark hair).
  const fitted = fitEdgeToPhotoMix(crop, refined, face);
  narrowEdgeForUpscale(fitted, face, input.outputScale ?? 1);
  return { alpha: fitted, mode: 'refined', timings: { isnet, person, refine: ms(started) }, neighbourCut: neighbourCut(fitted) };
}
