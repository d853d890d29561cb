import type { InferenceSession } from '../backends/inference-backend.js';
import { ImpossibleWindowError } from '../errors.js';
import { checkLandmarks, eyeGeometry, type LandmarkCheck } from '../geometry/face-landmarks.js';
import type { Point } from '../geometry/point.js';
import { applyAffine, cropWindowAffine } from '../image/affine.js';
import { warpAffine } from '../image/affine.js';
import type { RgbaImage } from '../image/rgba-image.js';
import type { ModelEntry } from '../models/model-manifest.js';
import type { FaceDetection } from './detect-faces.js';
import { imageToTensor } from './image-tensor.js';

export interface LandmarkModel {
  readonly entry: ModelEntry;
  readonly session: InferenceSession;
}

/**
 * How much larger than BlazeFace's box the square crop given to the landmark net is; face-api's
 * net was trained on boxes from its own detectors, which reach a little further than BlazeFace's.
 */
export const LANDMARK_CROP_SCALE = 1.1;

async function landmarksInWindow(
  image: RgbaImage,
  model: LandmarkModel,
  window: { centerX: number; centerY: number; side: number; angle: number },
): Promise<Point[]> {
  const size = model.entry.inputSize;
  const cropToImage = cropWindowAffine({ ...window, width: window.side, height: window.side, outputWidth: size, outputHeight: size });
  const crop = warpAffine(image, cropToImage, size, size);
  const outputs = await model.session.run({ [model.entry.inputs[0]]: imageToTensor(crop, 'nchw', 255, 0) });
  const values = outputs[model.entry.outputs[0]]?.data;
  if (!values || values.length !== 136) throw new Error(`Landmark model ${model.entry.id} returned ${values?.length ?? 0} values, expected 136`);
  const points: Point[] = [];
  for (let i = 0; i < 68; i++) points.push(applyAffine(cropToImage, values[i * 2] * size, values[i * 2 + 1] * size));
  return points;
}

/**
 * 68 landmarks for one face, in image pixels. The net was trained on mostly upright faces and
 * its estimate of a tilt leans towards upright, so the crop is turned to level the face: first by
 * the detector's eye keypoints, then once more by the landmarks' own eye line. After that second
 * pass the measured roll is self-consistent: a face levelled by it measures level again.
 *
 * With `level`, the face is known to stand level in `image` (the portrait levelled by its own
 * landmarks): one pass in an upright window.
 *
 * A detection whose box or keypoints cannot make a crop (no area, NaN) throws
 * `ImpossibleWindowError` (no_face).
 */
export async function detectLandmarks(image: RgbaImage, face: FaceDetection, model: LandmarkModel, options: { readonly level?: boolean } = {}): Promise<Point[]> {
  const [rightEye, leftEye] = face.keypoints;
  const window = {
    centerX: face.box.x + face.box.width / 2,
    centerY: face.box.y + face.box.height / 2,
    side: Math.max(face.box.width, face.box.height) * LANDMARK_CROP_SCALE,
    angle: rightEye && leftEye && !options.level ? Math.atan2(leftEye.y - rightEye.y, leftEye.x - rightEye.x) : 0,
  };
  // A face that stands level already (the portrait, levelled by these same landmarks' eye line)
  // is read in an upright window: what the second pass below would do, in one.
  if (options.level) return landmarksInWindow(image, model, window);
  const first = await landmarksInWindow(image, model, window);
  const roll = eyeGeometry(first).rollDegrees;
  // Eyes on one spot (or NaN from the net) give no eye line to level by: keep the detector's.
  return landmarksInWindow(image, model, Number.isFinite(roll) ? { ...window, angle: (roll * Math.PI) / 180 } : window);
}

export interface PlacedLandmarks {
  readonly landmarks: Point[];
  readonly check: LandmarkCheck;
}

/**
 * The landmarks of a face that is to be portrayed, checked against its detection (see
 * `checkLandmarks`): `check.ok` false means they cannot be trusted to level and frame the face.
 * A detection that cannot even be cropped counts as a failed check, not as an error.
 */
export async function placeLandmarks(image: RgbaImage, face: FaceDetection, model: LandmarkModel): Promise<PlacedLandmarks> {
  try {
    const landmarks = await detectLandmarks(image, face, model);
    return { landmarks, check: checkLandmarks(landmarks, face) };
  } catch (error) {
    if (error instanceof ImpossibleWindowError) return { landmarks: [], check: { ok: false, problems: ['not_finite'] } };
    throw error;
  }
}
