import type { Tensor } from '../backends/inference-backend.js';
import { eyeGeometry, LANDMARK_INDEX } from '../geometry/face-landmarks.js';
import { centroid, type Point } from '../geometry/point.js';
import { cropWindowAffine, invertAffine, warpAffine } from '../image/affine.js';
import { createRgbaImage, type RgbaImage } from '../image/rgba-image.js';
import type { LoadedModel } from './load-models.js';

/** Share of the restorer's square, at each border, over which its output fades into the photo. */
const FEATHER_FRACTION = 0.08;

/**
 * The FFHQ alignment square that GFPGAN, CodeFormer and GPEN were trained on: centred a little
 * below the eyes, side from the larger of eye distance and eye-to-mouth distance.
 */
export function restorationWindow(landmarks: readonly Point[]) {
  const eyes = eyeGeometry(landmarks);
  const mouth = centroid(landmarks.slice(...LANDMARK_INDEX.mouth));
  const eyeToMouth = { x: mouth.x - eyes.midpoint.x, y: mouth.y - eyes.midpoint.y };
  const half = Math.max(eyes.interocular * 2.0, Math.hypot(eyeToMouth.x, eyeToMouth.y) * 1.8);
  return {
    centerX: eyes.midpoint.x + eyeToMouth.x * 0.1,
    centerY: eyes.midpoint.y + eyeToMouth.y * 0.1,
    side: 2 * half,
    angle: (eyes.rollDegrees * Math.PI) / 180,
  };
}

function toRestorerInput(face: RgbaImage): Tensor {
  // RGB in [-1, 1], NCHW: the common convention of GFPGAN/CodeFormer/GPEN exports.
  const plane = face.width * face.height;
  const data = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[c * plane + i] = face.data[i * 4 + c] / 127.5 - 1;
  }
  return { dims: [1, 3, face.height, face.width], data };
}

function fromRestorerOutput(tensor: Tensor, size: number): RgbaImage {
  const plane = size * size;
  if (tensor.data.length !== plane * 3) throw new Error(`Restoration model returned ${tensor.data.length} values, expected ${plane * 3}`);
  const out = createRgbaImage(size, size);
  const feather = Math.max(1, size * FEATHER_FRACTION);
  for (let y = 0; y < size; y++) {
    const fy = Math.min(1, (Math.min(y, size - 1 - y) + 0.5) / feather);
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const fx = Math.min(1, (Math.min(x, size - 1 - x) + 0.5) / feather);
      for (let c = 0; c < 3; c++) out.data[i * 4 + c] = (tensor.data[c * plane + i] + 1) * 127.5;
      // Smoothstep fade at the square's border, so the paste-back leaves no seam.
      const f = fx * fy;
      out.data[i * 4 + 3] = 255 * f * f * (3 - 2 * f);
    }
  }
  return out;
}

/**
 * Face restoration with any ONNX restorer of the 512×512 RGB in/out convention: aligned crop,
 * inference, warp back and feathered paste. `fidelity` feeds CodeFormer's `w` input when the
 * model has one; otherwise it is the share of the original face kept in the blend.
 */
export async function restoreFace(image: RgbaImage, landmarks: readonly Point[], model: LoadedModel, fidelity: number): Promise<RgbaImage> {
  const size = model.entry.inputSize;
  const window = restorationWindow(landmarks);
  const faceToImage = cropWindowAffine({ ...window, width: window.side, height: window.side, outputWidth: size, outputHeight: size });
  const face = warpAffine(image, faceToImage, size, size);
  const [input, weightInput] = model.entry.inputs;
  const feeds: Record<string, Tensor> = { [input]: toRestorerInput(face) };
  if (weightInput) feeds[weightInput] = { dims: [1], data: new Float32Array([fidelity]) };
  const outputs = await model.session.run(feeds, [model.entry.outputs[0]]);
  const restored = fromRestorerOutput(outputs[model.entry.outputs[0]], size);
  const keepOriginal = weightInput ? 0 : fidelity;
  const pasted = warpAffine(restored, invertAffine(faceToImage), image.width, image.height);
  const out = createRgbaImage(image.width, image.height, new Uint8ClampedArray(image.data));
  for (let i = 0; i < out.data.length; i += 4) {
    const a = (pasted.data[i + 3] / 255) * (1 - keepOriginal);
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) out.data[i + c] = pasted.data[i + c] * a + image.data[i + c] * (1 - a);
  }
  return out;
}
