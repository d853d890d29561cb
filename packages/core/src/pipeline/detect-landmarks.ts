import type { InferenceSession } from '../backends/inference-backend.js';
import { eyeGeometry } from '../geometry/face-landmarks.js';
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
const CROP_SCALE = 1.1;

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
 */
export async function detectLandmarks(image: RgbaImage, face: FaceDetection, model: LandmarkModel): Promise<Point[]> {
  const [rightEye, leftEye] = face.keypoints;
  const window = {
    centerX: face.box.x + face.box.width / 2,
    centerY: face.box.y + face.box.height / 2,
    side: Math.max(face.box.width, face.box.height) * CROP_SCALE,
    angle: Math.atan2(leftEye.y - rightEye.y, leftEye.x - rightEye.x),
  };
  const first = await landmarksInWindow(image, model, window);
  return landmarksInWindow(image, model, { ...window, angle: (eyeGeometry(first).rollDegrees * Math.PI) / 180 });
}
